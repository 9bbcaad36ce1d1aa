import type { ScimContext, ScimRouter } from '../context.ts';
import { listParams } from '../params.ts';
import { answer } from '../users/routes.ts';
import { createScimGroup, deleteScimGroup, replaceScimGroup } from './commands.ts';
import { getGroup, listGroups } from './list.ts';
import { patchScimGroup } from './patch.ts';

/** Groups (spaces): list, search, create, read, replace, patch, delete (SCIM-made only). */
export function registerGroupRoutes(router: ScimRouter): void {
  const base = '/Groups';
  const bodyOf = (ctx: ScimContext) => (ctx.request as { body?: unknown }).body;
  router.get(base, async (ctx) => {
    ctx.body = await listGroups(ctx.state.scim, listParams(ctx.query as Record<string, unknown>));
  });
  router.post(`${base}/.search`, async (ctx) => {
    const body = bodyOf(ctx as ScimContext);
    const source = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
    ctx.body = await listGroups(ctx.state.scim, listParams(source as Record<string, unknown>));
  });
  router.post(base, async (ctx) => {
    answer(
      ctx as ScimContext,
      await createScimGroup(ctx.state.scim, bodyOf(ctx as ScimContext)),
      201,
    );
  });
  router.get(`${base}/:id`, async (ctx) => {
    const params = listParams(ctx.query as Record<string, unknown>);
    answer(ctx as ScimContext, await getGroup(ctx.state.scim, ctx.params.id ?? '', params));
  });
  router.put(`${base}/:id`, async (ctx) => {
    const ifMatch = ctx.get('if-match') || undefined;
    const id = ctx.params.id ?? '';
    answer(
      ctx as ScimContext,
      await replaceScimGroup(ctx.state.scim, id, bodyOf(ctx as ScimContext), ifMatch),
    );
  });
  router.patch(`${base}/:id`, async (ctx) => {
    const ifMatch = ctx.get('if-match') || undefined;
    const id = ctx.params.id ?? '';
    answer(
      ctx as ScimContext,
      await patchScimGroup(ctx.state.scim, id, bodyOf(ctx as ScimContext), ifMatch),
    );
  });
  router.delete(`${base}/:id`, async (ctx) => {
    await deleteScimGroup(ctx.state.scim, ctx.params.id ?? '');
    ctx.status = 204;
  });
}
