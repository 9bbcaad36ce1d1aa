import type { RunView } from '../../server/sources/schemas.ts';
import { sourcePerson } from '../sources/memoryDirectory.ts';
import { defineSource, memoryDirectories, sync } from '../sources/support.ts';
import { signedIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';

/**
 * A source defined through the API over an in-memory directory (the LDAP reader's test double),
 * synced once in full, then changed and dry-run: answers the source id and the dry run, whose
 * plan updates one person's title.
 */
export async function sourceWithPlan(
  context: TestContext,
): Promise<{ sourceId: string; run: RunView }> {
  const directories = memoryDirectories(context.services);
  const { api } = await signedIn(context, 'superadmin');
  // Scheduled runs off: only the runs below happen.
  const { id, directory } = await defineSource(api, directories, { enabled: false });
  const clerk = sourcePerson({ familyName: 'Лебедева', givenName: 'Дарья', title: 'Бухгалтер' });
  directory.put(clerk, sourcePerson({ familyName: 'Морозов', givenName: 'Илья' }));
  await sync(api, id, 'full');
  directory.change(clerk.externalId, { title: 'Главный бухгалтер' });
  return { sourceId: id, run: await sync(api, id, 'dry-run') };
}
