import { parentPort } from 'node:worker_threads';
import type { RangeTask } from './walkProtocol.ts';
import { WalkConnection, walkTask } from './walkTask.ts';

// A worker of a parallel audit walk (parallelWalk.ts): it walks the ranges it is sent, one at a
// time, answering each, on one connection, until the walk ends the thread (and the connection,
// idle between ranges, with it).
const connection = new WalkConnection();
parentPort?.on('message', (task: RangeTask) => {
  void walkTask(task, connection).then((outcome) => parentPort?.postMessage(outcome));
});
// Loaded: the walk sends ranges from now on (until then its own thread walks them).
parentPort?.postMessage({ ready: true });
