import { createHash } from 'node:crypto';
import type Koa from 'koa';
import type { Config } from '../config.ts';
import { publicBaseUrl } from '../shared/config/publicUrl.ts';
import { ADMIN_UI_PREFIX } from './adminUiPrefix.ts';
import type { BaseState } from './types.ts';

/** A CSP hash source (`'sha256-…'`) for an inline `<script>` or `<style>` whose text is `text`. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The policy of every answer that is not a page of the console: JSON, problems, SCIM, files. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The policy of the console (`/admin`). Scripts only from the service itself, never inline (the
 * built index.html has none). Styles: the bundle's own files, plus empty `<style>` elements: in
 * a production build emotion (MUI) creates each of its `<style>` elements empty and fills it
 * through CSSOM `insertRule`, which CSP does not govern, so the hash of the empty string lets it
 * work without `'unsafe-inline'` (docs/decisions.md). Images: the service and `data:` (the TOTP
 * QR code is an SVG data URL).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${cspHash('')}`,
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The options every server of the service answers with: HSTS when the public URL is https. */
export function securityHeaderOptions(config: Config): SecurityHeadersOptions {
  return { hsts: publicBaseUrl(config).startsWith('https://') };
}

/** HSTS as sent when the public URL is https. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** Options of {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /** Send Strict-Transport-Security: true when the configured public URL is https. */
  hsts: boolean;
}

/** The headers every answer carries whatever it is (no CSP or Cache-Control: those vary). */
export function fixedSecurityHeaders(options: SecurityHeadersOptions): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    ...(options.hsts ? { 'Strict-Transport-Security': HSTS } : {}),
  };
}

function isConsolePath(path: string): boolean {
  return path === ADMIN_UI_PREFIX || path.startsWith(`${ADMIN_UI_PREFIX}/`);
}

/**
 * Security headers on every response. Mounted outside the problem middleware, so that the final
 * answer is known when they are set: a success, a problem+json made of a thrown error, a SCIM
 * error, a file of the console. Every answer gets nosniff, no referrer, no framing and a CSP
 * (the console's for its successful answers under `/admin`, unless the handler set a policy of
 * its own; otherwise `default-src 'none'`). Cache-Control stays as the handler set it, defaults
 * to `no-store`, and is always `no-store` on an error. HSTS when the public URL is https: TLS
 * usually ends at a proxy, so the configuration, not this hop, says whether clients use https.
 */
export function securityHeaders(options: SecurityHeadersOptions): Koa.Middleware<BaseState> {
  const fixed = fixedSecurityHeaders(options);
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      const failed = ctx.status >= 400;
      ctx.set(fixed);
      const own = failed ? '' : ctx.response.get('Content-Security-Policy');
      const page = !failed && isConsolePath(ctx.path);
      ctx.set('Content-Security-Policy', own || (page ? CONSOLE_CSP : API_CSP));
      ctx.set('Cache-Control', (!failed && ctx.response.get('Cache-Control')) || 'no-store');
    }
  };
}
