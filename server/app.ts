import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { registerAuditRoutes } from './audit/routes.ts';
import { registerDeliveryRoutes } from './core/deliveryRoutes.ts';
import { registerCoreRoutes } from './core/routes.ts';
import { registerOrganizationRoutes } from './directory/organizationRoutes.ts';
import { registerSpaceRoutes } from './directory/spaceRoutes.ts';
import { registerUserRoutes } from './directory/userRoutes.ts';
import { adminUi } from './http/adminUi.ts';
import { buildOpenApi } from './http/openapi.ts';
import { problemMiddleware } from './http/problem.ts';
import { requestContext } from './http/requestContext.ts';
import { type ApiScope, RouteRegistry } from './http/route.ts';
import type { AppRouter, AppState } from './http/types.ts';
import { registerMessengerAuthRoutes } from './identity/messengerRoutes.ts';
import { registerIdentityRoutes } from './identity/routes.ts';
import { registerSessionAdminRoutes } from './identity/sessionAdminRoutes.ts';
import { AppError, badRequest } from './shared/errors.ts';
import type { Services } from './shared/services.ts';
import { registerImportRoutes } from './sources/hr/importRoutes.ts';
import { registerScheduledChangeRoutes } from './sources/hr/scheduleRoutes.ts';
import { scimMiddleware } from './sources/hr/scim/routes.ts';
import { registerScimTokenRoutes } from './sources/hr/scim/tokens/routes.ts';
import { registerDirectorySyncRoutes } from './sources/routes.ts';

/** The API version reported in the OpenAPI document. */
export const API_VERSION = '1.0.0';
const API_PREFIX = '/api/v1';

/** Adds conservative security headers to every response. */
const securityHeaders: Koa.Middleware<AppState> = async (ctx, next) => {
  await next();
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Cache-Control', ctx.response.get('Cache-Control') || 'no-store');
};

/** Refuses request bodies that are not JSON on the JSON API, instead of silently ignoring them. */
const requireJsonBody: Koa.Middleware<AppState> = async (ctx, next) => {
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
  if (
    hasBody &&
    ctx.path.startsWith(API_PREFIX) &&
    !ctx.is('application/json', 'application/*+json') &&
    // HR file uploads are multipart (read by their route, within hr.import.maxFileBytes).
    !(
      ctx.method === 'POST' &&
      ctx.path === `${API_PREFIX}/imports` &&
      ctx.is('multipart/form-data')
    )
  ) {
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send JSON with Content-Type: application/json',
    );
  }
  await next();
};

/** Builds the Koa application (without listening), so tests can drive it directly. */
export function createApp(services: Services): { app: Koa<AppState>; registry: RouteRegistry } {
  const app = new Koa<AppState>({ proxy: services.config.http.trustProxy });
  const registry = new RouteRegistry();
  app.use(requestContext(services.logger));
  app.use(problemMiddleware());
  app.use(securityHeaders);
  // SCIM answers its own requests (bearer token, SCIM JSON, SCIM errors) before the JSON API.
  app.use(scimMiddleware(services));
  app.use(requireJsonBody);
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: services.config.http.bodyLimitBytes,
      jsonStrict: true,
      onError: (error) => {
        if ((error as { status?: number }).status === 413) throw error;
        throw badRequest('malformed_json', 'The request body is not valid JSON');
      },
    }),
  );

  const health: AppRouter = new Router();
  health.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  health.get('/readyz', async (ctx) => {
    try {
      await services.orm.em.fork().execute('select 1');
      ctx.body = { status: 'ready' };
    } catch {
      throw new AppError(503, 'not_ready', 'The database is not reachable');
    }
  });
  app.use(health.routes());
  app.use(adminUi());

  const api: AppRouter = new Router({ prefix: API_PREFIX });
  const scope: ApiScope = { router: api, prefix: API_PREFIX, services, registry };
  registerIdentityRoutes(scope);
  registerUserRoutes(scope);
  registerOrganizationRoutes(scope);
  registerSpaceRoutes(scope);
  registerAuditRoutes(scope);
  registerMessengerAuthRoutes(scope);
  registerSessionAdminRoutes(scope);
  registerCoreRoutes(scope);
  registerDirectorySyncRoutes(scope);
  registerScheduledChangeRoutes(scope);
  registerImportRoutes(scope);
  registerDeliveryRoutes(scope);
  registerScimTokenRoutes(scope);
  let openapi: unknown = null;
  api.get('/openapi.json', (ctx) => {
    openapi ??= buildOpenApi(registry, API_VERSION);
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = openapi;
  });
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));
  return { app, registry };
}
