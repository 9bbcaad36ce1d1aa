import type { z } from 'zod';
import { userListQuery } from './schemas.ts';

/**
 * The people list's filters without paging or sort (issue 16): what an export and a bulk job
 * act on. The very schema of `GET /users`, so a selection means what the list showed.
 */
export const userFilter = userListQuery(1, 1).omit({
  sort: true,
  order: true,
  offset: true,
  limit: true,
});

/** A parsed people filter. */
export type UserFilter = z.infer<typeof userFilter>;
