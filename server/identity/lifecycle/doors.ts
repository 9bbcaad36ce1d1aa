/**
 * The doors through which a person's status or credentials change, as the status history and
 * the audit log name them.
 */
export const DOORS = [
  'console',
  'bulk',
  'hr-import',
  'scim',
  'schedule',
  'directory',
  'enrollment',
] as const;
export type Door = (typeof DOORS)[number];
