import { z } from 'zod';
import {
  connectionViewOf,
  connectionViewSchema,
  MAX_BASE_DNS,
} from '../shared/config/directorySources.ts';
import {
  CORRELATION_KEYS,
  RECONNECT_POLICIES,
  scheduleSchema,
  thresholdsSchema,
} from '../shared/config/directorySync.ts';
import {
  RUN_ERROR_CODES,
  type RunErrorCode,
  SAFETY_CODES,
  type SafetyCode,
} from '../shared/errorCodes.ts';
import { line, paging, planNote, uuid } from '../shared/schemas.ts';
import { PLAN_ACTIONS, RUN_MODES, RUN_STATUSES } from './entities.ts';
import {
  CONNECTION_TEST_MESSAGES,
  CONNECTION_TEST_STEPS,
  type ConnectionTestCode,
} from './ldap/connectionTestCodes.ts';
import type { DirectorySyncSource } from './registry.ts';

/** A source id in a path. */
export const sourceIdParams = z
  .object({ id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'not a source id') })
  .strict();

/**
 * The connection settings of a source, as `directorySources` entries take them (without `id`);
 * validated by the same schema (server/shared/config/directorySources.ts). They never carry a
 * password: only the NAME of a `DIRECTORY_BIND_PASSWORD_<SUFFIX>` variable, or nothing when the
 * password is stored (`bindPassword` beside `connection`).
 */
const connection = z
  .object({
    baseDns: z
      .array(z.string())
      .nullable()
      .optional()
      .meta({
        description: `Where people are searched: 1 to ${MAX_BASE_DNS} base DNs, each searched and the results merged; none empty, repeated (case-insensitive) or inside another. A person moved from one to another stays in scope; moved outside all of them, they are deactivated by the next incremental run.`,
        examples: [['OU=Moscow,DC=corp,DC=example', 'OU=Yekaterinburg,DC=corp,DC=example']],
      }),
    baseDn: z.string().nullable().optional().meta({
      deprecated: true,
      description:
        'The older spelling of a single base DN, the same as `baseDns: [baseDn]`; give one of the two. Answers show `baseDns` only.',
    }),
  })
  .catchall(z.unknown())
  .meta({
    description:
      'The connection settings, as a `directorySources` entry of the configuration takes them (without `id`): kind, url, startTls, tls, allowPlain, bindDn, bindPasswordEnv, baseDns, userFilter, loginAttribute, idAttribute, lockAttribute, timeoutMs, pageSize, attributes, groupBaseDn, groupFilter, groupMappings, nestedGroups. Validated as a whole: a problem names its field as `connection.<field>` (e.g. `connection.baseDns.1`).',
  });

/**
 * The bind password to store, write-only: a string sets (replaces) it, null clears it, absent
 * leaves it as it is. Not trimmed or normalized: a password is compared byte for byte.
 */
const bindPassword = z
  .string()
  .min(1, 'an empty password would be an anonymous bind: send null to clear the password')
  .max(1024)
  .nullable()
  .optional();

/** POST /directory-sources. */
export const createSourceBody = z
  .object({
    id: sourceIdParams.shape.id,
    name: line(200),
    connection,
    bindPassword,
    enabled: z.boolean().default(true),
    schedule: scheduleSchema.optional(),
    thresholds: thresholdsSchema.optional(),
    correlateBy: z.enum(CORRELATION_KEYS).default('employeeId'),
    reconnect: z.enum(RECONNECT_POLICIES).default('employeeId'),
  })
  .strict();
export type CreateSourceBody = z.infer<typeof createSourceBody>;

/**
 * PATCH /directory-sources/:id: `connection` keys are merged into the current ones (a null removes
 * a key: back to its default, or no `bindPasswordEnv`).
 */
export const updateSourceBody = z
  .object({
    name: line(200).optional(),
    connection: connection.optional(),
    bindPassword,
    enabled: z.boolean().optional(),
    schedule: scheduleSchema.optional(),
    thresholds: thresholdsSchema.optional(),
    correlateBy: z.enum(CORRELATION_KEYS).optional(),
    reconnect: z.enum(RECONNECT_POLICIES).optional(),
  })
  .strict();
export type UpdateSourceBody = z.infer<typeof updateSourceBody>;

/**
 * A source as the API shows it. No secret is in it: `connection.bindPasswordEnv` is a variable's
 * name, and of a stored password only whether one is set and when it last changed. (Not named
 * `bindPassword…` alone: the audit redaction would hide the flag.)
 */
