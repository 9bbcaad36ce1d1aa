import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type Koa from 'koa';
import { projectRoot } from '../config.ts';
import { AppError } from '../shared/errors.ts';
import { ADMIN_UI_PREFIX } from './adminUiPrefix.ts';
import type { BaseState } from './types.ts';

/** Where `npm run build -w admin-ui` puts the built UI. */
export const ADMIN_UI_DIST = resolve(projectRoot, 'admin-ui/dist');

/** Options of {@link adminUi}; the defaults serve `admin-ui/dist` at `/admin`. */
export interface AdminUiOptions {
  /** The directory holding the built UI (`index.html`, `assets/`). */
  root?: string;
}

const ONE_YEAR = 'public, max-age=31536000, immutable';
// Vite writes built assets as `assets/name-<hash>.ext`; such files never change under that name.
const HASHED_ASSET = /^assets\/(?:.+\/)?[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

const PLACEHOLDER_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#222}';
const PLACEHOLDER = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Back-office</title>
<style>${PLACEHOLDER_STYLE}</style>
</head>
<body>
<h1>Back-office</h1>
<p>The admin UI is not built yet: it arrives with its own issue.</p>
<p>Meanwhile the service is fully usable through its API, described by the
<a href="/api/v1/openapi.json">OpenAPI document</a>.</p>
</body>
</html>
`;
/** The placeholder's own policy: nothing but its one inline style, allowed by its hash. */
const PLACEHOLDER_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(PLACEHOLDER_STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function invalidPath(): AppError {
  return new AppError(400, 'invalid_path', 'The requested path is not allowed');
}

/**
 * Turns the part of the URL after `/admin/` into a path relative to the UI root, or throws for
 * anything that could leave it: `..` and `.` segments (also percent-encoded), backslashes, NUL,
 * absolute paths and malformed escapes.
 */
function relativeFilePath(rawRest: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawRest);
  } catch {
    throw invalidPath();
  }
  if (decoded.includes('\0') || decoded.includes('\\')) throw invalidPath();
  const segments = decoded.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) throw invalidPath();
  return segments.filter((segment) => segment !== '').join('/');
}

/** A regular file, opened, with its size; null for anything else. */
interface OpenFile {
  handle: FileHandle;
  size: number;
}

/**
 * Opens a regular file (null if missing or not a file). Opening before answering, rather than
 * streaming by name, makes a file that vanishes meanwhile (a redeploy replacing dist) a thrown
 * error the problem middleware answers, not a stream error Koa answers with every header removed.
 */
async function openFile(path: string): Promise<OpenFile | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const info = await handle.stat();
    if (info.isFile()) return { handle, size: info.size };
  } catch {
    // Treated as missing, below.
  }
  await handle.close();
  return null;
}

function send(ctx: Koa.ParameterizedContext<BaseState>, path: string, file: OpenFile): void {
  ctx.status = 200;
  ctx.type = extname(path) || 'application/octet-stream';
  ctx.length = file.size;
  // The stream closes the handle when it ends or when Koa destroys it (an aborted request).
  ctx.body = file.handle.createReadStream();
}

/**
 * Serves the built admin UI at `/admin` (index.html for `/admin`, `/admin/` and client-side
 * routes; files with their content types; a year of caching for hashed assets), refusing any
 * path that would leave the build directory. Until the UI is built, `/admin` answers a small
 * placeholder page that points to the API's OpenAPI document.
 */
export function adminUi(options: AdminUiOptions = {}): Koa.Middleware<BaseState> {
  const root = resolve(options.root ?? ADMIN_UI_DIST);
  const indexPath = resolve(root, 'index.html');
  return async (ctx, next) => {
    const path = ctx.path;
    if (path !== ADMIN_UI_PREFIX && !path.startsWith(`${ADMIN_UI_PREFIX}/`)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw new AppError(405, 'method_not_allowed', 'Method not allowed on this resource');
    }
    const relative = relativeFilePath(path.slice(ADMIN_UI_PREFIX.length + 1));

    if (relative !== '') {
      const filePath = resolve(root, relative);
      if (!filePath.startsWith(`${root}${sep}`)) throw invalidPath();
      const file = await openFile(filePath);
      if (file !== null) {
        ctx.set('Cache-Control', HASHED_ASSET.test(relative) ? ONE_YEAR : 'no-cache');
        send(ctx, filePath, file);
        return;
      }
    }

    const index = await openFile(indexPath);
    if (index === null) {
      if (relative !== '') return next();
      ctx.status = 200;
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('Content-Security-Policy', PLACEHOLDER_CSP);
      ctx.body = PLACEHOLDER;
      return;
    }
    // A missing file with an extension is a 404; anything else is a client-side route.
    if (relative !== '' && extname(relative) !== '') {
      await index.handle.close();
      return next();
    }
    ctx.set('Cache-Control', 'no-cache');
    send(ctx, indexPath, index);
  };
}
