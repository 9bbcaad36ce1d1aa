// The import parser's worker thread (parseInWorker.ts starts it): the service runs TypeScript
// through tsx, whose loader a worker thread does not inherit on Node 20, so it is registered
// here before the worker's own module is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./parseWorker.ts');
