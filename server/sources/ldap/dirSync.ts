import {
  Ber,
  type BerReader,
  BerWriter,
  type Client,
  Control,
  EqualityFilter,
  OrFilter,
} from 'ldapts';
import { dnMatchKey } from '../../shared/dn.ts';
import { EXTENDED_DN_OID, type ExtendedMember, extendedMember } from './filterGroups.ts';
import { valueTexts } from './values.ts';

/**
 * AD's DirSync control (LDAP_SERVER_DIRSYNC_OID), asked for the changed values of the groups
 * the user filter requires: who was added to or removed from an access group since the last
 * ask, instead of the whole member list each time (10,000 values in 7 ranged reads at 10,000
 * people; docs/decisions.md "The access group's changes by DirSync").
 */
const DIRSYNC_OID = '1.2.840.113556.1.4.841';

/**
 * LDAP_DIRSYNC_OBJECT_SECURITY: the changes of what the service account may read, with no
 * replication right ("Replicating Directory Changes", which security teams rarely grant).
 */
const OBJECT_SECURITY = 0x1;

/**
 * LDAP_DIRSYNC_INCREMENTAL_VALUES: a linked attribute's changed values only, added ones as
 * `member;range=1-1` and removed ones as `member;range=0-0`.
 */
const INCREMENTAL_VALUES = 0x80000000;

// The most a response may carry; the DC caps it by its own policy, then says there is more.
const MAX_BYTES = 0x7fffffff;

/** A changed value's attribute: `member;range=1-1` (added) or `member;range=0-0` (removed). */
const CHANGED_VALUE = /^member;range=([01])-\1$/i;

/**
 * LDAP result codes of a DC that will not answer DirSync as asked (an old or other server, a
 * policy): protocolError, unavailableCriticalExtension, insufficientAccessRights,
 * unwillingToPerform. The caller reads the member lists in full instead.
 */
const REFUSED = new Set([2, 12, 50, 53]);

/** Whether an error says the DC refuses DirSync (REFUSED), not that it failed. */
export function dirSyncRefused(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && REFUSED.has(code);
}

/** The request, and (parsed into the same object by ldapts) the response's cookie. */
class DirSyncControl extends Control {
  /** Whether the DC has more changes than it sent: ask again with the new cookie. */
  more = false;

  constructor(public cookie: Buffer) {
    super(DIRSYNC_OID, { critical: true });
  }

  override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    // A 32-bit flags word: INCREMENTAL_VALUES is its sign bit.
    value.writeInt(OBJECT_SECURITY | INCREMENTAL_VALUES | 0);
    value.writeInt(MAX_BYTES);
    value.writeBuffer(this.cookie, Ber.OctetString);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }

  override parseControl(reader: BerReader): void {
    if (!reader.readSequence()) return;
    this.more = (reader.readInt() ?? 0) !== 0;
    reader.readInt();
    this.cookie = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
  }
}

/** What the groups' member values did since a cookie. */
export interface MemberChanges {
  /** Where the next ask continues from (keep it once these changes were acted on). */
  cookie: Buffer;
  /**
   * Per group (by dnMatchKey of its DN), the members added since the cookie; without a
   * cookie, every member. A group absent here sent nothing: unchanged, or (without a cookie)
   * not readable.
   */
  added: Map<string, ExtendedMember[]>;
  /** The members removed since the cookie from any of the groups (none without a cookie). */
  removed: ExtendedMember[];
  /**
   * Per group, a whole member list sent as plain `member` values (a DC that did not take the
   * incremental flag for it): the group's members now, not a change.
   */
  listed: Map<string, ExtendedMember[]>;
}

/**
 * The changes of the `member` values of the groups `groupDns` since `cookie` (null: every
 * member, and a first cookie): DirSync searches of the domain's naming context, asked again
 * while the DC says there is more. Each value comes with its objectGUID (extended DN control),
 * so no search of the people is needed. Throws what the DC answers; see dirSyncRefused().
 */
export async function memberChangesSince(
  client: Client,
  domain: string,
  groupDns: readonly string[],
  cookie: Buffer | null,
): Promise<MemberChanges> {
  const control = new DirSyncControl(cookie ?? Buffer.alloc(0));
  const filter = new OrFilter({
    filters: groupDns.map(
      (dn) => new EqualityFilter({ attribute: 'distinguishedName', value: dn }),
    ),
  });
  const added = new Map<string, ExtendedMember[]>();
  const removed: ExtendedMember[] = [];
  const listed = new Map<string, ExtendedMember[]>();
  do {
    // A DC that says there is more must move its cookie on, or the ask would never end.
    const before = control.cookie;
    const { searchEntries } = await client.search(
      domain,
      { scope: 'sub', filter, attributes: ['member'] },
      [control, new Control(EXTENDED_DN_OID, { critical: true })],
    );
    for (const entry of searchEntries) {
      // The entry's own DN comes extended too.
      const group = extendedMember(domain, entry.dn).dn;
      const key = dnMatchKey(group);
      const into = added.get(key) ?? [];
      added.set(key, into);
      // DirSync also sends the entry's objectGUID and instanceType, whatever was asked for.
      for (const [name, raw] of Object.entries(entry)) {
        const change = CHANGED_VALUE.exec(name);
        const plain = name.toLowerCase() === 'member';
        if (!change && !plain) continue;
        const members = valueTexts(raw).map((value) => extendedMember(group, value));
        if (change?.[1] === '1') into.push(...members);
        else if (change) removed.push(...members);
        // ldapts gives an attribute asked for and not sent as an empty list.
        else if (members.length > 0) listed.set(key, [...(listed.get(key) ?? []), ...members]);
      }
    }
    if (control.more && control.cookie.equals(before))
      throw new Error('DirSync: the DC said there is more without moving its cookie');
  } while (control.more);
  return { cookie: control.cookie, added, removed, listed };
}
