#!/usr/bin/env node
// Reports the gzipped size of the JavaScript the browser loads before the first screen: the
// entry script and the chunks index.html preloads (lazy routes are not counted).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/admin\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
let initialRaw = 0;
let initialGz = 0;
for (const file of initial) {
  const raw = readFileSync(join(dist, file)).length;
  initialRaw += raw;
  initialGz += gz(file);
}
const all = readdirSync(join(dist, 'assets')).filter((file) => file.endsWith('.js'));
const allGz = all.reduce((sum, file) => sum + gz(join('assets', file)), 0);
console.log(
  `initial JS: ${initial.length} file(s), ${kb(initialRaw)} raw, ${kb(initialGz)} gzipped`,
);
console.log(`all JS:     ${all.length} chunks, ${kb(allGz)} gzipped (lazy chunks load per screen)`);
