import type { ScimContext, ScimRouter } from '../context.ts';
import { listParams } from '../params.ts';
import { project } from '../projection.ts';
import { createScimUser, deleteScimUser, patchScimUser, replaceScimUser } from './commands.ts';
import { listUsers } from './list.ts';
import { getUser } from './read.ts';

type Resource = Record<string, unknown>;

/** Answers one resource: ETag from meta.version, `attributes` / `excludedAttributes` applied. */
export function answer(ctx: ScimContext, resource: Resource, status = 200): void {
  const params = listParams(ctx.query as Record<string, unknown>);
  const meta = resource.meta as { version?: string; location?: string } | undefined;
  if (meta?.version) ctx.set('ETag', meta.version);
  if (status === 201 && meta?.location) ctx.set('Location', meta.location);
  ctx.status = status;
  ctx.body = project(resource, params.attributes, params.excludedAttributes);
}

/** Users: list, search, create, read, replace, patch, delete (= deactivate). */
export function registerUserRoutes(router: ScimRouter): void {
  const base = '/Users';
  router.get(base, async (ctx) => {
    ctx.body = await listUsers(ctx.state.scim, listParams(ctx.query as Record<string, unknown>));
  });
  router.post(`${base}/.search`, async (ctx) => {
    const body = (ctx.request as { body?: unknown }).body;
    const source = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
    ctx.body = await listUsers(ctx.state.scim, listParams(source as Record<string, unknown>));
  });
  router.post(base, async (ctx) => {
    const { resource } = await createScimUser(
      ctx.state.scim,
      (ctx.request as { body?: unknown }).body,
    );
    answer(ctx as ScimContext, resource, 201);
  });
  router.get(`${base}/:id`, async (ctx) => {
    answer(ctx as ScimContext, await getUser(ctx.state.scim, ctx.params.id ?? ''));
  });
  router.put(`${base}/:id`, async (ctx) => {
    const body = (ctx.request as { body?: unknown }).body;
    const ifMatch = ctx.get('if-match') || undefined;
    answer(
      ctx as ScimContext,
      await replaceScimUser(ctx.state.scim, ctx.params.id ?? '', body, ifMatch),
    );
  });
  router.patch(`${base}/:id`, async (ctx) => {
    const body = (ctx.request as { body?: unknown }).body;
    const ifMatch = ctx.get('if-match') || undefined;
    answer(
      ctx as ScimContext,
      await patchScimUser(ctx.state.scim, ctx.params.id ?? '', body, ifMatch),
    );
  });
  router.delete(`${base}/:id`, async (ctx) => {
    await deleteScimUser(ctx.state.scim, ctx.params.id ?? '');
    ctx.status = 204;
  });
}
