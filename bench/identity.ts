import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { projectRoot } from '../server/config.ts';
import { deviceSessionLifetimes } from '../server/identity/messenger/deviceSessions.ts';
import { freePort } from '../server/shared/freePort.ts';
import { coreKey } from '../test/core/deviceSessions.ts';
import { type ServiceProcess, startServiceProcess } from '../test/core/serviceProcess.ts';
import { seedDeviceSessions } from './identity/data.ts';
import { type LoginTimingResult, measureLoginTiming } from './identity/loginTiming.ts';
import { measureRevocation, type RevocationResult } from './identity/revocation.ts';
import { openBenchDatabase } from './support/database.ts';
import { processCpuMs } from './support/processCpu.ts';
import { fmt, type Latency, median, table } from './support/stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** One load run, as bench/identity/load.ts reports it. */
interface LoadResult {
  requestsPerSecond: number;
  total: number;
  seconds: number;
  connections: number;
  latency: Latency;
  autocannonLatency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Runs the load generator as a separate process against `url`; tokens go in on stdin. */
function runLoad(url: string, key: string, tokens: string[], seconds: number, connections: number) {
  return new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/identity/load.ts', url, String(seconds), String(connections)],
      {
        cwd: projectRoot,
        env: { ...process.env, CORE_KEY: key },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out) as LoadResult);
    });
    child.stdin.end(JSON.stringify(tokens));
  });
}

/** A bare server script of bench/identity in a process of its own; resolves with its URL. */
function startBareServer(script: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ baseUrl: string; pid: number; stop: () => void }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(chunk.toString('utf8'))?.[1];
      if (port)
        resolve({
          baseUrl: `http://127.0.0.1:${port}`,
          pid: child.pid ?? 0,
          stop: () => child.kill('SIGTERM'),
        });
    });
  });
}

const mark = (ok: boolean) => (ok ? 'yes' : '**no**');

function loginTimingReport(t: LoginTimingResult): string {
  const row = (kind: string, l: Latency) => [kind, String(l.n), fmt(l.p50), fmt(l.p95), fmt(l.p99)];
  return [
    `Refused messenger logins (\`POST /api/v1/auth/login\`, sequential, in-process app over loopback, a username of its own per attempt): an unknown username against a wrong password for a person who exists. Both must do the same argon2id work (the test checks that); the p50 ratio shows how alike they look from outside.`,
    '',
    table(
      ['refusal', 'n', 'p50 ms', 'p95 ms', 'p99 ms'],
      [row('unknown username', t.unknownUser), row('wrong password', t.wrongPassword)],
    ),
    '',
    table(
      ['p50 unknown / p50 wrong password', 'target (neither under 0.4× the other)', 'met'],
      [[t.ratio.toFixed(2), '0.4–2.5', mark(t.ratio > 0.4 && t.ratio < 2.5)]],
    ),
  ].join('\n');
}

/** One load run and the CPU its server process used for it (ms per request; null off Linux). */
interface MeasuredLoad extends LoadResult {
  serverCpuPerRequest: number | null;
}

/**
 * One connection count: the service's core port, its main port and the floor in alternating
 * rounds of the same run (core port, main port, floor, core port...), so a slow minute of the
 * machine falls on all.
 */
interface LoadPair {
  connections: number;
  /** The service's own port for the messaging core (`core.listen`, a worker thread). */
  service: MeasuredLoad[];
  /** The same process's main port (the fast path in front of Koa, on the main thread). */
  main: MeasuredLoad[];
  floor: MeasuredLoad[];
}

/** Requests per second over all rounds: every request, every second. */
const pooledRate = (runs: MeasuredLoad[]) =>
  runs.reduce((sum, run) => sum + run.total, 0) / runs.reduce((sum, run) => sum + run.seconds, 0);

const cpuPerRequest = (runs: MeasuredLoad[]) => {
  const values = runs.map((run) => run.serverCpuPerRequest);
  return values.every((value) => value !== null) ? median(values as number[]) : null;
};

