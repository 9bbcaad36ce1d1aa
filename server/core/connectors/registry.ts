import type { ConnectorConfig, WebhookConnectorConfig } from '../../shared/config/core.ts';
import type { Services } from '../../shared/services.ts';
// J's ejabberd connector plugs in here (server/core/connectors/ejabberd/index.ts).
import { createEjabberdConnector } from './ejabberd/index.ts';
import type { CoreConnector } from './types.ts';
import { webhookFromConfig } from './webhook.ts';

/** Builds one connector from its configuration entry. */
function buildConnector(config: ConnectorConfig, services: Services): CoreConnector {
  if (config.kind === 'webhook') return webhookFromConfig(config as WebhookConnectorConfig);
  // The ejabberd factory validates its own options; `kind` and `name` are the registry's.
  const { kind: _kind, name, ...options } = config;
  const ejabberd = createEjabberdConnector(
    options as Parameters<typeof createEjabberdConnector>[0],
    { logger: services.logger },
  );
  return {
    name,
    deliver: (event) => ejabberd.deliver(event),
    reconcile: (directory) => ejabberd.reconcile(directory),
  };
}

/** The connectors of `core.connectors`, in configuration order. */
export function buildConnectors(services: Services): CoreConnector[] {
  return services.config.core.connectors.map((config) => buildConnector(config, services));
}

/**
 * Records the configured connectors in `outbox_connector`, so every process (whatever its own
 * delivery setting) writes one outbox row per connector. Connectors no longer configured are
 * removed: their undelivered rows stay visible in the delivery API but nothing new is queued.
 */
export async function registerConnectors(
  services: Services,
  connectors: readonly { name: string; kind: string }[] = services.config.core.connectors,
): Promise<void> {
  const list = JSON.stringify(connectors.map(({ name, kind }) => ({ name, kind })));
  const client = await services.pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `delete from outbox_connector
        where name not in (select x->>'name' from jsonb_array_elements($1::jsonb) x)`,
      [list],
    );
    await client.query(
      `insert into outbox_connector (name, kind)
       select x->>'name', x->>'kind' from jsonb_array_elements($1::jsonb) x
       on conflict (name) do update set kind = excluded.kind, updated_at = now()`,
      [list],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
