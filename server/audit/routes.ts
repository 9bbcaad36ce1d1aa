import type { ApiScope } from '../http/route.ts';

/** Declares this capability's routes. */
export function registerAuditRoutes(_scope: ApiScope): void {}
