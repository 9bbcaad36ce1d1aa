// A second worker entry for workerModule.test.ts: bundled after the first, in the same process.
import { parentPort } from 'node:worker_threads';

parentPort?.postMessage('later');
