import type { ApiScope } from '../http/route.ts';

/** Declares this capability's routes. */
export function registerUserRoutes(_scope: ApiScope): void {}
