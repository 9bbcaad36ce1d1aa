/** What a door asks of a person's status. */
export type LifecycleVerb = 'deactivate' | 'suspend' | 'activate';

/** The audit action of each lifecycle verb (also the action a refused attempt is audited as). */
export const STATUS_AUDIT_ACTION = {
  deactivate: 'user.deactivated',
  suspend: 'user.suspended',
  activate: 'user.activated',
} as const satisfies Record<LifecycleVerb, string>;
