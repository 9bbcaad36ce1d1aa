import { z } from 'zod';

const name = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters: A-Z a-z 0-9 . _ -');
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name');
const WHSEC = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** A Standard Webhooks endpoint; the signing secrets come from environment variables. */
const webhookConnector = z
  .object({
    kind: z.literal('webhook'),
    name: name.default('webhook'),
    url: z.url(),
    /** Names of environment variables holding `whsec_<base64>` secrets; several = rotation. */
    secrets: z.array(envName).min(1),
    timeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
  })
  .strict()
  // Filled from the environment by resolveConnectorSecrets(); never read from a file.
  .transform((value) => ({ ...value, signingSecrets: [] as string[] }));

/** ejabberd's options are validated by its own factory (server/core/connectors/ejabberd). */
const ejabberdConnector = z
  .object({ kind: z.literal('ejabberd'), name: name.default('ejabberd') })
  .catchall(z.unknown());

/**
 * `core.listen`: the messaging core's own port (docs/identity.md, "The core's own port").
 * Its calls (introspection on every message it routes, authentication) are then served on a
 * thread of their own, away from the back-office's work; off (null) by default.
 */
const coreListen = z
  .object({
    /** The port; null: the core calls the service's main port (`http.port`) only. */
    port: z.coerce.number().int().min(0).max(65535).nullable().default(null),
    /** The address to listen on; null: `http.host`. An internal interface keeps it off the public network. */
    host: z.string().min(1).nullable().default(null),
  })
  .strict()
  .prefault({});

/** `core.listen`, `core.connectors`, `core.delivery` and `core.reconcile` of the service configuration. */
export const coreDeliveryConfig = {
  listen: coreListen,
  connectors: z
    .array(z.union([webhookConnector, ejabberdConnector]))
    .default([])
    .refine(
      (list) => new Set(list.map((c) => c.name)).size === list.length,
      'connector names must be unique',
    ),
  delivery: z
    .object({
      /** Run the delivery worker in this process (several processes may; they share the work). */
      enabled: z.boolean().default(true),
      /** Fallback poll when no notification arrives (a lost LISTEN connection, retries due). */
      pollIntervalMs: z.coerce.number().int().min(50).default(1000),
      /** A claimed event is someone else's to retry after this long (a crashed worker). */
      lockSeconds: z.coerce.number().int().min(1).default(60),
      /** Events delivered at once per connector (each of a different key). */
      concurrency: z.coerce.number().int().min(1).max(256).default(16),
      maxAttempts: z.coerce.number().int().min(1).default(10),
      baseDelayMs: z.coerce.number().int().min(1).default(1000),
      maxDelayMs: z.coerce.number().int().min(1).default(300_000),
    })
    .strict()
    .prefault({}),
  reconcile: z
    .object({
      enabled: z.boolean().default(true),
      intervalMinutes: z.coerce.number().min(0.01).default(60),
    })
    .strict()
    .prefault({}),
};

/** The parsed connector list. */
export type ConnectorConfig = z.infer<typeof coreDeliveryConfig.connectors>[number];
/** A webhook connector's parsed configuration. */
export type WebhookConnectorConfig = Extract<ConnectorConfig, { kind: 'webhook' }>;

/**
 * Reads each webhook connector's signing secrets from the environment variables it names.
 * Returns problems for the operator (missing variable, not `whsec_<base64>`), empty if none.
 */
export function resolveConnectorSecrets(
  connectors: ConnectorConfig[],
  env: NodeJS.ProcessEnv,
): string[] {
  const problems: string[] = [];
  connectors.forEach((connector, index) => {
    if (connector.kind !== 'webhook') return;
    const webhook = connector as WebhookConnectorConfig;
    webhook.signingSecrets = webhook.secrets.map((variable) => {
      const value = env[variable] ?? '';
      if (!WHSEC.test(value))
        problems.push(
          `core.connectors.${index}.secrets: ${variable} must be set to whsec_<base64 secret>`,
        );
      return value;
    });
  });
  return problems;
}
