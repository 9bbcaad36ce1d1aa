import { runCommand } from '../../../../commands/runCommand.ts';
import { type ScimRequest, scimActor } from '../context.ts';
import { ScimError } from '../errors.ts';
import { applyPatch, patchOperations } from '../patch.ts';
import { canonicalBody } from '../resourceSchema.ts';
import { HR_SCHEMA } from '../urns.ts';
import { userFields } from './input.ts';
import { getUser } from './read.ts';
import { lockUser, markScimDeleted, saveUser } from './save.ts';
import { scimStatusChange } from './saveStatus.ts';
import { USER_RESOURCE } from './schema.ts';

type Resource = Record<string, unknown>;

/** POST /Users: 201 with the new person (source scim). */
export function createScimUser(request: ScimRequest, body: unknown) {
  return saveUser(request, null, userFields(canonicalBody(body, USER_RESOURCE)));
}

/** PUT /Users/:id: replaces what SCIM may write of the person. */
export async function replaceScimUser(
  request: ScimRequest,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
): Promise<Resource> {
  await getUser(request, id);
  const fields = userFields(canonicalBody(body, USER_RESOURCE));
  return (await saveUser(request, id, fields, ifMatch)).resource;
}

/**
 * PATCH /Users/:id: the operations are applied to the current resource, and the result is saved
 * like a PUT. The version read is required at the write, so concurrent PATCHes never lose each
 * other's changes (retried a few times, then 409).
 */
export async function patchScimUser(
  request: ScimRequest,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
): Promise<Resource> {
  const operations = patchOperations(body);
  for (let attempt = 0; ; attempt += 1) {
    const current = await getUser(request, id);
    const version = (current.meta as { version: string }).version;
    if (ifMatch && ifMatch !== '*' && !ifMatch.split(',').some((tag) => tag.trim() === version))
      throw new ScimError(
        412,
        null,
        'The resource has changed (If-Match does not match its version)',
      );
    const fields = statusAsked(current, applyPatch(current, operations, USER_RESOURCE));
    try {
      return (await saveUser(request, id, fields, version)).resource;
    } catch (error) {
      if (!(error instanceof ScimError && error.status === 412) || attempt >= 3) {
        if (error instanceof ScimError && error.status === 412)
          throw new ScimError(409, null, 'The person changed concurrently; try again');
        throw error;
      }
    }
  }
}

/**
 * The fields of a patched resource, where `active` and the HR extension's `suspended` count only
 * if the PATCH changed them: a suspended person reads `active: false`, so a PATCH that only lifts
 * the suspension must not read as "deactivate" because the unchanged `active: false` came along.
 */
function statusAsked(current: Resource, patched: Resource): ReturnType<typeof userFields> {
  const fields = userFields(patched);
  const suspendedOf = (resource: Resource) =>
    (resource[HR_SCHEMA] as { suspended?: unknown } | undefined)?.suspended === true;
  if (patched.active === current.active) fields.active = undefined;
  if (suspendedOf(patched) === suspendedOf(current)) fields.suspended = undefined;
  return fields;
}

/**
 * DELETE /Users/:id (RFC 7644 §3.6): the person is deactivated through the lifecycle (sessions
 * revoked; a person already deactivated stays as they are) and no longer shown through SCIM:
 * every later request for this id answers 404 and lists omit them. Never erased: the person stays
 * in the directory with their history, and a POST with their userName reconnects them as a new
 * SCIM resource (save.ts).
 */
export async function deleteScimUser(request: ScimRequest, id: string): Promise<void> {
  await runCommand(request.services, scimActor(request), async (ctx) => {
    const { user, link } = await lockUser(ctx.em, id, undefined, 'user.deactivated');
    if (user.status !== 'deactivated') {
      const reason = `deleted by SCIM client ${request.client.tokenName}`;
      await scimStatusChange(request, ctx, user, 'deactivate', reason);
    }
    await markScimDeleted(request, ctx, user, link);
  });
}
