import { performance } from 'node:perf_hooks';
import { client, type XmppClient } from '@xmpp/client';
import type { Ejabberd } from './ejabberd.ts';
import { XMPP_STEP_MS } from './timeouts.ts';

/** A logged-in XMPP client that remembers when its connection closed. */
export interface XmppSession {
  /** The bound full JID. */
  jid: string;
  /** Resolves with `performance.now()` at the moment the server closed the connection. */
  closed: Promise<number>;
  /**
   * Resolves with `performance.now()` when the server's stream error (a kick) arrived, or with
   * NaN when the connection closed without one.
   */
  streamError: Promise<number>;
  /** Whether the connection is still open. */
  isOpen(): boolean;
  /** Closes it from our side (no-op when already closed). */
  stop(): Promise<void>;
}

// The test certificate is self-signed and @xmpp/starttls passes no TLS options through: turn
// certificate checks off for this test process (loopback only).
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

/**
 * Logs in to the throw-away ejabberd as `username` with `password` (the service's session token)
 * over STARTTLS with SASL PLAIN; rejects when the login is refused. Never reconnects by itself.
 */
export async function connectXmpp(
  ejabberd: Ejabberd,
  username: string,
  password: string,
  resource?: string,
): Promise<XmppSession> {
  const xmpp: XmppClient = client({
    service: `xmpp://127.0.0.1:${ejabberd.c2sPort}`,
    domain: ejabberd.host,
    username,
    password,
    // Each step (stream open, STARTTLS, close) waits this long; @xmpp's own default is 2 s,
    // which a busy machine overruns while ejabberd asks the service through extauth.
    timeout: XMPP_STEP_MS,
    ...(resource ? { resource } : {}),
  });
  xmpp.reconnect.stop();
  let open = false;
  const closed = new Promise<number>((resolve) => {
    xmpp.on('disconnect', () => {
      open = false;
      resolve(performance.now());
    });
  });
  // Errors (stream errors on a kick, SASL failures) are reported through start(), `closed` and
  // `streamError`.
  let markStreamError: (at: number) => void = () => undefined;
  const streamError = new Promise<number>((resolve) => {
    markStreamError = resolve;
  });
  xmpp.on('error', (error: Error) => {
    if (open && error.name === 'StreamError') markStreamError(performance.now());
  });
  void closed.then(() => markStreamError(Number.NaN));
  try {
    const jid = await xmpp.start();
    open = true;
    return {
      jid: jid.toString(),
      closed,
      streamError,
      isOpen: () => open,
      stop: async () => {
        if (xmpp.status !== 'offline') await xmpp.stop().catch(() => undefined);
      },
    };
  } catch (error) {
    await xmpp.stop().catch(() => undefined);
    throw error;
  }
}
