/** The part of `@xmpp/client` (0.14, untyped ESM) the tests use. */
declare module '@xmpp/client' {
  import type { EventEmitter } from 'node:events';

  /** A bound JID. */
  export interface XmppJid {
    local: string;
    domain: string;
    resource: string;
    toString(): string;
  }

  /** A client entity: emits `online`, `error`, `disconnect`, `offline`, `stanza`. */
  export interface XmppClient extends EventEmitter {
    status: string;
    start(): Promise<XmppJid>;
    stop(): Promise<void>;
    reconnect: { stop(): void };
  }

  /** Options of {@link client}. */
  export interface XmppClientOptions {
    service: string;
    domain: string;
    resource?: string;
    username: string;
    password: string;
    timeout?: number;
  }

  export function client(options: XmppClientOptions): XmppClient;
}
