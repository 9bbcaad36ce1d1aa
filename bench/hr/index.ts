import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runImportBench } from './import.ts';

/**
 * `npm run bench -- hr`: the HR feeds' benchmarks: the file import, then SCIM (when its
 * benchmark, bench/hr/scim.ts, is there).
 */
export async function runHrBenchmark(_args: string[]): Promise<void> {
  await runImportBench();
  const scim = fileURLToPath(new URL('./scim.ts', import.meta.url));
  if (existsSync(scim)) {
    const module = (await import(scim)) as { runScimBench?: () => Promise<unknown> };
    await module.runScimBench?.();
  }
}
