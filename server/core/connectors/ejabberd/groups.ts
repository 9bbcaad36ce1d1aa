import { type EjabberdApi, EjabberdApiError } from './api.ts';

/** The shared roster group of a space: a stable id, never its (renamable) name. */
export function groupId(spaceId: string): string {
  return `space-${spaceId}`;
}

async function members(api: EjabberdApi, group: string, host: string): Promise<number> {
  const body = await api.get('srg_get_members', { group, host });
  if (!Array.isArray(body)) throw new EjabberdApiError('srg_get_members', 200, body);
  return body.length;
}

async function displayed(api: EjabberdApi, group: string, host: string): Promise<string | null> {
  const body = await api.get('srg_get_info', { group, host });
  if (!Array.isArray(body)) return null;
  const entry = body.find(
    (item: unknown) => (item as { key?: unknown }).key === 'displayed_groups',
  );
  const value = (entry as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' ? value : null;
}

/**
 * Creates or updates the group (label and display). `srg_create` on an existing group only
 * replaces its options, members stay. A group shows its members to each other only while it has
 * at most `threshold` members: ejabberd's self-displayed groups cost quadratic time per change.
 */
export async function upsertGroup(
  api: EjabberdApi,
  host: string,
  spaceId: string,
  name: string,
  threshold: number,
): Promise<void> {
  const group = groupId(spaceId);
  const count = await members(api, group, host);
  const display = count <= threshold ? group : '';
  await api.ok('srg_create', { group, host, label: name, description: name, display });
}

/**
 * Adds and removes members (each idempotent). Self-display is switched off *before* a change
 * that makes the group large (adding hundreds to a self-displayed group is the quadratic case)
 * and switched on only *after* a change leaves it small.
 */
export async function changeMembers(
  api: EjabberdApi,
  host: string,
  change: { spaceId: string; name: string; added: string[]; removed: string[] },
  threshold: number,
): Promise<void> {
  const group = groupId(change.spaceId);
  const setDisplay = (display: string) =>
    api.ok('srg_create', { group, host, label: change.name, description: change.name, display });
  const before = await members(api, group, host);
  let current = await displayed(api, group, host);
  if (before + change.added.length > threshold && current !== '') {
    await setDisplay('');
    current = '';
  }
  for (const user of change.added) {
    await api.ok('srg_user_add', { user, host, group, grouphost: host });
  }
  for (const user of change.removed) {
    await api.ok('srg_user_del', { user, host, group, grouphost: host });
  }
  const wanted = (await members(api, group, host)) <= threshold ? group : '';
  if (current !== wanted) await setDisplay(wanted);
}

/** Deletes the group (ejabberd answers 0 for a missing group too). */
export async function deleteGroup(api: EjabberdApi, host: string, spaceId: string): Promise<void> {
  await api.ok('srg_delete', { group: groupId(spaceId), host });
}
