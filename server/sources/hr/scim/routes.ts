import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';
import type { BaseContext, BaseState } from '../../../http/types.ts';
import type { Services } from '../../../shared/services.ts';
import { requireScimToken } from './auth.ts';
import type { ScimContext, ScimRouter } from './context.ts';
import {
  discoveryList,
  discoveryOne,
  resourceTypes,
  schemas,
  serviceProviderConfig,
} from './discovery.ts';
import {
  errorBody,
  SCIM_CONTENT_TYPE,
  ScimError,
  scimBad,
  scimNotFound,
  toScimError,
} from './errors.ts';
import { registerGroupRoutes } from './groups/routes.ts';
import { SCIM_PREFIX } from './urns.ts';
import { registerUserRoutes } from './users/routes.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(ctx: BaseContext): boolean {
  return Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
}

/**
 * The methods `path` answers, or null when no route has that path. A literal route wins over a
 * parameterized one (`/Users/.search` is never an id), and HEAD, which comes with GET, is not
 * listed.
 */
export function allowedMethods(router: ScimRouter, path: string): string[] | null {
  const layers = router.match(path, 'GET').path;
  if (layers.length === 0) return null;
  const literal = layers.filter((layer) => layer.paramNames.length === 0);
  const relevant = literal.length > 0 ? literal : layers;
  return [...new Set(relevant.flatMap((layer) => layer.methods))];
}

function discoveryRoutes(router: ScimRouter): void {
  router.get('/ServiceProviderConfig', (ctx) => {
    ctx.body = serviceProviderConfig(ctx.state.scim.origin);
  });
  router.get('/ResourceTypes', (ctx) => {
    ctx.body = discoveryList(resourceTypes(ctx.state.scim.origin));
  });
  router.get('/ResourceTypes/:id', (ctx) => {
    ctx.body = discoveryOne(resourceTypes(ctx.state.scim.origin), ctx.params.id ?? '');
  });
  router.get('/Schemas', (ctx) => {
    ctx.body = discoveryList(schemas(ctx.state.scim.origin));
  });
  router.get('/Schemas/:id', (ctx) => {
    ctx.body = discoveryOne(schemas(ctx.state.scim.origin), ctx.params.id ?? '');
  });
}

/**
 * The SCIM 2.0 endpoint at /scim/v2, answering every request under it itself (mounted before
 * the JSON API's body parser and problem+json rendering): bearer token first, then the media
 * type (JSON or SCIM JSON), the body, the route; every failure is a SCIM Error message.
 */
export function scimMiddleware(services: Services): Koa.Middleware<BaseState> {
  const router: ScimRouter = new Router({ prefix: SCIM_PREFIX });
  discoveryRoutes(router);
  registerUserRoutes(router);
  registerGroupRoutes(router);
  const dispatch = router.routes();
  const authenticate = requireScimToken(services);
  const parseBody = bodyParser({
    enableTypes: ['json'],
    jsonLimit: services.config.http.bodyLimitBytes,
    jsonStrict: true,
    onError: (error) => {
      if ((error as { status?: number }).status === 413)
        throw new ScimError(413, null, 'The request body is too large');
      throw scimBad('invalidSyntax', 'The request body is not valid JSON');
    },
  });
  return async (ctx, next) => {
    if (ctx.path !== SCIM_PREFIX && !ctx.path.startsWith(`${SCIM_PREFIX}/`)) return next();
    try {
      const client = await authenticate(ctx);
      const scimCtx = ctx as unknown as ScimContext;
      scimCtx.state.scim = {
        services,
        client,
        meta: ctx.state.meta,
        origin: `${ctx.protocol}://${ctx.host}`,
      };
      // The route and its method first (RFC 7231 §6.5.5: 405 with the Allow header for a method
      // the resource does not support), so neither the media type nor the body of such a
      // request is looked at.
      const allowed = allowedMethods(router, ctx.path);
      if (!allowed) throw scimNotFound(`No SCIM resource at ${ctx.path}`);
      if (!allowed.includes(ctx.method)) {
        ctx.set('Allow', allowed.filter((method) => method !== 'HEAD').join(', '));
        throw new ScimError(405, null, `${ctx.method} is not supported here`);
      }
      if (
        WRITE_METHODS.has(ctx.method) &&
        hasBody(ctx) &&
        !ctx.is('application/json', 'application/scim+json')
      )
        throw new ScimError(
          415,
          null,
          'Send the body as application/scim+json or application/json',
        );
      await parseBody(ctx, async () => {});
      let matched = true;
      await dispatch(scimCtx as never, async () => {
        matched = false;
      });
      if (!matched) throw scimNotFound(`No SCIM resource at ${ctx.path}`);
      if (ctx.body !== undefined && ctx.body !== null) ctx.type = SCIM_CONTENT_TYPE;
    } catch (error) {
      const scim = toScimError(error);
      if (scim.status >= 500) ctx.state.log.error({ err: error }, 'SCIM request failed');
      ctx.status = scim.status;
      ctx.body = errorBody(scim);
      ctx.type = SCIM_CONTENT_TYPE;
    }
  };
}
