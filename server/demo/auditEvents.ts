import type { AuditEventInput } from '../audit/actions.ts';
import { RUSSIAN_TITLES } from './names.ts';
import type { Random } from './random.ts';

/** The people, operators and spaces audit history is written about. */
export interface HistoryCast {
  operators: { id: string; label: string; role: string }[];
  people: { id: string; label: string; username: string | null }[];
  spaces: { id: string; label: string }[];
}

/** Who did it, in the stored form of the audit columns. */
export interface HistoryActor {
  id: string | null;
  label: string;
  role: string | null;
  ip: string | null;
  userAgent: string | null;
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) YaBrowser/24.10 Safari/537.36',
];

const WHAT = [
  ['user.viewed', 24],
  ['user.listed', 12],
  ['auth.login_succeeded', 10],
  ['user.updated', 12],
  ['hr.updated', 8],
  ['user.created', 5],
  ['user.deactivated', 3],
  ['user.activated', 1],
  ['space.member_added', 6],
  ['space.member_removed', 2],
  ['auth.login_failed', 2],
  ['user.role_changed', 0.5],
  ['denied', 1],
  ['audit.listed', 3],
  ['audit.exported', 0.5],
  ['user.enrollment_link_issued', 1],
  ['user.2fa_reset', 0.5],
  ['user.sessions_revoked', 0.5],
] as const;

const QUERIES = ['иван', 'петров', 'smith', '916', 'ольга', 'отдел', 'семён', '+7 903'];
const REASONS = ['Увольнение', 'Заявка HR', 'Потерян телефон', 'Переход в другой отдел'];

function operatorActor(cast: HistoryCast, rng: Random): HistoryActor {
  const index = Math.floor(rng.next() ** 2 * cast.operators.length);
  const operator = cast.operators[index];
  if (!operator) return { id: null, label: 'system', role: null, ip: null, userAgent: null };
  return {
    id: operator.id,
    label: operator.label,
    role: operator.role,
    ip: `10.${(index >> 8) & 255}.${index & 255}.${10 + (index % 200)}`,
    userAgent: USER_AGENTS[index % USER_AGENTS.length] ?? null,
  };
}

/** One random, plausible audit event and its actor. */
export function auditEventFor(
  cast: HistoryCast,
  rng: Random,
): { actor: HistoryActor; event: AuditEventInput } {
  const person = rng.pick(cast.people);
  const user = { targetType: 'user', targetId: person.id, targetLabel: person.label };
  const space = cast.spaces.length > 0 ? rng.pick(cast.spaces) : null;
  const what = rng.weighted(WHAT);
  const actor = operatorActor(cast, rng);
  switch (what) {
    case 'user.listed':
      return { actor, event: { action: what, details: { q: rng.pick(QUERIES), limit: 25 } } };
    case 'auth.login_succeeded':
      return {
        actor,
        event: {
          action: what,
          targetType: 'user',
          targetId: actor.id ?? undefined,
          targetLabel: actor.label,
        },
      };
    case 'auth.login_failed':
      return {
        actor: { ...actor, id: null, label: 'anonymous', role: null },
        event: {
          action: what,
          outcome: 'failure',
          reason: 'invalid_credentials',
          details: { username: person.username },
        },
      };
    case 'user.updated':
    case 'hr.updated': {
      const diff = {
        before: { title: rng.pick(RUSSIAN_TITLES) },
        after: { title: rng.pick(RUSSIAN_TITLES) },
      };
      if (what === 'user.updated') return { actor, event: { action: what, ...user, diff } };
      const hr: HistoryActor = {
        id: null,
        label: 'source:hr',
        role: null,
        ip: null,
        userAgent: null,
      };
      return { actor: hr, event: { action: 'user.updated', ...user, diff } };
    }
    case 'user.deactivated':
    case 'user.activated': {
      const [before, after] =
        what === 'user.deactivated' ? ['active', 'deactivated'] : ['deactivated', 'active'];
      const reason = what === 'user.deactivated' ? rng.pick(REASONS) : null;
      return {
        actor,
        event: {
          action: what,
          ...user,
          reason,
          diff: { before: { status: before }, after: { status: after } },
        },
      };
    }
    case 'user.role_changed':
      return {
        actor,
        event: {
          action: what,
          ...user,
          diff: { before: { role: null }, after: { role: 'staff' } },
        },
      };
    case 'denied':
      return {
        actor,
        event: {
          action: 'user.role_changed',
          outcome: 'denied',
          ...user,
          details: { code: 'forbidden', message: 'You may not change this role' },
        },
      };
    case 'space.member_added':
    case 'space.member_removed':
      if (!space) return { actor, event: { action: 'user.viewed', ...user } };
      return {
        actor,
        event: {
          action: what,
          targetType: 'space',
          targetId: space.id,
          targetLabel: space.label,
          details: { userId: person.id },
        },
      };
    case 'audit.listed':
    case 'audit.exported':
      return { actor, event: { action: what, details: { filter: { targetId: person.id } } } };
    default:
      return { actor, event: { action: what, ...user } };
  }
}
