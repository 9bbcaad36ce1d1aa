import { type ChildProcess, spawn } from 'node:child_process';
import { projectRoot } from '../../server/config.ts';

/** A service process (`server/main.ts`) on a port chosen by the caller. */
export interface BenchService {
  pid: number;
  baseUrl: string;
  /** SIGTERM by pid, SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts the service on 127.0.0.1:`port` and waits for `/readyz`. The port is the caller's
 * because ejabberd's external-auth program must know the service's URL before either starts.
 */
export async function startBenchService(
  port: number,
  env: Record<string, string>,
): Promise<BenchService> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the service');
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) return { pid, baseUrl, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error('service not ready in time');
}
