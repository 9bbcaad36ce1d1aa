#!/usr/bin/env node
// Builds the admin UI when admin-ui/dist is missing or older than its sources, so that
// `npm start` (prestart) and the browser tests always serve a current build. Concurrent callers
// wait for one build through a lock directory.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'index.html');
const lock = join(root, '.build.lock');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'];

function newest(path) {
  let info;
  try {
    info = statSync(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let max = info.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

function isCurrent() {
  const built = newest(dist);
  return built > 0 && built >= Math.max(...SOURCES.map((source) => newest(join(root, source))));
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function acquire() {
  for (let waited = 0; waited < 180_000; waited += 250) {
    try {
      mkdirSync(lock);
      return true;
    } catch {
      // A stale lock (a killed build) is taken over after three minutes.
      if (Date.now() - newest(lock) > 180_000) rmSync(lock, { recursive: true, force: true });
      sleep(250);
    }
  }
  return false;
}

if (!isCurrent()) {
  if (!acquire()) {
    console.error('admin-ui: timed out waiting for another build');
    process.exit(1);
  }
  try {
    if (!isCurrent()) {
      console.error('admin-ui: building (dist is missing or older than src)…');
      // Always the production build, whatever NODE_ENV the caller runs under (vitest sets
      // `test`): a development build uses React's dev runtime and makes emotion write its styles
      // as text, which the console's Content-Security-Policy refuses (docs/decisions.md).
      const run = spawnSync('npx', ['--no-install', 'vite', 'build', '--logLevel', 'warn'], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, NODE_ENV: 'production' },
      });
      if (run.status !== 0) process.exit(run.status ?? 1);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
