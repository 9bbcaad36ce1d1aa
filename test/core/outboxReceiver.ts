import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emitMany } from '../../server/outbox/emit.ts';
import type { OutboxEvent } from '../../server/outbox/events.ts';
import type { Services } from '../../server/shared/services.ts';
import { waitUntil } from '../support/timeouts.ts';

/** One request the receiver got. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  at: number;
  status: number;
}

/** What to answer: a status, or `hang` to never answer (a core that stalls mid-delivery). */
export type Answer = number | 'hang';

/** A local webhook endpoint on 127.0.0.1 whose answers a test decides. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Decides the answer to each request (default 204). */
  answer: (request: Received, seenBefore: number) => Answer | Promise<Answer>;
  close(): Promise<void>;
}

const header = (headers: IncomingHttpHeaders, name: string) => String(headers[name] ?? '');

/** Starts a receiver; `answer` may be replaced at any time. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    received: [],
    answer: () => 204,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request: Received = {
        id: header(req.headers, 'webhook-id'),
        timestamp: header(req.headers, 'webhook-timestamp'),
        signature: header(req.headers, 'webhook-signature'),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        status: 0,
      };
      const seenBefore = receiver.received.filter((r) => r.id === request.id).length;
      receiver.received.push(request);
      const answer = await receiver.answer(request, seenBefore);
      if (answer === 'hang') return;
      request.status = answer;
      res.statusCode = answer;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

/** Emits events in a transaction of their own (as a command would). */
export async function emitNow(services: Services, events: OutboxEvent[]): Promise<void> {
  await services.orm.em.fork().transactional((em: EntityManager) => emitMany(em, events));
}

/** A small event for key `key`, numbered so order can be checked. */
export function numbered(key: string, n: number): Extract<OutboxEvent, { type: 'space.upserted' }> {
  // A space event: it names no person, so no core account is looked up for the made-up key.
  return { type: 'space.upserted', key, spaceId: key, name: `${key}-${n}` };
}

/**
 * Polls `check` until it returns true; throws after `timeoutMs`, a name from
 * test/support/timeouts.ts (OUTBOX_DELIVERY_MS for a handful of events).
 */
export function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  return waitUntil('the outbox condition', timeoutMs, check);
}

/** The `name` field of a received body (the event number of {@link numbered}). */
export function numberOf(request: Received): string {
  return (JSON.parse(request.body) as { data: { name: string } }).data.name;
}
