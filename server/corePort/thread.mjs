// The core's port thread (start.ts starts it): the service runs TypeScript through tsx, whose
// loader a worker thread does not inherit on Node 20, so it is registered here first.
import { register } from 'tsx/esm/api';

register();
await import('./thread.ts');
