import { parentPort } from 'node:worker_threads';
import type { RangeTask } from './walkProtocol.ts';
import { walkTask } from './walkTask.ts';

// A worker of a parallel audit walk (parallelWalk.ts): it walks the ranges it is sent, one at a
// time, answering each, until the walk closes its port.
parentPort?.on('message', (task: RangeTask) => {
  void walkTask(task).then((outcome) => parentPort?.postMessage(outcome));
});
// Loaded: the walk sends ranges from now on (until then its own thread walks them).
parentPort?.postMessage({ ready: true });
