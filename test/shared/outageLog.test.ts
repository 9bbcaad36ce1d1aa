import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { outageLog } from '../../server/shared/outageLog.ts';

describe('the outage log of work retried on a timer', () => {
  it('warns at the first failure of an outage and says the recovery once', () => {
    const lines: Array<{ level: number; msg: string; sourceId?: string; err?: unknown }> = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
    const outage = outageLog(logger, { failed: 'probe failed', recovered: 'probe recovered' });
    outage.succeeded();
    expect(lines).toEqual([]);
    for (let i = 0; i < 5; i += 1) outage.failed(new Error(`down ${i}`), { sourceId: 'ad' });
    expect(outage.failing).toBe(true);
    outage.succeeded({ sourceId: 'ad' });
    outage.succeeded({ sourceId: 'ad' });
    expect(outage.failing).toBe(false);
    outage.failed(new Error('down again'));
    expect(lines.map((line) => [line.level, line.msg, line.sourceId])).toEqual([
      [40, 'probe failed', 'ad'],
      [30, 'probe recovered', 'ad'],
      [40, 'probe failed', undefined],
    ]);
    expect(lines[0]?.err).toMatchObject({ message: 'down 0' });
  });
});
