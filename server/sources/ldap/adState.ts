import { type Client, type Filter, GreaterThanEqualsFilter, LessThanEqualsFilter } from 'ldapts';
import { formatGuid } from './guid.ts';

/** Where an AD DC's change numbers stand: read before a search, so nothing changed during it is missed. */
export interface AdReplicationState {
  /** The DC's database identity: USNs are only comparable within one invocationId. */
  invocationId: string;
  highestCommittedUsn: string;
}

function single(value: string | string[] | Buffer | Buffer[] | undefined): string | Buffer | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first ?? null;
}

/** rootDSE `highestCommittedUSN`, and the `invocationId` of the DC's NTDS Settings (`dsServiceName`). */
export async function readAdState(client: Client): Promise<AdReplicationState> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['highestCommittedUSN', 'dsServiceName'],
  });
  const root = searchEntries[0];
  const usn = single(root?.highestCommittedUSN);
  const service = single(root?.dsServiceName);
  if (usn === null || service === null)
    throw new Error('the rootDSE has no highestCommittedUSN or dsServiceName: not an AD DC?');
  const settings = await client.search(service.toString(), {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['invocationId'],
    explicitBufferAttributes: ['invocationId'],
  });
  const invocation = single(settings.searchEntries[0]?.invocationId);
  if (!Buffer.isBuffer(invocation)) throw new Error(`no invocationId on ${service.toString()}`);
  return { invocationId: formatGuid(invocation), highestCommittedUsn: usn.toString() };
}

/**
 * The DC's `highestCommittedUSN` alone (one rootDSE attribute, no second read): cheap enough to
 * ask often (the change watch's gate, accountProbe.ts). Null when the rootDSE does not say.
 */
export async function readHighestCommittedUsn(client: Client): Promise<bigint | null> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['highestCommittedUSN'],
  });
  const usn = single(searchEntries[0]?.highestCommittedUSN)?.toString() ?? '';
  return /^\d+$/.test(usn) ? BigInt(usn) : null;
}

/** A window of AD change numbers: from `from` to `to` inclusive (`to` null: no upper bound). */
export interface UsnWindow {
  from: string;
  to: string | null;
}

/** The filter terms of a USN window on `uSNChanged`, to AND with a search's own. */
export function usnWindowTerms(window: UsnWindow): Filter[] {
  return [
    new GreaterThanEqualsFilter({ attribute: 'uSNChanged', value: window.from }),
    ...(window.to === null
      ? []
      : [new LessThanEqualsFilter({ attribute: 'uSNChanged', value: window.to })]),
  ];
}
