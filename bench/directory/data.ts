import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAuditHistory } from '../../server/demo/auditHistory.ts';
import { seedDemo } from '../../server/demo/command.ts';
import type { Services } from '../../server/shared/services.ts';
import { secondsSince } from '../support/stats.ts';

/** How the data set was built (kept in bench/.data/directory/state.json, reported on reuse). */
export interface DataState {
  people: number;
  auditEvents: number;
  builtAt: string;
  peopleSeconds: number;
  auditSeconds: number;
  analyzeSeconds: number;
}

/** The default size of the data set (`--people` changes the people, not the audit events). */
export const PEOPLE = 100_000;
export const AUDIT_EVENTS = 1_000_000;

/**
 * The data set's directory name under bench/.data: `directory` for the default 100,000 people
 * (so existing clusters stay reused), `directory-<people>` for any other size.
 */
export function dataSetName(people: number): string {
  return people === PEOPLE ? 'directory' : `directory-${people}`;
}

function stateFile(dir: string): string {
  return join(dir, 'state.json');
}

/** The state of a complete data set in `dir`, or null (none, or an interrupted build). */
export function readState(dir: string, people = PEOPLE): DataState | null {
  const path = stateFile(dir);
  if (!existsSync(path)) return null;
  const state = JSON.parse(readFileSync(path, 'utf8')) as DataState;
  return state.people === people && state.auditEvents === AUDIT_EVENTS ? state : null;
}

/**
 * Generates `peopleCount` people (100,000 by default) and 1,000,000 audit events set-based (the
 * seed-demo generator: one multi-row INSERT … SELECT per 5,000 rows; the audit history
 * generator), then VACUUM ANALYZE; times each step and records it.
 */
export async function buildData(
  services: Services,
  dir: string,
  log: (line: string) => void,
  peopleCount = PEOPLE,
): Promise<DataState> {
  let start = performance.now();
  const people = await seedDemo(services, { people: peopleCount, seed: 1, actorLabel: 'bench' });
  const peopleSeconds = secondsSince(start);
  log(
    `  ${people.people} people, ${people.organizations} organizations, ${people.spaces} spaces, ${people.memberships} memberships: ${peopleSeconds.toFixed(1)} s`,
  );
  start = performance.now();
  let lastLog = 0;
  await generateAuditHistory(services.pool, {
    count: AUDIT_EVENTS,
    seed: 2,
    onProgress: (written) => {
      if (written - lastLog >= 100_000) {
        lastLog = written;
        log(`  ${written} audit events, ${secondsSince(start).toFixed(1)} s`);
      }
    },
  });
  const auditSeconds = secondsSince(start);
  log(`  ${AUDIT_EVENTS} audit events: ${auditSeconds.toFixed(1)} s`);
  start = performance.now();
  await services.pool.query('vacuum analyze');
  const analyzeSeconds = secondsSince(start);
  const state: DataState = {
    people: peopleCount,
    auditEvents: AUDIT_EVENTS,
    builtAt: new Date().toISOString(),
    peopleSeconds,
    auditSeconds,
    analyzeSeconds,
  };
  writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
  return state;
}
