import { type QueueHandler, QueueWorker } from '../db/queueWorker.ts';
import type { SmsGatewayConfig } from '../shared/config/sms.ts';
import type { Services } from '../shared/services.ts';
import { SMS_CHANNEL } from './enqueue.ts';
import { type GatewayAnswer, postToGateway } from './gateway.ts';
import { type ClaimedSms, claimDueSms, recordGatewayAnswer } from './store.ts';

/** Worker settings (`sms.delivery` of the configuration). */
export type SmsDeliverySettings = Services['config']['sms']['delivery'];

/** A failed post: the gateway's answer (or the network error as one), recorded as it came. */
class GatewayFailure extends Error {
  constructor(readonly answer: GatewayAnswer) {
    super(answer.excerpt);
  }
}

/**
 * Posts queued SMS to the gateway after their transaction committed, as the mail worker sends
 * mail: a QueueWorker on `NOTIFY sms` over `sms_message`. Every answer is recorded on the
 * message (status, body excerpt, the gateway's message id). Delivery is at least once: a worker
 * that dies between the gateway's acceptance and recording it leaves the message to be posted
 * again with the same `webhook-id`, which the gateway can deduplicate.
 */
export class SmsWorker extends QueueWorker<ClaimedSms, GatewayAnswer> {
  constructor(services: Services, settings: Partial<SmsDeliverySettings> = {}) {
    const merged = { ...services.config.sms.delivery, ...settings };
    const gateway = services.config.sms.gateway;
    super(services, {
      label: 'SMS',
      channel: SMS_CHANNEL,
      pollIntervalMs: merged.pollIntervalMs,
      retry: merged,
      lanes: [
        {
          capacity: merged.batchSize,
          // Without a gateway nothing could be posted: leave the queue alone (startSms does not
          // even start a worker then).
          claim: async (limit: number) =>
            gateway ? claimDueSms(services.pool, limit, merged.lockSeconds) : [],
        },
      ],
      handler: smsHandler(services, gateway),
    });
  }
}

/** Posts to the gateway; records its every answer on the message (recordGatewayAnswer). */
function smsHandler(
  { pool, logger }: Services,
  gateway: SmsGatewayConfig | null,
): QueueHandler<ClaimedSms, GatewayAnswer> {
  const record = async (sms: ClaimedSms, answer: GatewayAnswer, dead: boolean, delay: number) => {
    // Never the text or the number: the text may hold a code.
    const facts = { smsId: sms.id, attempt: sms.attempt, status: answer.status, dead };
    if (answer.ok) logger.info(facts, 'SMS accepted by the gateway');
    else logger.warn(facts, `SMS gateway refused or failed: ${answer.excerpt.slice(0, 200)}`);
    await recordGatewayAnswer(pool, sms, answer, dead, delay).catch((failure: unknown) =>
      logger.error({ err: failure, smsId: sms.id }, 'could not record an SMS answer'),
    );
  };
  return {
    async send(sms) {
      if (!gateway) throw new Error('SMS is not configured');
      const answer = await postToGateway(
        gateway,
        { id: sms.id, to: sms.recipient, text: sms.text },
        new Date(),
      );
      if (!answer.ok) throw new GatewayFailure(answer);
      return answer;
    },
    recordSent: (sms, answer) => record(sms, answer, false, 0),
    isPermanent: (error) => error instanceof GatewayFailure && error.answer.permanent,
    recordFailure: (sms, error, { dead, delayMs }) =>
      record(
        sms,
        error instanceof GatewayFailure
          ? error.answer
          : {
              status: null,
              // postToGateway never throws; anything else is named, never quoted (the text).
              excerpt: `service error: ${error instanceof Error ? error.name : typeof error}`,
              messageId: null,
              ok: false,
              permanent: false,
            },
        dead,
        delayMs,
      ),
  };
}

/**
 * Starts this process's SMS worker when a gateway is configured and `sms.delivery.enabled`;
 * returns a stop function (a no-op when nothing started).
 */
export async function startSms(services: Services): Promise<{ stop(): Promise<void> }> {
  const { gateway, delivery } = services.config.sms;
  if (!gateway || !delivery.enabled) return { stop: async () => undefined };
  const worker = new SmsWorker(services);
  await worker.start();
  return { stop: () => worker.stop() };
}
