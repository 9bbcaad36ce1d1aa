import { spawn } from 'node:child_process';
import { projectRoot } from '../../server/config.ts';
import type { TestContext } from './harness.ts';

/** What a CLI run printed and how it ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run cli -- <args>` as an operator would (a separate process on the test's
 * database), with `stdin` piped in when given.
 */
export function runCli(context: TestContext, args: string[], stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'server/cli/index.ts', ...args], {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...context.databaseEnv,
        SECRET_KEY: context.services.config.secretKey ?? '',
        DATA_DIR: context.services.config.dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
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
    child.stdin.end(stdin ?? '');
  });
}
