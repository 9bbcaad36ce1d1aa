/**
 * `npm run bench -- <name> [options]`: runs one benchmark. Each benchmark owns its data (under
 * bench/.data), stops by itself and prints a markdown table for docs/benchmarks.md.
 */
const benchmarks: Record<string, () => Promise<(args: string[]) => Promise<void>>> = {
  directory: async () => (await import('./directory.ts')).runDirectoryBenchmark,
  identity: async () => (await import('./identity.ts')).runIdentityBenchmark,
  sync: async () => (await import('./sync.ts')).runSyncBenchmark,
  core: async () => (await import('./core.ts')).runCoreBenchmark,
  ui: async () => (await import('./ui.ts')).runUiBenchmark,
  hr: async () => (await import('./hr/index.ts')).runHrBenchmark,
  'core-accounts': async () => (await import('./coreAccounts.ts')).runCoreAccountsBenchmark,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? benchmarks[name] : undefined;
  if (!load) {
    process.stderr.write(
      `Usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [--fresh]\n`,
    );
    return 2;
  }
  await (await load())(rest);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