export const sourceView = z.object({
  id: z.string(),
  name: z.string(),
  /** `config`: defined in config/ and read-only through the API (409 source_defined_in_config). */
  origin: z.enum(['config', 'api']),
  kind: z.enum(['active-directory', 'ldap']),
  /** The connection settings with defaults applied; the base DNs always as `baseDns`. */
  connection: connectionViewSchema,
  /** Whether a stored bind password is set (API sources). */
  bindPasswordSet: z.boolean(),
  /** When the stored bind password was last set or cleared; null if never. */
  bindPasswordChangedAt: z.string().nullable(),
  enabled: z.boolean(),
  schedule: scheduleSchema,
  thresholds: thresholdsSchema,
  correlateBy: z.enum(CORRELATION_KEYS),
  /** How a re-created account or a rehire finds its person again (docs/directory-sync.md). */
  reconnect: z.enum(RECONNECT_POLICIES),
});
export type SourceView = z.infer<typeof sourceView>;

/** What a create or a change did to the stored bind password. */
export const BIND_PASSWORD_CHANGES = ['set', 'cleared', 'cleared_connection_changed'] as const;
/** What a create or a change did to the stored bind password (see BIND_PASSWORD_CHANGES). */
export type BindPasswordChange = (typeof BIND_PASSWORD_CHANGES)[number];

/**
 * The answer of POST and PATCH: the source, and what happened to its password —
 * `cleared_connection_changed` when a new URL, bind DN or TLS setting cleared it (type it again).
 */
export const sourceChangeView = sourceView.extend({
  bindPasswordChange: z.enum(BIND_PASSWORD_CHANGES).nullable(),
});
export type SourceChangeView = z.infer<typeof sourceChangeView>;

/** Presents a source. */
export function presentSource(source: DirectorySyncSource): SourceView {
  return {
    id: source.id,
    name: source.name,
    origin: source.origin,
    kind: source.connection.kind,
    connection: connectionViewOf(source.connection),
    bindPasswordSet: source.connection.storedBindPassword !== undefined,
    bindPasswordChangedAt: source.bindPasswordChangedAt?.toISOString() ?? null,
    enabled: source.settings.enabled,
    schedule: source.settings.schedule,
    thresholds: source.settings.thresholds,
    correlateBy: source.settings.correlateBy,
    reconnect: source.settings.reconnect,
  };
}

/** POST /directory-sources/:id/sync. */
export const syncBody = z.object({ mode: z.enum(RUN_MODES).default('incremental') }).strict();
/** `?wait=true`: answer when the run has planned, applied or stopped to wait for approval. */
export const syncQuery = z.object({ wait: z.enum(['true', 'false']).default('false') }).strict();

/** GET /sync-runs. */
export function listRunsQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      sourceId: sourceIdParams.shape.id.optional(),
      status: z.enum(RUN_STATUSES).optional(),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type ListRunsQuery = z.infer<ReturnType<typeof listRunsQuery>>;

/** GET /sync-runs/:id/plan. */
export function planQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      action: z.enum(PLAN_ACTIONS).optional(),
      q: line(200).optional(),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type PlanQuery = z.infer<ReturnType<typeof planQuery>>;

/** A run as the API shows it. */
export const runView = z.object({
  id: uuid,
  sourceId: z.string(),
  mode: z.enum(RUN_MODES),
  readMode: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  counts: z.record(z.string(), z.number()),
  cursorBefore: z.record(z.string(), z.unknown()).nullable(),
  cursorAfter: z.record(z.string(), z.unknown()).nullable(),
  requestedBy: z.string(),
  requestedById: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  /** Why the run failed or was cancelled, as a registered code (shared/errorCodes.ts). */
  errorCode: z.enum(Object.keys(RUN_ERROR_CODES) as [RunErrorCode, ...RunErrorCode[]]).nullable(),
  /** The values the error's message is filled with (`reason`, `runId`). */
  errorParams: z.record(z.string(), z.unknown()),
  safety: z.string().nullable(),
  /** Why the plan is held back, as a registered code (shared/errorCodes.ts), with its params. */
  safetyCode: z.enum(Object.keys(SAFETY_CODES) as [SafetyCode, ...SafetyCode[]]).nullable(),
  safetyParams: z.record(z.string(), z.unknown()),
  approvedById: z.string().nullable(),
  approvedAt: z.string().nullable(),
  /** Facts kept with the run: an import's file name, SHA-256, format, mapping and row errors. */
  details: z.record(z.string(), z.unknown()),
});
export type RunView = z.infer<typeof runView>;