function report(pairs: LoadPair[], revocation: RevocationResult, sessions: number): string {
  const rows = pairs.map(({ connections, service, main, floor }) => {
    const rate = pooledRate(floor) / pooledRate(service);
    const serviceP99 = median(service.map((run) => run.latency.p99));
    const floorP99 = median(floor.map((run) => run.latency.p99));
    const tail = serviceP99 / floorP99;
    const perRound = service
      .map(
        (run, i) => `${((floor[i]?.requestsPerSecond ?? 0) / run.requestsPerSecond).toFixed(2)}×`,
      )
      .join(', ');
    const serviceCpu = cpuPerRequest(service);
    const mainCpu = cpuPerRequest(main);
    const floorCpu = cpuPerRequest(floor);
    const mainP99 = median(main.map((run) => run.latency.p99));
    const ms = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));
    return [
      String(connections),
      `${service.length} × ${service[0]?.seconds ?? 0} s`,
      fmt(pooledRate(service)),
      fmt(pooledRate(floor)),
      `${rate.toFixed(2)}× (${perRound})`,
      `${fmt(median(service.map((run) => run.latency.p50)))} / ${fmt(serviceP99)}`,
      `${fmt(median(floor.map((run) => run.latency.p50)))} / ${fmt(floorP99)}`,
      `${tail.toFixed(2)}×`,
      `${fmt(pooledRate(main))}; ${fmt(mainP99)} (${(pooledRate(floor) / pooledRate(main)).toFixed(2)}×; ${(mainP99 / floorP99).toFixed(2)}×)`,
      `${ms(serviceCpu)} / ${ms(mainCpu)} / ${ms(floorCpu)}`,
      String(
        [...service, ...main, ...floor].reduce(
          (sum, l) => sum + l.non2xx + l.errors + l.timeouts,
          0,
        ),
      ),
      mark(rate <= 1.25 && tail <= 1.25),
    ];
  });
  const r = revocation;
  return [
    `Introspection: ${sessions.toLocaleString('en-US')} live device sessions, POST /api/v1/core/introspect with a random one of them per request, from autocannon 9 in a separate process over loopback, against one service process (\`server/main.ts\`, LOG_LEVEL=warn, with \`CORE_PORT\` set) while a second one runs idle; latencies in ms from every response time.`,
    '',
    `"Service" is the service's own port for the messaging core (\`core.listen\`: a worker thread of the service's process with a pool of 4 of its own, serving the core's routes with every check: core key, schema, input boundary, request id, security headers). The same process's main port (the fast path in front of Koa, on the main thread) is measured beside it. The floor (bench/identity/floor.ts) is a bare node:http server in its own process with a pg pool of 4 (the service's) running the service's own statement and touch. Each connection count runs in alternating rounds (core port, main port, floor, core port...); req/s are over all rounds, p50 and p99 the median of the rounds', and the per-round rate ratios are listed. Server CPU is what the server's whole process used per request (user + system, from /proc, every thread), the median of the rounds'.`,
    '',
    table(
      [
        'connections',
        'rounds',
        'service req/s',
        'floor req/s',
        'floor / service (per round)',
        'service p50 / p99',
        'floor p50 / p99',
        'service / floor p99',
        'main port req/s; p99 (floor / main, main / floor p99)',
        'server CPU ms/request, core port / main port / floor',
        'errors (all three)',
        'within 1.25× of the floor (both)',
      ],
      rows,
    ),
    '',
    `Revocation across two service processes: ${r.trials.toLocaleString('en-US')} trials (new session; introspect on process 2's core port → live; revoke through process 1's admin API; introspect on process 2's core port as soon as that call returned).`,
    '',
    table(
      [
        'trials',
        'stale `active: true` after the revoke returned',
        'target',
        'met',
        'revoke p50 / p95 / p99 ms',
        'introspect after p50 / p99 ms',
      ],
      [
        [
          String(r.trials),
          String(r.stale),
          '0',
          mark(r.stale === 0 && r.notLiveBefore === 0),
          `${fmt(r.revoke.p50)} / ${fmt(r.revoke.p95)} / ${fmt(r.revoke.p99)}`,
          `${fmt(r.introspectAfter.p50)} / ${fmt(r.introspectAfter.p99)}`,
        ],
      ],
    ),
  ].join('\n');
}

/**
 * `npm run bench -- identity [--fresh] [--seconds 5] [--rounds 6] [--connections 8,16,32] [--trials 1000]
 * [--login-trials 200] [--only introspect,login]`: introspection load and revocation across two
 * service processes (`introspect`), and the timing of refused logins (`login`).
 */
