import type { ApiScope } from '../http/route.ts';

/** Declares this capability's routes. */
export function registerOrganizationRoutes(_scope: ApiScope): void {}
