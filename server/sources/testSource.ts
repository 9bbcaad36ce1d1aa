import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import { runCommand } from '../commands/runCommand.ts';
import type { DirectorySource } from '../shared/config/directorySources.ts';
import type { Services } from '../shared/services.ts';
import type { ConnectionTestOptions, ConnectionTestResult } from './ldap/connectionTest.ts';
import { findSource } from './registry.ts';
import type { ConnectionTestView, TestSourceBody } from './schemas.ts';

interface ConnectionTestModule {
  testDirectoryConnection(
    source: DirectorySource,
    options?: ConnectionTestOptions,
  ): Promise<ConnectionTestResult>;
}

// Loaded lazily, as the reader is (registry.ts): it pulls in ldapts.
const CONNECTION_TEST = './ldap/connectionTest.ts';

const authorizeTest = (ability: Parameters<typeof authorize>[0], id: string) =>
  authorize(ability, 'configure', 'DirectorySource', {
    auditAction: 'directory_source.tested',
    targetType: 'directory_source',
    targetId: id,
  });

/**
 * Tests a directory source's connection and previews its first entries (superadmin: it sends
 * the stored bind password to the source's host). A failed step is part of the answer, not an
 * error. The test can take up to CONNECTION_TEST_TOTAL_MS, so it runs between two short
 * commands rather than inside one transaction: the first authorizes (a refusal is audited as
 * denied) and loads the source, the second audits the outcome. The password is in neither.
 */
export async function testDirectorySource(
  services: Services,
  actor: Actor,
  id: string,
  body: TestSourceBody,
): Promise<ConnectionTestView> {
  const source = await runCommand(services, actor, async ({ ability }) => {
    authorizeTest(ability, id);
    return findSource(services, id);
  });
  const module = (await import(CONNECTION_TEST)) as ConnectionTestModule;
  const result = await module.testDirectoryConnection(source.connection, {
    previewLimit: body.previewLimit,
    now: services.now,
  });
  await runCommand(services, actor, async ({ ability, audit }) => {
    authorizeTest(ability, id);
    audit({
      action: 'directory_source.tested',
      outcome: result.ok ? 'success' : 'failure',
      targetType: 'directory_source',
      targetId: id,
      targetLabel: source.name,
      // Each step's outcome code (under `result`: audit redaction blanks any key named `code`);
      // never the password (no step carries it).
      details: {
        ok: result.ok,
        steps: result.steps.map(({ step, ok, code }) => ({ step, ok, result: code })),
        previewed: result.preview.length,
      },
    });
  });
  services.logger.info(
    { sourceId: id, ok: result.ok, failed: result.steps.filter((s) => !s.ok).map((s) => s.code) },
    'directory source connection tested',
  );
  return result;
}