export async function runIdentityBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      fresh: { type: 'boolean', default: false },
      // Six rounds of 5 s rather than three of 10 s: on a shared machine the load drifts within
      // seconds, and finer alternation lets a slow stretch fall on every contender alike.
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '6' },
      connections: { type: 'string', default: '8,16,32' },
      trials: { type: 'string', default: '1000' },
      sessions: { type: 'string', default: '10000' },
      'login-trials': { type: 'string', default: '200' },
      only: { type: 'string' },
    },
  });
  const only = values.only?.split(',');
  const want = (name: string) => !only || only.includes(name);
  const sessions = Number(values.sessions);
  const db = await openBenchDatabase('identity', { fresh: values.fresh, poolMax: 4 });
  const processes: ServiceProcess[] = [];
  const sections: string[] = [];
  try {
    if (want('introspect')) {
      log(`seeding ${sessions} device sessions…`);
      const tokens = await seedDeviceSessions(db.services.pool, sessions);
      const key = coreKey('bench');
      const env = {
        DATABASE_URL: db.url,
        SECRET_KEY: db.services.config.secretKey ?? '',
        CORE_API_KEYS: `${key.name}:${key.sha256}`,
      };
      log('starting two service processes, each with its core port…');
      const corePorts = [await freePort(), await freePort()];
      for (const started of await Promise.allSettled(
        corePorts.map((port) =>
          startServiceProcess({ ...env, CORE_PORT: String(port), CORE_HOST: '127.0.0.1' }),
        ),
      )) {
        if (started.status === 'fulfilled') processes.push(started.value);
        else throw started.reason;
      }
      const [first] = processes as [ServiceProcess, ServiceProcess];
      const [firstCore, secondCore] = corePorts.map((port) => `http://127.0.0.1:${port}`) as [
        string,
        string,
      ];
      log('warm-up (3 s each port)…');
      await runLoad(firstCore, key.key, tokens, 3, 16);
      await runLoad(first.baseUrl, key.key, tokens, 3, 16);
      const floor = await startBareServer('bench/identity/floor.ts', [
        db.url,
        String(deviceSessionLifetimes(db.services.config).idleMs),
      ]);
      const pairs: LoadPair[] = [];
      try {
        await runLoad(floor.baseUrl, key.key, tokens, 3, 16);
        const seconds = Number(values.seconds);
        const rounds = Number(values.rounds);
        const measured = async (url: string, pid: number, connections: number) => {
          const before = processCpuMs(pid);
          const load = await runLoad(url, key.key, tokens, seconds, connections);
          const after = processCpuMs(pid);
          const serverCpuPerRequest =
            before === null || after === null || load.total === 0
              ? null
              : (after - before) / load.total;
          return { ...load, serverCpuPerRequest };
        };
        for (const connections of String(values.connections).split(',').map(Number)) {
          const pair: LoadPair = { connections, service: [], main: [], floor: [] };
          for (let round = 1; round <= rounds; round++) {
            log(`introspect load: ${connections} connections, round ${round} of ${rounds}…`);
            const service = await measured(firstCore, first.pid, connections);
            const main = await measured(first.baseUrl, first.pid, connections);
            const bare = await measured(floor.baseUrl, floor.pid, connections);
            pair.service.push(service);
            pair.main.push(main);
            pair.floor.push(bare);
            log(
              `  core port ${fmt(service.requestsPerSecond)} req/s p99 ${fmt(service.latency.p99)} ms; main port ${fmt(main.requestsPerSecond)} req/s p99 ${fmt(main.latency.p99)} ms; floor ${fmt(bare.requestsPerSecond)} req/s p99 ${fmt(bare.latency.p99)} ms (load ${loadavg()[0]?.toFixed(1)})`,
            );
          }
          pairs.push(pair);
        }
      } finally {
        floor.stop();
      }
      log(`revocation: ${values.trials} trials across two processes…`);
      const revocation = await measureRevocation(
        db.services,
        first.baseUrl,
        secondCore,
        key.key,
        Number(values.trials),
      );
      sections.push(report(pairs, revocation, sessions));
    }
    if (want('login')) {
      log(`refused logins: ${values['login-trials']} of each kind…`);
      sections.push(
        loginTimingReport(await measureLoginTiming(db.services, Number(values['login-trials']))),
      );
    }
    const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')} at the end`;
    process.stdout.write(`${sections.join('\n\n')}\n\nMachine: ${machine}.\n`);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await db.close();
  }
}
