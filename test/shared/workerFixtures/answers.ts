// A worker entry for workerModule.test.ts: a project module (bundled) and a package (imported
// from node_modules by its file URL) both at work in the worker.
import { parentPort } from 'node:worker_threads';
import { stringify } from 'yaml';
import { cutText } from '../../../server/shared/text.ts';

parentPort?.postMessage({
  yaml: stringify({ cut: cutText('Сотрудник отдела кадров', 9) }),
  stack: new Error('where').stack,
});
