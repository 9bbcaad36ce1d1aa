import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin, stop } from 'esbuild';

/** Marks a resolution this plugin asked esbuild for, so it does not ask itself again. */
const RESOLVING = Symbol('resolving');

/**
 * Leaves every package out of the bundle, imported by the absolute file URL esbuild resolves it
 * to (package exports and the `import` condition, as Node would): a data: URL module has no
 * place to resolve a bare name from.
 */
const packagesByUrl: Plugin = {
  name: 'packages-by-url',
  setup(bundler) {
    bundler.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('node:') || args.pluginData === RESOLVING) return undefined;
      const resolved = await bundler.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: RESOLVING,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (resolved.external) return { path: args.path, external: true };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
};

const modules = new Map<string, Promise<URL>>();
/** Bundles in progress: esbuild's own process is stopped when none is left. */
let building = 0;

async function bundle(entry: URL): Promise<URL> {
  building += 1;
  try {
    return await bundled(entry);
  } finally {
    building -= 1;
    // No esbuild process lingers beside the service; the next bundle starts one again.
    if (building === 0) await stop();
  }
}

async function bundled(entry: URL): Promise<URL> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [packagesByUrl],
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error(`bundling ${entry.pathname} produced nothing`);
  // In a data: URL, import.meta.url names the bundle, not the module's file.
  if (code.includes('import.meta'))
    throw new Error(`${entry.pathname}: a module a worker runs uses import.meta`);
  // Stack traces name the module by its URL: the entry's, marked as bundled, not the whole
  // base64 bundle once a frame (tens of kilobytes in every logged stack).
  const named = `${code}\n//# sourceURL=${entry.href}?bundle\n`;
  return new URL(`data:text/javascript;base64,${Buffer.from(named).toString('base64')}`);
}

/**
 * A worker thread's TypeScript entry (and the project modules it imports) as one plain ES
 * module, ready for `new Worker(url)`: a data: URL, built once per process by esbuild, with
 * packages imported from node_modules. Why: tsx's loader, which a worker must register for
 * itself on Node 20, starts a hooks thread and costs a worker 200–400 ms of its start; a
 * parallel audit walk of a few seconds spent a fifth of its time there (docs/decisions.md).
 * Nothing is written to disk, so nothing another local user could swap.
 */
export function workerModuleUrl(entry: URL): Promise<URL> {
  let module = modules.get(entry.href);
  if (!module) {
    module = bundle(entry);
    // A failed build is not remembered: the next walk tries again.
    module.catch(() => modules.delete(entry.href));
    modules.set(entry.href, module);
  }
  return module;
}
