import { type QueueHandler, type QueueStopOptions, QueueWorker } from '../../db/queueWorker.ts';
import { OUTBOX_CHANNEL } from '../../outbox/emit.ts';
import { type Claimed, claimDue, markDelivered, markFailed } from '../../outbox/store.ts';
import type { Services } from '../../shared/services.ts';
import { type CoreConnector, PermanentDeliveryError } from '../connectors/types.ts';

/** Delivery settings (`core.delivery` of the configuration). */
export type DeliverySettings = Services['config']['core']['delivery'];

/** How `stop` ends the worker (`abandon`: as a crash would, for tests). */
export type StopOptions = QueueStopOptions;

/** A claimed outbox row and the connector it goes to. */
interface Delivery extends Claimed {
  connector: CoreConnector;
}

/**
 * Cut-offs (`CUT_OFF_EVENT_TYPES`) in flight per connector beyond `concurrency`: a lane of their
 * own, so a connector busy with slow deliveries (a large group's change takes seconds in
 * ejabberd) still cuts a person off at once. A few suffice: each is a handful of fast calls.
 */
export const CUT_OFF_CAPACITY = 4;

/**
 * Delivers outbox events to the connectors: a QueueWorker on `NOTIFY outbox` with two lanes per
 * connector, claimed at once: one for cut-offs only (`CUT_OFF_CAPACITY`), one for every event
 * (`concurrency`, cut-offs first). Each claimed event is the head of a different key
 * (`claimDue`), so a person's events go out one after another in order while different people
 * proceed in parallel. A PermanentDeliveryError parks the event at once.
 */
export class DeliveryWorker extends QueueWorker<Delivery, void> {
  constructor(
    services: Services,
    connectors: readonly CoreConnector[],
    settings: Partial<DeliverySettings> = {},
  ) {
    const merged = { ...services.config.core.delivery, ...settings };
    super(services, {
      label: 'outbox',
      channel: OUTBOX_CHANNEL,
      pollIntervalMs: merged.pollIntervalMs,
      retry: merged,
      lanes: connectors.flatMap((connector) =>
        (['cut-offs', 'any'] as const).map((scope) => ({
          capacity: scope === 'cut-offs' ? CUT_OFF_CAPACITY : merged.concurrency,
          logFields: { connector: connector.name, scope },
          claim: async (limit: number) =>
            (await claimDue(services.pool, connector.name, limit, merged.lockSeconds, scope)).map(
              (claimed) => ({ ...claimed, connector }),
            ),
        })),
      ),
      handler: outboxHandler(services),
    });
  }
}

/** Sends to the event's connector; records on the outbox row (markDelivered / markFailed). */
function outboxHandler({ pool, logger }: Services): QueueHandler<Delivery, void> {
  return {
    send: ({ connector, event }) => connector.deliver(event),
    recordSent: (delivery) => markDelivered(pool, delivery),
    isPermanent: (error) => error instanceof PermanentDeliveryError,
    async recordFailure(delivery, error, { dead, delayMs }) {
      const { connector, event, attempt } = delivery;
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(
        { connector: connector.name, eventId: event.id, type: event.type, attempt, dead },
        `outbox delivery failed: ${message}`,
      );
      await markFailed(pool, delivery, message, dead, delayMs).catch((failure: unknown) =>
        logger.error({ err: failure, eventId: event.id }, 'could not record a failed delivery'),
      );
    },
  };
}