/** One person's line of a plan. */
export const planItemView = z.object({
  seq: z.number(),
  action: z.enum(PLAN_ACTIONS),
  userId: z.string().nullable(),
  externalId: z.string().nullable(),
  locator: z.string().nullable(),
  label: z.string().nullable(),
  diff: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  record: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      "A create: the values the person is created with. Fields without a value are left out; the external id and locator are the item's own fields (plans made by earlier versions repeat them here)",
    ),
  link: z.boolean(),
  /** The note in English (for the audit, the CLI and older clients); `notes` says it as codes. */
  reason: z.string().nullable(),
  /**
   * The note as registered codes with params (shared/errorCodes.ts, PLAN_NOTE_CODES), which the
   * console translates; null on items of plans made before notes had codes (show `reason`).
   */
  notes: z.array(planNote).nullable(),
  blocked: z.string().nullable(),
  /** Why the item is held back, as a code with params; null when not blocked (or older). */
  blockedNote: planNote.nullable(),
  outcome: z.string().nullable(),
  outcomeReason: z.string().nullable(),
  /** Why an applied item did not take, as a code with params; null otherwise (or older). */
  outcomeNote: planNote.nullable(),
  /**
   * A reconnection proposal (a conflict whose login or e-mail alone matched a person this source
   * deactivated): who, and since when; decided through POST …/plan/:seq/decision.
   */
  proposed: z
    .object({
      userId: z.string(),
      label: z.string(),
      /** The day (UTC) the person's status last changed, YYYY-MM-DD. */
      deactivatedOn: z.string().nullable(),
    })
    .nullable(),
});
export type PlanItemView = z.infer<typeof planItemView>;

/** POST /sync-runs/:id/plan/:seq/decision: the path. */
export const planItemParams = z
  .object({ id: uuid, seq: z.coerce.number().int().min(1).max(2_147_483_647) })
  .strict();

/**
 * An admin's decision on a reconnection proposal (docs/directory-sync.md, "Reconnection"):
 * `link` the entry to the proposed person, `create` a new person, or `ignore` the entry.
 */
export const planDecisionBody = z
  .object({ decision: z.enum(['link', 'create', 'ignore']) })
  .strict();
export type PlanDecisionBody = z.infer<typeof planDecisionBody>;

/** The recorded decision; it takes effect from the next run of the source. */
export const planDecisionView = z.object({
  runId: z.string(),
  seq: z.number(),
  sourceId: z.string(),
  externalId: z.string(),
  decision: z.enum(['link', 'create', 'ignore']),
  userId: z.string(),
});
export type PlanDecisionView = z.infer<typeof planDecisionView>;

/** POST /directory-sources/:id/test: how many entries to preview through the mapping. */
export const testSourceBody = z
  .object({ previewLimit: z.number().int().min(1).max(20).optional() })
  .strict();
export type TestSourceBody = z.infer<typeof testSourceBody>;

const paramValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);

/**
 * The answer of a connection test (server/sources/ldap/connectionTest.ts): every step in order
 * (dns, tcp, tls, bind, root_dse, base_dn, filter, mapping, deletion_detection), each with a
 * stable `code` the console translates (docs/directory-sync.md, "Test connection").
 */
export const connectionTestView = z.object({
  ok: z.boolean(),
  steps: z.array(
    z.object({
      step: z.enum(CONNECTION_TEST_STEPS),
      ok: z.boolean(),
      code: z.enum(
        Object.keys(CONNECTION_TEST_MESSAGES) as [ConnectionTestCode, ...ConnectionTestCode[]],
      ),
      message: z.string(),
      params: z.record(z.string(), paramValue),
      ms: z.number(),
    }),
  ),
  preview: z.array(
    z.object({
      dn: z.string(),
      externalId: z.string().nullable(),
      record: z.object({
        username: z.string().nullable(),
        displayName: z.string().nullable(),
        email: z.string().nullable(),
        title: z.string().nullable(),
        organization: z.string().nullable(),
      }),
      problems: z.array(z.string()),
      /** `problems` as plan notes (codes with params), which the console translates. */
      notes: z.array(planNote),
    }),
  ),
});
export type ConnectionTestView = z.infer<typeof connectionTestView>;
