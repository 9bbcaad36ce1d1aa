import type { Server } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { adminUi } from './http/adminUi.ts';
import { prepareApiServer } from './http/clientError.ts';
import { problemMiddleware } from './http/problem.ts';
import { requestContext } from './http/requestContext.ts';
import { securityHeaderOptions, securityHeaders } from './http/securityHeaders.ts';
import { registerAccessRoutes } from './routes/access.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerBackofficeSsoRoutes } from './routes/backofficeSso.ts';
import { registerBulkRoutes } from './routes/bulkJobs.ts';
import { registerConfigChangeRoutes } from './routes/configChanges.ts';
import { registerCoreRoutes } from './routes/core.ts';
import { type ApiScope, RouteRegistry } from './routes/defineRoute.ts';
import { registerDeliveryRoutes } from './routes/deliveries.ts';
import { registerDirectorySyncRoutes } from './routes/directorySync.ts';
import { registerElevationRoutes } from './routes/elevationRequests.ts';
import { registerImportRoutes } from './routes/imports.ts';
import { type RequestListener, withIntrospectionFastPath } from './routes/introspectFastPath.ts';
import { registerInvitationRoutes } from './routes/invitations.ts';
import { registerLoginCodeRoutes } from './routes/loginCodes.ts';
import { registerMailRoutes } from './routes/mail.ts';
import { registerMessengerAuthRoutes } from './routes/messenger.ts';
import { registerOidcRoutes } from './routes/oidc.ts';
import { buildOpenApi } from './routes/openapi.ts';
import { registerOrganizationRoutes } from './routes/organizations.ts';
import { registerReviewRoutes } from './routes/reviews.ts';
import { registerScheduledChangeRoutes } from './routes/scheduledChanges.ts';
import { registerScimTokenRoutes } from './routes/scimTokens.ts';
import { registerIdentityRoutes } from './routes/session.ts';
import { registerSessionAdminRoutes } from './routes/sessionAdmin.ts';
import { registerSpaceRoutes } from './routes/spaces.ts';
import { registerStatisticsRoutes } from './routes/statistics.ts';
import type { AppRouter, AppState } from './routes/types.ts';
import { registerUserRoutes } from './routes/users.ts';
import { AppError, malformedJson, unsupportedMediaType } from './shared/errors.ts';
import type { Services } from './shared/services.ts';
import { scimMiddleware } from './sources/hr/scim/routes.ts';

/** The API version reported in the OpenAPI document. */
export const API_VERSION = '1.0.0';
const API_PREFIX = '/api/v1';

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
    throw unsupportedMediaType();
  }
  await next();
};

/** The application, its routes, and what a server listening for it must install. */
export interface CreatedApp {
  app: Koa<AppState>;
  registry: RouteRegistry;
  /** Installs the answer to requests Node's parser refuses, before Koa (http/clientError.ts), and the keep-alive timeout. */
  prepareServer: (server: Server) => void;
  /** What a server listens with: the introspection fast path in front of the Koa application. */
  listener: RequestListener;
}

/** Builds the Koa application (without listening), so tests can drive it directly. */
export function createApp(services: Services): CreatedApp {
  const app = new Koa<AppState>({ proxy: services.config.http.trustProxy });
  const registry = new RouteRegistry();
  const headerOptions = securityHeaderOptions(services.config);
  app.use(requestContext(services.logger));
  // Outside the problem middleware: errors turned into problem+json get the headers too.
  app.use(securityHeaders(headerOptions));
  app.use(problemMiddleware());
  // SCIM answers its own requests (bearer token, SCIM JSON, SCIM errors) before the JSON API.
  app.use(scimMiddleware(services));
  app.use(requireJsonBody);
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: services.config.http.bodyLimitBytes,
      jsonStrict: true,
      // The introspection fast path hands on a body it already read (routes/introspectFastPath.ts).
      enableRawChecking: true,
      onError: (error) => {
        if ((error as { status?: number }).status === 413) throw error;
        throw malformedJson();
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
  registerBulkRoutes(scope);
  registerUserRoutes(scope);
  registerInvitationRoutes(scope);
  registerOrganizationRoutes(scope);
  registerStatisticsRoutes(scope);
  registerSpaceRoutes(scope);
  registerAccessRoutes(scope);
  registerReviewRoutes(scope);
  registerAuditRoutes(scope);
  registerConfigChangeRoutes(scope);
  registerMessengerAuthRoutes(scope);
  registerLoginCodeRoutes(scope);
  registerOidcRoutes(scope);
  registerBackofficeSsoRoutes(scope);
  registerSessionAdminRoutes(scope);
  registerCoreRoutes(scope);
  registerDirectorySyncRoutes(scope);
  registerScheduledChangeRoutes(scope);
  registerImportRoutes(scope);
  registerDeliveryRoutes(scope);
  registerScimTokenRoutes(scope);
  registerMailRoutes(scope);
  registerElevationRoutes(scope);
  let openapi: unknown = null;
  api.get('/openapi.json', (ctx) => {
    openapi ??= buildOpenApi(registry, API_VERSION);
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = openapi;
  });
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));
  const prepareServer = (server: Server) => prepareApiServer(server, headerOptions);
  const listener = withIntrospectionFastPath(services, headerOptions, app.callback());
  return { app, registry, prepareServer, listener };
}
