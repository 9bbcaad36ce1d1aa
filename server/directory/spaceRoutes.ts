import type { ApiScope } from '../http/route.ts';

/** Declares this capability's routes. */
export function registerSpaceRoutes(_scope: ApiScope): void {}
