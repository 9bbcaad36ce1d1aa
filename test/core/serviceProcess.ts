import { type ChildProcess, spawn } from 'node:child_process';
import { projectRoot } from '../../server/config.ts';
import { freePort } from '../../server/shared/freePort.ts';
import { GRACEFUL_EXIT_MS, SERVICE_READY_MS } from '../support/timeouts.ts';

/** A real service process (`server/main.ts`) started by a test or benchmark. */
export interface ServiceProcess {
  pid: number;
  baseUrl: string;
  /** Stops this process (by its pid): SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** For a failing test's message: the last 4,000 characters it wrote, and how it ended if it did. */
  diagnostics(): string;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `server/main.ts` under tsx as a direct child (`node --import tsx`, the same as
 * `npx tsx server/main.ts` but one process, so its pid is the server's) on 127.0.0.1 and waits
 * for `/readyz`. `env` adds to a minimal environment (DATABASE_URL, SECRET_KEY, CORE_API_KEYS...).
 */
export async function startServiceProcess(
  env: Record<string, string>,
  options: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts'],
    {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOG_LEVEL: 'warn',
        ...env,
        HOST: '127.0.0.1',
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the service process');
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (graceMs = GRACEFUL_EXIT_MS) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
    }, graceMs);
    await exited(child);
    clearTimeout(timer);
  };
  const diagnostics = () => {
    const ended =
      child.exitCode !== null || child.signalCode !== null
        ? `exited (${child.exitCode ?? child.signalCode})`
        : 'still running';
    return `service process ${pid} ${ended}; its last output:\n${output}`;
  };
  const deadline = Date.now() + (options.timeoutMs ?? SERVICE_READY_MS);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited (${child.exitCode}): ${output}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return { pid, baseUrl, stop, diagnostics };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`service not ready in ${options.timeoutMs ?? SERVICE_READY_MS} ms: ${output}`);
}
