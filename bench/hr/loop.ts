import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import iconv from 'iconv-lite';
import { createApp } from '../../server/app.ts';
import { systemActor } from '../../server/authz/actor.ts';
import { defineAbilityFor } from '../../server/authz/index.ts';
import { uploadImport } from '../../server/sources/hr/import/uploadImport.ts';
import { generatedXlsx, type SheetCell } from '../../test/hr/importSupport.ts';
import { openBenchDatabase } from '../support/database.ts';
import { fmt, latency, table } from '../support/stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const ROWS = 300_000;
// One /healthz request every PROBE_MS while an import runs (each waits for the previous one).
const PROBE_MS = 20;

const HEADER = [
  'Табельный номер',
  'ФИО',
  'Должность',
  'Подразделение',
  'Телефон',
  'E-mail',
  'Дата приема',
];
const FAMILY = ['Иванов', 'Петров', 'Сидоров', 'Кузнецов', 'Смирнов', 'Попов', 'Лебедев'];
const GIVEN = ['Иван', 'Пётр', 'Сергей', 'Алексей', 'Дмитрий', 'Андрей', 'Михаил'];
const PATRONYMIC = ['Иванович', 'Петрович', 'Сергеевич', 'Алексеевич', 'Андреевич'];

/** Row i (1-based) of a generated staff list, as cells. */
function person(i: number): [string, string, string, string, string, string, string] {
  const name = `${FAMILY[i % 7]} ${GIVEN[(i * 3) % 7]} ${PATRONYMIC[(i * 5) % 5]}`;
  const pad = (n: number) => String(n).padStart(2, '0');
  return [
    String(i).padStart(10, '0'),
    name,
    i % 10 === 0 ? 'Ведущий специалист' : 'Инженер',
    `Отдел ${i % 60}`,
    `+7 916 ${String(1_000_000 + i).slice(-7)}`,
    `person${i}@corp.example.test`,
    `${2005 + (i % 19)}-${pad((i % 12) + 1)}-${pad((i % 28) + 1)}`,
  ];
}

function csvFile(): Buffer {
  const lines = [HEADER.join(';')];
  for (let i = 1; i <= ROWS; i += 1) {
    const cells = person(i);
    const [y, m, d] = cells[6].split('-');
    cells[6] = `${d}.${m}.${y} 0:00:00`;
    lines.push(cells.join(';'));
  }
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'win1251');
}

function xlsxFile(): Uint8Array {
  return generatedXlsx(ROWS + 1, (index): SheetCell[] => {
    if (index === 0) return HEADER;
    const cells = person(index);
    return [Number(cells[0]), ...cells.slice(1, 6), { date: cells[6] }];
  });
}

/** Probes GET /healthz one request after another until stopped; the latencies in ms. */
function probe(url: string): { stop(): Promise<number[]> } {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      const response = await fetch(url);
      await response.arrayBuffer();
      samples.push(performance.now() - start);
      if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
      await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/**
 * The event loop while a 300,000-row file is imported (the preview: read in a worker, staged,
 * planned): /healthz answered by the same process every 20 ms, and the loop's own delay
 * (perf_hooks.monitorEventLoopDelay). Target: /healthz p99 under 100 ms.
 */
export async function runLoopBench(): Promise<Record<string, number>> {
  const db = await openBenchDatabase('hr-loop', { fresh: true, poolMax: 8 });
  const { services } = db;
  const { app } = createApp(services);
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  const actor = systemActor('bench');
  const ability = defineAbilityFor({ userId: null, role: 'superadmin' });
  const figures: Record<string, number> = {};
  const rows: string[][] = [];
  try {
    const files: [string, string, Uint8Array][] = [
      ['csv', 'staff.csv', csvFile()],
      ['xlsx', 'staff.xlsx', xlsxFile()],
    ];
    for (const [kind, fileName, bytes] of files) {
      log(`${kind}: ${ROWS} rows, ${bytes.length.toLocaleString('en')} bytes`);
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const prober = probe(url);
      delay.enable();
      const start = performance.now();
      const run = await uploadImport(
        services,
        actor,
        { bytes, fileName, scope: 'partial' },
        ability,
      );
      const seconds = (performance.now() - start) / 1_000;
      delay.disable();
      const health = latency(await prober.stop());
      if (run.status !== 'planned') throw new Error(`preview ended ${run.status}: ${run.error}`);
      const loopP99 = delay.percentile(99) / 1e6;
      const loopMax = delay.max / 1e6;
      figures[`${kind}PreviewSeconds`] = seconds;
      figures[`${kind}HealthzP99Ms`] = health.p99;
      figures[`${kind}LoopDelayMaxMs`] = loopMax;
      rows.push([
        `${kind.toUpperCase()}, ${(bytes.length / 1_048_576).toFixed(1)} MB`,
        String(run.counts.read ?? 0),
        fmt(seconds),
        String(health.n),
        fmt(health.p50),
        fmt(health.p99),
        fmt(health.max),
        fmt(loopP99),
        fmt(loopMax),
      ]);
      log(
        `${kind}: preview ${fmt(seconds)} s, /healthz p50 ${fmt(health.p50)} p99 ${fmt(health.p99)} max ${fmt(health.max)} ms, loop delay p99 ${fmt(loopP99)} max ${fmt(loopMax)} ms`,
      );
    }
    process.stdout.write(
      `\n### HR import of ${ROWS.toLocaleString('en')} rows: the event loop meanwhile (target: /healthz p99 < 100 ms)\n\n`,
    );
    process.stdout.write(
      `${table(
        [
          'file',
          'rows read',
          'preview (s)',
          '/healthz probes',
          'p50 (ms)',
          'p99 (ms)',
          'max (ms)',
          'loop delay p99 (ms)',
          'loop delay max (ms)',
        ],
        rows,
      )}\n`,
    );
    return figures;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.close();
  }
}
