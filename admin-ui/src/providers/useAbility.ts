import { createMongoAbility } from '@casl/ability';
import { usePermissions } from 'react-admin';
import type { AppAbility } from './ability';

const NOTHING = createMongoAbility([]);

/** The signed-in person's CASL ability (allows nothing until loaded). */
export function useAbility(): AppAbility {
  const { permissions } = usePermissions<AppAbility | null>();
  return permissions ?? NOTHING;
}
