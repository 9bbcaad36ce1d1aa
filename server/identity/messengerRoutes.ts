import type { ApiScope } from '../http/route.ts';

/** Declares this capability's routes. */
export function registerMessengerAuthRoutes(_scope: ApiScope): void {}
