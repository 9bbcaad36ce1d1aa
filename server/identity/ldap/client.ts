import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import { bindPasswordOf, type DirectorySource } from '../../shared/config/directorySources.ts';

/** TLS settings for a source: CA bundle (read per connection, so a replaced file is picked up). */
export function tlsOptionsOf(source: DirectorySource): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: source.tls.rejectUnauthorized };
  if (source.tls.ca) options.ca = source.tls.ca;
  else if (source.tls.caFile) options.ca = readFileSync(source.tls.caFile);
  return options;
}

/**
 * A connected client for a source: LDAPS or StartTLS as configured, connect and operation
 * timeouts of `timeoutMs`. ldapts switches to TLS whenever `tlsOptions` is given, even for
 * `ldap://`, so they are passed only for `ldaps://`; StartTLS gets them in `startTLS()`.
 * The caller must `unbind()` (use {@link withClient}).
 */
export async function connectClient(source: DirectorySource): Promise<Client> {
  const ldaps = /^ldaps:/i.test(source.url);
  const client = new Client({
    url: source.url,
    timeout: source.timeoutMs,
    connectTimeout: source.timeoutMs,
    ...(ldaps ? { tlsOptions: tlsOptionsOf(source) } : {}),
  });
  if (!ldaps && source.startTls) {
    try {
      // Over an existing socket tls.connect checks the certificate against `host` (else
      // "localhost"); SNI (`servername`) must not be an IP address.
      const host = new URL(source.url).hostname.replace(/^\[|\]$/g, '');
      await client.startTLS({
        ...tlsOptionsOf(source),
        host,
        ...(isIP(host) ? {} : { servername: host }),
      });
    } catch (error) {
      await closeQuietly(client);
      throw error;
    }
  }
  return client;
}

/**
 * A new connection bound as the source's service account (StartTLS first where configured);
 * closed again if the bind fails.
 */
export async function connectBound(
  source: DirectorySource,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Client> {
  const client = await connectClient(source);
  try {
    await client.bind(source.bindDn, bindPasswordOf(source, env));
    return client;
  } catch (error) {
    await closeQuietly(client);
    throw error;
  }
}

/** Unbinds and closes the socket, ignoring errors (the connection may already be dead). */
export async function closeQuietly(client: Client): Promise<void> {
  try {
    await client.unbind();
  } catch {
    // Nothing to do: unbind() destroys the socket in its own `finally`.
  }
}

/** Runs `fn` with a connected client and always unbinds/closes afterwards. */
export async function withClient<T>(
  source: DirectorySource,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await connectClient(source);
  try {
    return await fn(client);
  } finally {
    await closeQuietly(client);
  }
}
