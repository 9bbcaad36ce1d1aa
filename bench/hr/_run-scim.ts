import { runScimBench } from './scim.ts';
console.log(JSON.stringify(await runScimBench(), null, 2));
