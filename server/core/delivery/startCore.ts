import type { Services } from '../../shared/services.ts';
import { buildConnectors, registerConnectors } from '../connectors/registry.ts';
import { Reconciler } from '../reconcile.ts';
import { DeliveryWorker } from './worker.ts';

/** The running core integration of one process. */
export interface CoreRuntime {
  worker: DeliveryWorker | null;
  reconciler: Reconciler | null;
  /** Stops the reconciliation schedule and the worker (waiting for deliveries in flight). */
  stop(): Promise<void>;
}

/**
 * Records the configured connectors (so every process writes outbox rows for each), then starts
 * the delivery worker (`core.delivery.enabled`) and the reconciliation schedule
 * (`core.reconcile.enabled`) of this process.
 */
export async function startCore(services: Services): Promise<CoreRuntime> {
  await registerConnectors(services);
  const connectors = buildConnectors(services);
  const { delivery, reconcile } = services.config.core;
  const worker =
    delivery.enabled && connectors.length > 0 ? new DeliveryWorker(services, connectors) : null;
  await worker?.start();
  const reconciler =
    reconcile.enabled && connectors.some((c) => c.reconcile)
      ? new Reconciler(services, connectors)
      : null;
  reconciler?.start();
  if (connectors.length > 0)
    services.logger.info(
      { connectors: connectors.map((c) => c.name), delivery: worker !== null },
      'core connectors ready',
    );
  return {
    worker,
    reconciler,
    async stop() {
      await reconciler?.stop();
      await worker?.stop();
      await Promise.allSettled(connectors.map((c) => c.close?.()));
    },
  };
}
