import type { ApiScope } from '../http/route.ts';

/** Declares this capability's routes. */
export function registerSessionAdminRoutes(_scope: ApiScope): void {}
