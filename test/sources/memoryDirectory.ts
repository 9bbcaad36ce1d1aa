import type {
  DirectoryRead,
  DirectoryReader,
  ReadMode,
  SourcePerson,
  SyncCursor,
} from '../../server/sources/types.ts';

let counter = 0;

/** A source person with sensible defaults (a test double's data, not a fake database). */
export function sourcePerson(overrides: Partial<SourcePerson> = {}): SourcePerson {
  counter += 1;
  const n = `${Date.now().toString(36)}${counter}`;
  return {
    externalId: `guid-${n}`,
    locator: `CN=Person ${n},OU=People,DC=corp,DC=example,DC=test`,
    username: `p${n}`,
    familyName: `Петров${counter}`,
    givenName: 'Пётр',
    middleName: null,
    displayName: null,
    email: `p${n}@corp.example`,
    phone: null,
    title: null,
    department: null,
    employeeId: null,
    disabled: false,
    groups: [],
    ...overrides,
  };
}

/**
 * An in-memory directory with AD-like cursors (invocationId + a USN per change): the test double
 * of the LDAP reader only. Everything the engine writes goes to the real database.
 */
export class MemoryDirectory implements DirectoryReader {
  private readonly people = new Map<string, { person: SourcePerson; usn: number }>();
  private usn = 0;
  invocationId = 'inv-1';
  pageSize = 3;
  /** Throw after this many pages were delivered (a DC dying mid-read). */
  failAfterPages: number | null = null;
  /** Reads wait for this before the first page (to hold a run open). */
  gate: Promise<void> | null = null;
  reads: { mode: ReadMode; since: SyncCursor | null | undefined }[] = [];
  /** Group DN (lower case) → the USN of its last membership change (see moveQuietly). */
  private readonly groupUsns = new Map<string, number>();
  /** External ids asked for through readPeople, per call. */
  readPeopleCalls: string[][] = [];
  /** readPeople throws (a DC dying after the pages). */
  failReadPeople = false;

  /** Adds or replaces people (a change bumps their USN). */
  put(...people: SourcePerson[]): void {
    for (const person of people) {
      this.usn += 1;
      this.people.set(person.externalId, { person: { ...person }, usn: this.usn });
    }
  }

  /** Changes one person. */
  change(externalId: string, patch: Partial<SourcePerson>): void {
    const entry = this.people.get(externalId);
    if (!entry) throw new Error(`no ${externalId}`);
    this.put({ ...entry.person, ...patch });
  }

  /**
   * Sets a person's groups the way AD records a membership change: the GROUPS get a new USN,
   * the person does not (memberOf is a back link), so only the group shows as changed.
   */
  moveQuietly(externalId: string, groups: string[]): void {
    const entry = this.people.get(externalId);
    if (!entry) throw new Error(`no ${externalId}`);
    const before = entry.person.groups;
    entry.person = { ...entry.person, groups: [...groups] };
    this.usn += 1;
    for (const group of [...before, ...groups]) this.groupUsns.set(group.toLowerCase(), this.usn);
  }

  /** The current entries of the given people (those still in the directory). */
  async *readPeople(externalIds: readonly string[]): AsyncIterable<SourcePerson[]> {
    this.readPeopleCalls.push([...externalIds]);
    if (this.failReadPeople) throw new Error('connection reset by the directory');
    const found = externalIds.flatMap((id) => {
      const entry = this.people.get(id);
      return entry ? [{ ...entry.person }] : [];
    });
    for (let index = 0; index < found.length; index += this.pageSize)
      yield found.slice(index, index + this.pageSize);
  }

  /** Deletes people (a full read no longer returns them). */
  remove(...externalIds: string[]): void {
    for (const id of externalIds) this.people.delete(id);
  }

  /** Empties the directory (a filter that suddenly matches nothing). */
  clear(): void {
    this.people.clear();
  }

  async read(options: { mode: ReadMode; since?: SyncCursor | null }): Promise<DirectoryRead> {
    this.reads.push({ mode: options.mode, since: options.since });
    const since = Number(options.since?.highestCommittedUsn ?? 0);
    const cursor: SyncCursor = {
      invocationId: this.invocationId,
      highestCommittedUsn: String(this.usn),
    };
    // Incremental, like the LDAP reader: people changed since, and the current members of the
    // groups whose membership changed since.
    const changedGroups = [...this.groupUsns]
      .filter(([, usn]) => options.mode === 'incremental' && usn > since)
      .map(([group]) => group);
    const entries = [...this.people.values()]
      .filter(
        (entry) =>
          options.mode === 'full' ||
          entry.usn > since ||
          entry.person.groups.some((group) => changedGroups.includes(group.toLowerCase())),
      )
      .map((entry) => entry.person);
    const { pageSize, failAfterPages, gate } = this;
    async function* pages(): AsyncIterable<SourcePerson[]> {
      if (gate) await gate;
      let delivered = 0;
      for (let index = 0; index < entries.length; index += pageSize) {
        if (failAfterPages !== null && delivered >= failAfterPages)
          throw new Error('connection reset by the directory');
        delivered += 1;
        yield entries.slice(index, index + pageSize);
      }
      if (failAfterPages !== null && delivered >= failAfterPages && entries.length === 0)
        throw new Error('connection reset by the directory');
    }
    return { mode: options.mode, cursor, pages: pages(), changedGroups: () => changedGroups };
  }
}
