/**
 * The load generator of `npm run bench -- identity`, run as its own process so it does not share
 * an event loop with the service: `node --import tsx bench/identity/load.ts <url> <seconds>
 * <connections>`, with the core API key in env `CORE_KEY` and the tokens (JSON array) on stdin.
 * Drives autocannon against POST /api/v1/core/introspect with a random live token per request and
 * prints one JSON line: requests/s and latency percentiles (our own, from every response time).
 */
import { createRequire } from 'node:module';
import { latency } from '../support/stats.ts';

interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  setupRequest: (request: { body?: string }) => { body?: string };
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, status: number, bytes: number, ms: number) => void,
  ): void;
  on(event: 'done', listener: (result: AutocannonResult) => void): void;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  pipelining: number;
  requests: AutocannonRequest[];
}) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const [url = '', seconds = '10', connections = '16'] = process.argv.slice(2);
  const tokens = JSON.parse(await readStdin()) as string[];
  const key = process.env.CORE_KEY ?? '';
  const samples: number[] = [];
  const statuses = new Map<number, number>();
  const instance = autocannon({
    url,
    connections: Number(connections),
    duration: Number(seconds),
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/core/introspect',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ token: tokens[Math.floor(Math.random() * tokens.length)] }),
        }),
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    samples.push(ms);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  const result = await new Promise<AutocannonResult>((resolve) => instance.on('done', resolve));
  process.stdout.write(
    `${JSON.stringify({
      requestsPerSecond: result.requests.total / result.duration,
      autocannonAverage: result.requests.average,
      total: result.requests.total,
      seconds: result.duration,
      connections: Number(connections),
      latency: latency(samples),
      autocannonLatency: { p50: result.latency.p50, p99: result.latency.p99 },
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statuses: Object.fromEntries(statuses),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
