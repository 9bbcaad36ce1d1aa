import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runImportBench } from './import.ts';
import { runLoopBench } from './loop.ts';

/**
 * `npm run bench -- hr`: the HR feeds' benchmarks: the file import, the event loop while
 * 300,000-row files are imported, then SCIM (when its benchmark, bench/hr/scim.ts, is there).
 * `npm run bench -- hr loop`: the event-loop one only.
 */
export async function runHrBenchmark(args: string[]): Promise<void> {
  if (args.includes('loop')) {
    await runLoopBench();
    return;
  }
  await runImportBench();
  await runLoopBench();
  const scim = fileURLToPath(new URL('./scim.ts', import.meta.url));
  if (existsSync(scim)) {
    const module = (await import(scim)) as { runScimBench?: () => Promise<unknown> };
    await module.runScimBench?.();
  }
}
