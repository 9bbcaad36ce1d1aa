/**
 * The layers of server/ (docs/architecture.md, "Layout"), checked by `npm run layers` in CI.
 * Lowest first; a file imports only its own layer and the layers below it. The capabilities are
 * ordered among themselves too: mail < sms < directory < identity < core < sources < siem.
 */
const LAYERS = [
  ['kernel', ['config.ts', 'logger.ts', 'db/', 'shared/']],
  ['authz', ['authz/']],
  ['records', ['audit/', 'outbox/']],
  ['commands', ['commands/']],
  ['http', ['http/']],
  ['mail', ['mail/']],
  ['sms', ['sms/']],
  ['directory', ['directory/']],
  ['identity', ['identity/']],
  ['core', ['core/']],
  ['sources', ['sources/']],
  ['siem', ['siem/']],
  ['routes', ['routes/', 'app.ts', 'coreApp.ts']],
  ['entry', ['cli/', 'demo/', 'corePort/', 'main.ts', 'bootstrap.ts', 'entities.ts']],
];

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A path regex for server/ files or folders: `db/` matches the folder, `config.ts` the file. */
const under = (entries) =>
  `^server/(?:${entries.map((entry) => (entry.endsWith('/') ? escapeRegex(entry) : `${escapeRegex(entry)}$`)).join('|')})`;

const layerPath = (index) => under(LAYERS[index][1]);
const abovePath = (index) => under(LAYERS.slice(index + 1).flatMap(([, entries]) => entries));
const layerNames = (entries) => entries.join(', ');

const layerRules = LAYERS.slice(0, -1).map(([name, entries], index) => ({
  name: `layer-${name}`,
  severity: 'error',
  comment:
    `${name} (server/ ${layerNames(entries)}) is layer ${index} of ${LAYERS.length - 1}: it may ` +
    `import only itself and the layers below, never ${LAYERS.slice(index + 1)
      .map(([above]) => above)
      .join(', ')}. Move the shared piece down, or the caller up (docs/architecture.md).`,
  from: { path: layerPath(index) },
  to: { path: abovePath(index) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycle anywhere in server/, inside a folder or across folders: a cycle makes ' +
        'load order matter and hides which module is the lower one. Break it by moving the shared ' +
        'type or helper into a module both import.',
      from: { path: '^server/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'every-module-in-a-layer',
      severity: 'error',
      comment:
        'Every file of server/ belongs to a layer; a new top-level folder or file must be added to ' +
        'LAYERS here and to docs/architecture.md, or the layer rules would not see it.',
      from: { path: '^server/', pathNot: under(LAYERS.flatMap(([, entries]) => entries)) },
      to: {},
    },
    {
      name: 'shared-below-the-config-loader',
      severity: 'error',
      comment:
        'Inside the kernel, server/shared/ is below the configuration loader (server/config.ts, ' +
        'which builds on shared/config/): shared code names `Config` and `ConfigError` from ' +
        'shared/config/schema.ts, so the two never import each other.',
      from: { path: '^server/shared/' },
      to: { path: '^server/config\\.ts$' },
    },
    {
      name: 'http-imports-no-capability',
      severity: 'error',
      comment:
        'server/http/ is the generic HTTP kit (request context, problem+json, admin UI, BaseState): ' +
        'it knows no capability and no route. Who is calling (auth, device, core) is typed in ' +
        'server/routes/types.ts; capability middlewares extend BaseState themselves.',
      from: { path: '^server/http/' },
      to: { path: '^server/(?:(?:mail|sms|directory|identity|core|sources|routes)/|app\\.ts$)' },
    },
    {
      name: 'identity-owns-session-tables',
      severity: 'error',
      comment:
        'The credential tables (BackofficeSession, DeviceSession, LoginChallenge, TotpFactor, ' +
        'RecoveryCode, EnrollmentToken in server/identity/entities.ts) are read and written by ' +
        'identity only; everyone else calls an identity function. server/entities.ts lists them ' +
        'for the ORM.',
      from: { path: '^server/', pathNot: '^server/(?:identity/|entities\\.ts$)' },
      to: { path: '^server/identity/entities\\.ts$' },
    },
    {
      name: 'routes-only-from-app',
      severity: 'error',
      comment:
        'HTTP routes (server/routes/) are the top of the request path: only other route files, ' +
        'server/app.ts (which mounts them) and server/coreApp.ts (the core port, which serves the ' +
        'introspection fast path) import them. Logic a route file holds that others need belongs ' +
        'in a capability.',
      from: { path: '^server/', pathNot: '^server/(?:routes/|app\\.ts$|coreApp\\.ts$)' },
      to: { path: '^server/routes/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    // Type-only imports count: a layer must not even name a type of a layer above it.
    tsPreCompilationDeps: true,
    // Read only for `paths`, which this project does not use (imports are relative, with their
    // .ts extension); dependency-cruiser 17 can read it with TypeScript < 7 only.
    tsConfig: { fileName: 'tsconfig.json' },
    // dependency-cruiser 17 parses TypeScript with the `typescript` package up to 6.x; this
    // project compiles with TypeScript 7 (native, no such API), so .ts files are parsed by swc,
    // which reads the source as written (type-only imports included).
    parser: 'swc',
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
