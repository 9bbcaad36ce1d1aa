/**
 * Where the console is served. Apart from adminUi.ts, which finds the console's files through
 * config.ts's projectRoot, so that the core port's thread can use it (shared/workerModule.ts).
 */
export const ADMIN_UI_PREFIX = '/admin';
