/**
 * The only server modules the lifecycle door tests import directly. Everything else enters
 * through the HTTP API, SCIM, uploads or the CLI. Kept in one file because server/ is being
 * reorganised: when a module moves, this is the one place to follow it.
 *
 * - `fireDueChanges`: the sweep the `scheduled-changes-fire` job runs (the schedule door).
 * - `drainRuns`: waits for the sync / import runs this process started (before closing a world).
 * - `DeliveryWorker`: delivers the outbox to the real ejabberd (as test/core/ejabberdEndToEnd).
 */
export { type DeliverySettings, DeliveryWorker } from '../../server/core/delivery/worker.ts';
export { fireDueChanges } from '../../server/sources/hr/schedule/fire.ts';
export { drainRuns } from '../../server/sources/runs.ts';
