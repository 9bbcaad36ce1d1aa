import { randomUUID } from 'node:crypto';
import type { Role } from '../authz/roles.ts';
import { rankOf } from '../authz/roles.ts';
import type { Source, UserStatus } from '../directory/entities.ts';
import {
  ENGLISH_FAMILY_NAMES,
  ENGLISH_FEMALE_NAMES,
  ENGLISH_MALE_NAMES,
  ENGLISH_TITLES,
  feminineFamilyName,
  RUSSIAN_FAMILY_NAMES,
  RUSSIAN_FEMALE_NAMES,
  RUSSIAN_MALE_NAMES,
  RUSSIAN_TITLES,
  transliterate,
} from './names.ts';
import type { Random } from './random.ts';

/** The e-mail domain of the demo company (a reserved `.example` name). */
export const DEMO_EMAIL_DOMAIN = 'nordwind.example';

/** One generated person, in the shape the bulk insert reads (jsonb_to_recordset). */
export interface DemoPerson {
  id: string;
  username: string;
  familyName: string;
  givenName: string;
  middleName: string | null;
  displayName: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  organizationId: string | null;
  status: UserStatus;
  statusChangedAt: string | null;
  statusChangedById: string | null;
  statusReason: string | null;
  role: Role | null;
  rank: number;
  addedById: string | null;
  initiatedBy: string | null;
  source: Source;
  createdAt: string;
}

/** Values already taken in the database, so a second (`--force`) run stays unique. */
export interface TakenValues {
  usernames: Set<string>;
  emails: Set<string>;
  phones: Set<string>;
}

const DEACTIVATION_REASONS = [
  'Увольнение по собственному желанию',
  'Перевод в другую компанию группы',
  'Окончание срока договора',
  'Длительный отпуск',
  'Заявка HR на блокировку',
  'Contract ended',
];

const DAY_MS = 86_400_000;

/**
 * Makes people one at a time with unique usernames, e-mails and phones: 80% Russian names
 * (with patronymics and feminine family-name forms), 20% English names; mostly active.
 */
export class PersonFactory {
  private readonly now: number;

  constructor(
    private readonly rng: Random,
    private readonly taken: TakenValues,
    now: Date,
  ) {
    this.now = now.getTime();
  }

  /** A new person in `organizationId`; `operators` are back-office people who add and deactivate. */
  make(organizationId: string | null, role: Role | null, operators: readonly string[]): DemoPerson {
    const { rng } = this;
    const female = rng.chance(0.5);
    const russian = rng.chance(0.8);
    let familyName: string;
    let givenName: string;
    let middleName: string | null = null;
    if (russian) {
      const family = rng.pick(RUSSIAN_FAMILY_NAMES);
      familyName = female ? feminineFamilyName(family) : family;
      const father = rng.pick(RUSSIAN_MALE_NAMES);
      givenName = female ? rng.pick(RUSSIAN_FEMALE_NAMES) : rng.pick(RUSSIAN_MALE_NAMES)[0];
      middleName = female ? father[2] : father[1];
    } else {
      familyName = rng.pick(ENGLISH_FAMILY_NAMES);
      givenName = female ? rng.pick(ENGLISH_FEMALE_NAMES) : rng.pick(ENGLISH_MALE_NAMES);
    }
    const username = this.username(givenName, familyName);
    const email = rng.chance(0.95) ? this.email(username) : null;
    const createdAt = this.now - rng.int(1, 3 * 365) * DAY_MS - rng.int(0, DAY_MS);
    const status: UserStatus =
      role !== null
        ? 'active'
        : rng.weighted([
            ['active', 88],
            ['pending', 5],
            ['deactivated', 7],
          ]);
    const deactivated = status === 'deactivated';
    const changedAt = deactivated ? createdAt + rng.next() * (this.now - createdAt) : null;
    const source: Source = rng.chance(0.75) ? 'manual' : 'import';
    return {
      id: randomUUID(),
      username,
      familyName,
      givenName,
      middleName,
      displayName: `${givenName} ${familyName}`,
      email,
      phone: rng.chance(0.93) ? this.phone() : null,
      title: rng.chance(0.9) ? rng.pick(russian ? RUSSIAN_TITLES : ENGLISH_TITLES) : null,
      organizationId,
      status,
      statusChangedAt: changedAt === null ? null : new Date(changedAt).toISOString(),
      statusChangedById: deactivated && operators.length > 0 ? rng.pick(operators) : null,
      statusReason: deactivated ? rng.pick(DEACTIVATION_REASONS) : null,
      role,
      rank: rankOf(role),
      addedById: source === 'manual' && operators.length > 0 ? rng.pickSkewed(operators) : null,
      initiatedBy: rng.chance(0.3) ? this.request() : null,
      source,
      createdAt: new Date(createdAt).toISOString(),
    };
  }

  private username(givenName: string, familyName: string): string {
    const given = transliterate(givenName);
    const family = transliterate(familyName);
    const candidates = [`${given.slice(0, 1)}.${family}`, `${given}.${family}`];
    for (let n = 2; ; n++) {
      const candidate = candidates.shift() ?? `${given}.${family}${n}`;
      if (!this.taken.usernames.has(candidate) && !this.taken.emails.has(this.address(candidate))) {
        this.taken.usernames.add(candidate);
        return candidate;
      }
    }
  }

  private address(username: string): string {
    return `${username}@${DEMO_EMAIL_DOMAIN}`;
  }

  private email(username: string): string {
    const email = this.address(username);
    this.taken.emails.add(email);
    return email;
  }

  /** A unique Russian mobile number in E.164: +79XXXXXXXXX. */
  private phone(): string {
    for (;;) {
      const phone = `+79${this.rng.int(0, 999_999_999).toString().padStart(9, '0')}`;
      if (!this.taken.phones.has(phone)) {
        this.taken.phones.add(phone);
        return phone;
      }
    }
  }

  private request(): string {
    return this.rng.chance(0.6)
      ? `HR-${this.rng.int(2023, 2026)}-${this.rng.int(1, 99_999).toString().padStart(5, '0')}`
      : `SD-${this.rng.int(100_000, 999_999)}`;
  }
}
