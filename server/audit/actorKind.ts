/**
 * What kind of actor an audit event (or a status change) was caused by. Events keep only the
 * actor's id and label (authz/actor.ts makes the labels); the console shows a person by name
 * and everything else as a word for its kind with the label beside it («Источник: corp-ad»).
 */
export const ACTOR_KINDS = ['person', 'source', 'scim', 'core', 'anonymous', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * The kind from the stored id and label: a person has an id; the others are told apart by the
 * labels the service gives them (`source:<id>`, `scim:<token>`, `scim-client` and `core-client`
 * for refused credentials, `anonymous` and `sso` before sign-in; `cli`, `scheduler`… are the
 * service's own work).
 */
export function actorKindOf(id: string | null, label: string): ActorKind {
  if (id) return 'person';
  if (label.startsWith('source:')) return 'source';
  if (label.startsWith('scim:') || label === 'scim-client') return 'scim';
  if (label === 'core-client') return 'core';
  if (label === 'anonymous' || label === 'sso') return 'anonymous';
  return 'system';
}
