import { scimBad } from './errors.ts';
import { type FilterNode, type FilterValue, parseFilter } from './filter.ts';

/** A PATCH path resolved against a resource's schemas. */
export interface PatchPath {
  /** Key on the resource: a core attribute, or an extension URN. */
  top: string;
  /** For an extension: the attribute inside it; for a core attribute: a sub-attribute. */
  attr: string | null;
  /** Sub-attribute of an extension attribute or of the elements a filter selects. */
  sub: string | null;
  /** `emails[type eq "work"]`: which elements of a multi-valued attribute. */
  filter: FilterNode | null;
}

const PATH = /^([A-Za-z][A-Za-z0-9_$-]*)(?:\[(.*)\])?(?:\.([A-Za-z][A-Za-z0-9_$-]*))?$/s;

/**
 * Parses a PATCH path (RFC 7644 §3.5.2): `attr`, `attr.sub`, `attr[filter]`,
 * `attr[filter].sub`, each optionally behind a schema URN. `coreUrn` is stripped;
 * `extensions` become `top`. Anything else is 400 invalidPath.
 */
export function parsePatchPath(path: string, coreUrn: string, extensions: string[]): PatchPath {
  const lower = path.toLowerCase();
  let rest = path;
  if (lower.startsWith(`${coreUrn.toLowerCase()}:`)) rest = path.slice(coreUrn.length + 1);
  else {
    const urn = extensions.find(
      (u) => lower === u.toLowerCase() || lower.startsWith(`${u.toLowerCase()}:`),
    );
    if (urn) {
      if (lower === urn.toLowerCase()) return { top: urn, attr: null, sub: null, filter: null };
      const [attr = '', sub = null] = path.slice(urn.length + 1).split('.');
      if (!/^[A-Za-z][A-Za-z0-9_$-]*$/.test(attr))
        throw scimBad('invalidPath', `Invalid path ${path}`);
      return { top: urn, attr, sub, filter: null };
    }
    if (lower.startsWith('urn:')) throw scimBad('invalidPath', `Unknown schema in path ${path}`);
  }
  const match = PATH.exec(rest);
  if (!match?.[1]) throw scimBad('invalidPath', `Invalid path ${path}`);
  const [, top, filterText, sub] = match;
  if (filterText === undefined) return { top, attr: sub ?? null, sub: null, filter: null };
  let filter: FilterNode;
  try {
    filter = parseFilter(filterText);
  } catch {
    throw scimBad('invalidPath', `Invalid value filter in path ${path}`);
  }
  return { top, attr: null, sub: sub ?? null, filter };
}

function fieldOf(element: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  const key = Object.keys(element).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : element[key];
}

function compareValues(actual: unknown, op: string, expected: FilterValue): boolean {
  if (expected === null) return op === 'eq' ? actual == null : actual != null;
  const a = typeof actual === 'string' ? actual.toLowerCase() : actual;
  const e = typeof expected === 'string' ? expected.toLowerCase() : expected;
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return typeof a === 'string' && a.includes(String(e));
    case 'sw':
      return typeof a === 'string' && a.startsWith(String(e));
    case 'ew':
      return typeof a === 'string' && a.endsWith(String(e));
    case 'gt':
      return a != null && e != null && (a as number) > (e as number);
    case 'ge':
      return a != null && e != null && (a as number) >= (e as number);
    case 'lt':
      return a != null && e != null && (a as number) < (e as number);
    default:
      return a != null && e != null && (a as number) <= (e as number);
  }
}

/** Whether one element of a multi-valued attribute matches a value filter (in memory). */
export function matchesElement(element: unknown, filter: FilterNode): boolean {
  if (!element || typeof element !== 'object') return false;
  const object = element as Record<string, unknown>;
  switch (filter.kind) {
    case 'and':
      return matchesElement(object, filter.left) && matchesElement(object, filter.right);
    case 'or':
      return matchesElement(object, filter.left) || matchesElement(object, filter.right);
    case 'not':
      return !matchesElement(object, filter.expr);
    case 'present': {
      const value = fieldOf(object, filter.path);
      return value !== undefined && value !== null && value !== '';
    }
    case 'compare':
      return compareValues(fieldOf(object, filter.path), filter.op, filter.value);
  }
}

/** `type eq "work"` → { type: "work" }: what a new element must carry to match the filter. */
export function seedOf(filter: FilterNode): Record<string, unknown> {
  if (filter.kind === 'compare' && filter.op === 'eq') return { [filter.path]: filter.value };
  if (filter.kind === 'and') return { ...seedOf(filter.left), ...seedOf(filter.right) };
  return {};
}
