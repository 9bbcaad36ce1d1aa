// A worker entry workerModuleUrl must refuse: in a data: URL import.meta.url names the bundle.
import { parentPort } from 'node:worker_threads';

parentPort?.postMessage(new URL('.', import.meta.url).href);
