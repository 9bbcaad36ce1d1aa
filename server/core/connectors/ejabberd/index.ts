import type { CoreConnector, DeliverableEvent } from '../types.ts';
import { ensureAccount, kickUser, randomPassword } from './accounts.ts';
import { createEjabberdApi, type EjabberdApi } from './api.ts';
import {
  type EjabberdConnectorConfig,
  type EjabberdConnectorConfigInput,
  ejabberdConnectorConfig,
} from './config.ts';
import { changeMembers, deleteGroup, upsertGroup } from './groups.ts';
import { reconcileAccounts } from './reconcile.ts';
import { cutOff, kickSessions } from './sessions.ts';
import { personVcard, writeVcard } from './vcard.ts';

export { type EjabberdConnectorConfig, ejabberdConnectorConfig } from './config.ts';

/** What the connector needs from the service. */
export interface EjabberdConnectorServices {
  logger: { debug(object: object, message?: string): void };
}

/** The ejabberd connector: delivers outbox events through ejabberd's HTTP API. */
export interface EjabberdConnector extends Required<Pick<CoreConnector, 'deliver' | 'reconcile'>> {
  readonly name: string;
  /** The API client (tests and benchmarks). */
  readonly api: EjabberdApi;
  readonly host: string;
}

/**
 * The account's localpart: the person's core account (never their login, which can be released
 * and given to someone else). Lower-case, as ejabberd stores localparts nodeprep'd.
 */
const local = (coreAccount: string) => coreAccount.toLowerCase();

/**
 * Creates the ejabberd connector. Accounts are registered with a random password that is never
 * used: people log in with their device-session token, checked by the external-auth program
 * (server/core/connectors/ejabberd/extauth.ts) against the service.
 */
export function createEjabberdConnector(
  input: EjabberdConnectorConfigInput,
  services: EjabberdConnectorServices,
): EjabberdConnector {
  const config: EjabberdConnectorConfig = ejabberdConnectorConfig.parse(input);
  const api = createEjabberdApi(config);
  const { host, largeGroupThreshold: threshold } = config;

  const deliver = async (event: DeliverableEvent): Promise<void> => {
    services.logger.debug({ eventId: event.id, type: event.type }, 'ejabberd delivery');
    switch (event.type) {
      case 'person.upserted': {
        const user = local(event.person.coreAccount);
        const created = await ensureAccount(api, user, host);
        await writeVcard(
          api,
          user,
          host,
          personVcard(event.person, config.organizationName),
          created,
        );
        return;
      }
      case 'person.deactivated':
      case 'person.suspended':
        await cutOff(api, local(event.coreAccount), host, event.reason ?? 'deactivated');
        return;
      case 'person.reactivated': {
        // 23.01 has no unban: a fresh random password undoes ban_account's scrambled one.
        const user = local(event.person.coreAccount);
        const created = await ensureAccount(api, user, host);
        if (!created) await api.ok('change_password', { user, host, newpass: randomPassword() });
        await writeVcard(
          api,
          user,
          host,
          personVcard(event.person, config.organizationName),
          created,
        );
        return;
      }
      case 'sessions.revoked':
        await kickSessions(
          api,
          local(event.coreAccount),
          host,
          event.sessionIds,
          'session revoked',
        );
        return;
      case 'second_factor.reset':
        await kickUser(api, local(event.coreAccount), host);
        return;
      case 'space.upserted':
        await upsertGroup(api, host, event.spaceId, event.name, threshold);
        return;
      case 'space.deleted':
        await deleteGroup(api, host, event.spaceId);
        return;
      case 'space.members_changed':
        await changeMembers(
          api,
          host,
          {
            spaceId: event.spaceId,
            name: event.name,
            added: event.added.map((member) => local(member.coreAccount)),
            removed: event.removed.map((member) => local(member.coreAccount)),
          },
          threshold,
        );
        return;
    }
  };

  return {
    name: 'ejabberd',
    api,
    host,
    deliver,
    reconcile: (directory) => reconcileAccounts(api, host, directory),
  };
}
