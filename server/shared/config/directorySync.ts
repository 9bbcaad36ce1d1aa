import { z } from 'zod';

/** How a source's people are linked to people already in the directory (after the external id). */
export const CORRELATION_KEYS = ['employeeId', 'email', 'username'] as const;
export type CorrelationKey = (typeof CORRELATION_KEYS)[number];

/**
 * Reconnection policies (docs/directory-sync.md, "Reconnection"). `employeeId`: an entry of a new
 * account carrying the employee number of a person of the same source whose old account is gone
 * is linked to that person (reactivated if the source had deactivated them), and an entry whose
 * login or email alone matches a deactivated person is proposed to an admin as a conflict.
 * `never`: neither; such an entry is a plain conflict.
 */
export const RECONNECT_POLICIES = ['employeeId', 'never'] as const;
export type ReconnectPolicy = (typeof RECONNECT_POLICIES)[number];

// Five cron fields (minute hour day month weekday), as pg-boss schedules take them.
const cron = z
  .string()
  .trim()
  .regex(/^(\S+\s+){4}\S+$/, 'must be a cron expression of five fields');

/** When scheduled runs happen; null turns that kind of run off. */
export const scheduleSchema = z
  .object({
    incremental: cron.nullable().default('*/5 * * * *'),
    full: cron.nullable().default('30 2 * * *'),
  })
  .strict();
export type SyncSchedule = z.infer<typeof scheduleSchema>;

/**
 * Safety thresholds. A full read with fewer entries than `minShareOfManaged` of the people the
 * source manages deactivates nobody. A plan deactivating more than
 * `min(maxDeactivations, max(1, floor(maxDeactivationShare × managed)))` people waits for approval
 * ("10% or 50 people", whichever is smaller; one leaver never needs an approval).
 */
export const thresholdsSchema = z
  .object({
    minShareOfManaged: z.number().min(0).max(1).default(0.5),
    maxDeactivationShare: z.number().min(0).max(1).default(0.1),
    maxDeactivations: z.number().int().min(0).max(1_000_000).default(50),
  })
  .strict();
export type SyncThresholds = z.infer<typeof thresholdsSchema>;

/** Sync settings of one source (API sources keep them in their row, config sources below). */
export const syncSettingsSchema = z
  .object({
    /** Scheduled runs on; runs on demand are always possible. */
    enabled: z.boolean().default(true),
    schedule: scheduleSchema.default({ incremental: '*/5 * * * *', full: '30 2 * * *' }),
    thresholds: thresholdsSchema.default({
      minShareOfManaged: 0.5,
      maxDeactivationShare: 0.1,
      maxDeactivations: 50,
    }),
    correlateBy: z.enum(CORRELATION_KEYS).default('employeeId'),
    /** How a re-created account or a rehire finds its person again (RECONNECT_POLICIES). */
    reconnect: z.enum(RECONNECT_POLICIES).default('employeeId'),
  })
  .strict();
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

/** Default sync settings. */
export const DEFAULT_SYNC_SETTINGS: SyncSettings = syncSettingsSchema.parse({});

/**
 * `directorySync` in the configuration: sync settings of the sources listed under
 * `directorySources`, by source id. A config source not listed here is used for logins only
 * (it can still be synced on demand), so adding this feature syncs nobody by surprise.
 */
export const directorySyncConfigSchema = z
  .object({
    sources: z.record(z.string(), syncSettingsSchema).default({}),
    /**
     * Plan items applied per transaction (directory syncs and HR imports). A batch commits as a
     * whole; a stopped process leaves whole batches behind, and the run resumes after them.
     */
    applyBatchSize: z.number().int().min(1).max(100_000).default(5_000),
    /**
     * Batches applied at once (each its own transaction and connection) while they only create
     * people into existing organizations and spaces; any other batch runs alone. Also the slices
     * a plan's main statement is computed in at once. 1: one by one.
     */
    applyConcurrency: z.number().int().min(1).max(8).default(2),
    /**
     * The change watch (server/sources/changeWatch.ts): every `intervalMs`, each enabled AD
     * source is asked whether an account was disabled since its last run, and if so an
     * incremental run starts at once. Runs where the jobs run (`jobs.enabled`).
     */
    watch: z
      .object({
        enabled: z.boolean().default(true),
        intervalMs: z.number().int().min(200).max(60_000).default(500),
      })
      .strict()
      .default({ enabled: true, intervalMs: 500 }),
  })
  .strict()
  .default({
    sources: {},
    applyBatchSize: 5_000,
    applyConcurrency: 2,
    watch: { enabled: true, intervalMs: 500 },
  });

/** `jobs` in the configuration: background jobs (pg-boss) in this process. */
export const jobsConfigSchema = z
  .object({ enabled: z.boolean().default(true) })
  .strict()
  .default({ enabled: true });
