import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { workerModuleUrl } from '../../server/shared/workerModule.ts';
import { EXPECT_POLL_MS, TEST_MS, waitUntil } from '../support/timeouts.ts';

const run = promisify(execFile);

const ANSWERS = new URL('./workerFixtures/answers.ts', import.meta.url);

function firstMessage(url: URL): Promise<unknown> {
  const worker = new Worker(url, { execArgv: [] });
  return new Promise<unknown>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate());
}

describe('a worker thread’s TypeScript module, bundled once per process', () => {
  it(
    'runs in a worker without tsx: project modules bundled, packages from node_modules by URL',
    async () => {
      const url = await workerModuleUrl(ANSWERS);
      expect(url.protocol).toBe('data:');
      const code = Buffer.from(url.href.slice(url.href.indexOf(',') + 1), 'base64').toString();
      // Every import names a built-in or a file: nothing bare is left for a data: URL.
      const specifiers = [...code.matchAll(/from\s+"([^"]+)"/g)].map((match) => match[1]);
      expect(specifiers.length).toBeGreaterThan(0);
      for (const specifier of specifiers) expect(specifier).toMatch(/^(node:|file:\/\/\/)/);
      expect(code).not.toContain('server/shared/text.ts"');
      const answer = (await firstMessage(url)) as { yaml: string; stack: string };
      expect(answer.yaml).toBe('cut: Сотрудник\n');
      // A stack names the entry, marked as bundled, never the data: URL with the whole bundle.
      expect(answer.stack).toContain(`${ANSWERS.href}?bundle:`);
      expect(answer.stack).not.toContain('data:');
    },
    TEST_MS,
  );

  it('builds an entry once: the same URL for every worker of the process', async () => {
    expect(workerModuleUrl(ANSWERS)).toBe(workerModuleUrl(ANSWERS));
    expect((await workerModuleUrl(ANSWERS)).href).toBe((await workerModuleUrl(ANSWERS)).href);
  });

  it(
    'leaves no esbuild process running once the bundling is done',
    async () => {
      await workerModuleUrl(new URL('./workerFixtures/later.ts', import.meta.url));
      // Polled: a stopped child is reaped by this process's event loop, a moment later.
      await waitUntil('esbuild’s process gone', EXPECT_POLL_MS, async () => {
        const { stdout } = await run('ps', ['--ppid', String(process.pid), '-o', 'args=']);
        return !/esbuild/.test(stdout);
      });
    },
    TEST_MS,
  );

  it('refuses a module that uses import.meta, which would name the bundle', async () => {
    await expect(
      workerModuleUrl(new URL('./workerFixtures/usesImportMeta.ts', import.meta.url)),
    ).rejects.toThrow(/uses import\.meta/);
  });
});
