import type { ApiScope } from '../http/route.ts';

/** Declares this capability's routes. */
export function registerIdentityRoutes(_scope: ApiScope): void {}
