import type { ApiScope } from '../http/route.ts';

/** Declares this capability's routes. */
export function registerCoreRoutes(_scope: ApiScope): void {}
