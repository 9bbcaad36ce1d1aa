import { z } from 'zod';

/**
 * The ejabberd connector's configuration (`core.connector: ejabberd`). ejabberd's HTTP API
 * (`mod_http_api`) is reached at `apiUrl`; `host` is the XMPP virtual host people live on.
 */
export const ejabberdConnectorConfig = z
  .object({
    /** e.g. `http://127.0.0.1:5281/api` (no trailing slash needed). */
    apiUrl: z.url(),
    /** The XMPP host (`corp.example.test`): accounts are `username@host`. */
    host: z.string().min(1),
    /**
     * How to authenticate to the API: `none` when `api_permissions` trust the service's IP,
     * `basic` for an admin account (`admin@host` + password), `bearer` for an OAuth token.
     */
    auth: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('none') }).strict(),
        z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }).strict(),
        z.object({ type: z.literal('bearer'), token: z.string() }).strict(),
      ])
      .default({ type: 'none' }),
    /** Per API call. */
    timeoutMs: z.number().int().positive().default(10_000),
    /**
     * Spaces with more members than this become shared roster groups that are not displayed to
     * their own members: self-displayed groups slow ejabberd down quadratically.
     */
    largeGroupThreshold: z.number().int().nonnegative().default(100),
    /** The company name written to vCard ORG/ORGNAME (the person's unit goes to ORGUNIT). */
    organizationName: z.string().default(''),
  })
  .strict();

/** Parsed connector configuration. */
export type EjabberdConnectorConfig = z.infer<typeof ejabberdConnectorConfig>;
/** Configuration as written (defaults optional). */
export type EjabberdConnectorConfigInput = z.input<typeof ejabberdConnectorConfig>;
