import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { oneCFile } from './importSupport.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});

/** Runs `npm run cli -- import ...` as an operator would. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'server/cli/index.ts', 'import', ...args], {
      cwd: projectRoot,
      env: {
        ...process.env,
        DATABASE_URL: context.databaseUrl,
        SECRET_KEY: context.services.config.secretKey ?? '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run cli -- import', () => {
  it('previews a file with its row errors, then applies it with --apply', async () => {
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
