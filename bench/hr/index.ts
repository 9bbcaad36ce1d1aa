import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runImportBench } from './import.ts';
import { runLeaversBench } from './leavers.ts';
import { runLoopBench } from './loop.ts';

/**
 * `npm run bench -- hr`: the HR feeds' benchmarks: the file import, the event loop while
 * 300,000-row files are imported, then SCIM (when its benchmark, bench/hr/scim.ts, is there).
 * `npm run bench -- hr loop`: the event-loop one only; `npm run bench -- hr leavers
 * [--people 5000]`: many leavers on one date only (leavers.ts), which also runs after the loop.
 */
export async function runHrBenchmark(args: string[]): Promise<void> {
  if (args.includes('loop')) {
    await runLoopBench();
    return;
  }
  if (args.includes('leavers')) {
    await runLeaversBench(args);
    return;
  }
  await runImportBench();
  await runLoopBench();
  await runLeaversBench([]);
  const scim = fileURLToPath(new URL('./scim.ts', import.meta.url));
  if (existsSync(scim)) {
    const module = (await import(scim)) as { runScimBench?: () => Promise<unknown> };
    await module.runScimBench?.();
  }
}
