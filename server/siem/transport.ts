import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { SiemConfig } from '../shared/config/siem.ts';

/** The TLS options of the receiver, files read once at start (a missing file fails the start). */
export interface SiemTlsOptions {
  host: string;
  port: number;
  servername: string;
  ca?: string;
  cert?: Buffer;
  key?: Buffer;
  timeoutMs: number;
}

/** Reads the `siem` section's CA and client certificate files into connection options. */
export function siemTlsOptions(siem: SiemConfig): SiemTlsOptions {
  if (!siem.host) throw new Error('siem.host is not configured');
  const ca = siem.ca ?? (siem.caFile ? readFileSync(siem.caFile, 'utf8') : undefined);
  return {
    host: siem.host,
    port: siem.port,
    servername: siem.serverName ?? siem.host,
    ...(ca ? { ca } : {}),
    ...(siem.certFile && siem.keyFile
      ? { cert: readFileSync(siem.certFile), key: readFileSync(siem.keyFile) }
      : {}),
    timeoutMs: siem.timeoutMs,
  };
}

/**
 * Sends frames over a new TLS connection and resolves only once the receiver has *confirmably
 * read them all*: plain syslog over TLS has no acknowledgement, so the proof is the close. We
 * send every frame, then close our side (TLS close_notify + FIN, which the receiver reads only
 * after every byte before it); rsyslog closes a session when it reads that end, and a receiver
 * that died with unread bytes resets the connection instead (an error here). Anything but a clean
 * close from the other side within `timeoutMs` rejects, and the caller sends the frames again.
 *
 * `track` receives the socket so a caller can cut it (a worker abandoned as if killed).
 */
export function deliverFrames(
  options: SiemTlsOptions,
  frames: readonly Buffer[],
  track: (socket: tls.TLSSocket | null) => void = () => undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const socket = tls.connect({
      host: options.host,
      port: options.port,
      servername: options.servername,
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      // A receiver we cannot authenticate could be anyone: never send the audit log to it.
      rejectUnauthorized: true,
    });
    track(socket);
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      track(null);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    // One overall deadline, refreshed on progress: a receiver that stops reading hangs us no longer.
    let timer = setTimeout(() => finish(new Error('siem receiver timed out')), options.timeoutMs);
    const progress = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new Error('siem receiver timed out')), options.timeoutMs);
    };
    socket.on('error', (error) => finish(error));
    socket.on('data', () => undefined);
    socket.on('end', () => {
      // The receiver closed: only a confirmation if we had already sent everything and ended.
      if (!ended) finish(new Error('siem receiver closed the connection before the end'));
    });
    socket.on('close', (hadError) => {
      if (hadError) finish(new Error('siem connection closed with an error'));
      else if (!ended) finish(new Error('siem receiver closed the connection before the end'));
      else finish();
    });
    let ended = false;
    socket.once('secureConnect', () => {
      progress();
      void (async () => {
        for (const frame of frames) {
          if (settled) return;
          if (!socket.write(frame)) {
            await new Promise<void>((drained) => socket.once('drain', drained));
            progress();
          }
        }
        if (settled) return;
        ended = true;
        socket.end();
      })();
    });
  });
}
