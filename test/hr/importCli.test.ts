import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/cli.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { CLI_TEST_MS } from '../support/timeouts.ts';
import { oneCFile } from './importSupport.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});

/** Runs `npm run cli -- import ...` as an operator would. */
function cli(args: string[]): Promise<CliResult> {
  return runCli(context, ['import', ...args]);
}

describe('npm run cli -- import', () => {
  it('previews a file with its row errors, then applies it with --apply', {
    // Four CLI processes (each boots tsx, and reads its file in a worker thread): beside the
    // other test files on a 2-core machine that took over the default 30 s.
    timeout: CLI_TEST_MS,
  }, async () => {
    const file = join(tmpdir(), `staff-${process.pid}-${Date.now()}.csv`);
    writeFileSync(
      file,
      oneCFile([
        { number: 'K1', family: 'Белов', given: 'Игорь', hired: '01.02.2020' },
        { number: 'K2', family: 'Белова', given: 'Ирина', hired: '31.02.2020' },
      ]),
    );
    const preview = await cli([file]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(/planned/);
    expect(preview.stdout).toMatch(/windows-1251/);
    expect(preview.stdout).toMatch(/create 1, .*conflict 1/);
    expect(preview.stdout).toMatch(/row 3, Дата приема: "31.02.2020 0:00:00" is not a date/);
    const applied = await cli([file, '--apply', '--json']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({
      status: 'succeeded',
      sourceId: 'hr-import',
    });
    const { rows } = await context.services.pool.query(
      `select count(*)::int as n from app_user where employee_number = 'K1'`,
    );
    expect(rows[0]?.n).toBe(1);
    const bad = await cli([file, '--mapping', '{"salary":"x"}']);
    expect(bad.code).toBe(2);
    const missing = await cli([join(tmpdir(), 'no-such-file.csv')]);
    expect(missing.code).not.toBe(0);
  });
});
