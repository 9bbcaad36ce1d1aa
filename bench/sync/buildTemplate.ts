/**
 * `BENCH_LDAP_CACHE=/work/.cache npx tsx bench/sync/buildTemplate.ts 1000000`: builds (once) the
 * OpenLDAP template of that many synthetic people, streaming its LDIF into slapadd's file, so a
 * benchmark run later starts from a copy. Prints how long it took.
 */
import { buildOpenLdapTemplate } from '../../test/support/openldap.ts';
import { streamBenchLdif, templateFolder } from './openLdapDirectory.ts';

const people = Number(process.argv[2] ?? '1000000');
const started = performance.now();
const folder = templateFolder(people);
await buildOpenLdapTemplate(folder, { stream: (out) => streamBenchLdif(out, people) });
console.log(
  `template of ${people} in ${folder}: ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
