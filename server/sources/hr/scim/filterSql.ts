import { scimBad } from './errors.ts';
import type { CompareOp, FilterNode, FilterValue } from './filter.ts';

/**
 * How one filterable attribute reads in SQL. `expr` is the column expression; for attributes
 * compared case-insensitively it is already lower-cased (and `fold` lower-cases the value), so
 * the expression indexes of the ScimIndexes migration serve it.
 */
export type FilterColumn =
  | {
      type: 'string';
      expr: string;
      fold: boolean;
      cast?: string;
      /**
       * A folded text column (fold_search) that contains this attribute and has a trigram
       * index: `co` and `ew` use it first to find candidates, then compare exactly. One index
       * serves every attribute it contains, instead of one trigram index each.
       */
      searchable?: string;
    }
  | { type: 'uuid'; expr: string }
  | { type: 'datetime' | 'date'; expr: string }
  /** A boolean known by a condition (active: `u.status = 'active'`). */
  | { type: 'boolean'; when: string }
  /**
   * userName: `expr` is the folded userName (as sent, else the login), whose btree index serves
   * eq, sw and sorting. A person whose userName was never stored (`legacy.when`: made before it
   * was, or outside SCIM) also answers to an email-like `eq` value (Entra's UPN, Okta's login)
   * as before: their login is its local part and their email is the value; their `co` / `ew`
   * are narrowed by `legacy.searchable` (which holds the login). A stored userName has a trigram
   * index of its own (`stored`, under `stored.when`).
   */
  | {
      type: 'userName';
      expr: string;
      legacy: { when: string; login: string; email: string; searchable: string };
      stored: { when: string; expr: string };
    }
  /** A constant (emails.type is always "work"). */
  | { type: 'constant'; value: string }
  /** A custom predicate on a value ($n stands for the bound value): members.value. */
  | { type: 'exists'; sql: (param: string) => string };

/** A parameterized SQL condition: `$n` placeholders numbered from `offset + 1`. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

// ISO 8601 dates and date-times only: PostgreSQL accepts more forms than Date.parse and vice versa.
const ISO_DATE =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Escapes LIKE's wildcards (the default escape character is the backslash). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const SQL_OPS: Record<'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

/**
 * Translates a filter tree into a parameterized WHERE condition over `columns` (keys lower-case,
 * e.g. `name.familyname`, full URNs for extensions). Unknown attributes and comparisons that make
 * no sense for a type are 400 invalidFilter. Values are bound, never inlined.
 */
export function filterToSql(
  tree: FilterNode,
  columns: ReadonlyMap<string, FilterColumn>,
  offset = 0,
): SqlCondition {
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${offset + params.length}`;
  };
  const column = (path: string): FilterColumn => {
    const found = columns.get(path.toLowerCase());
    if (!found) throw scimBad('invalidFilter', `Unknown or unfilterable attribute ${path}`);
    return found;
  };

  function walk(node: FilterNode): string {
    switch (node.kind) {
      case 'and':
        return `(${walk(node.left)} and ${walk(node.right)})`;
      case 'or':
        return `(${walk(node.left)} or ${walk(node.right)})`;
      case 'not':
        // SQL's unknown must read as "no match" inside, so that not() keeps rows with nulls.
        return `(not coalesce(${walk(node.expr)}, false))`;
      case 'present':
        return present(column(node.path));
      case 'compare':
        return compare(node.path, column(node.path), node.op, node.value);
    }
  }

  function present(col: FilterColumn): string {
    switch (col.type) {
      case 'string':
      case 'userName':
        return `(${col.expr} is not null and ${col.expr} <> '')`;
      case 'uuid':
      case 'datetime':
      case 'date':
        return `(${col.expr} is not null)`;
      default:
        return 'true';
    }
  }

  function compare(path: string, col: FilterColumn, op: CompareOp, value: FilterValue): string {
    const wrong = (why: string): never => {
      throw scimBad('invalidFilter', `${path} ${op}: ${why}`);
    };
    if (value === null) {
      if (op === 'eq') return `not ${present(col)}`;
      if (op === 'ne') return present(col);
      wrong('null can only be compared with eq or ne');
    }
    switch (col.type) {
      case 'boolean': {
        if (typeof value !== 'boolean') wrong('expects true or false');
        if (op !== 'eq' && op !== 'ne') wrong('booleans support eq and ne only');
        return (op === 'eq') === value ? `(${col.when})` : `(not (${col.when}))`;
      }
      case 'userName': {
        if (typeof value === 'boolean') wrong('expects a string');
        const text = String(value).toLowerCase();
        if (op === 'eq' && text.includes('@')) {
          const { when, login, email } = col.legacy;
          const local = text.split('@')[0];
          return `(${col.expr} = ${bind(text)} or (${when} and ${login} = ${bind(local)} and ${email} = ${bind(text)}))`;
        }
        if (op === 'co' || op === 'ew') {
          const pattern = bind(op === 'co' ? `%${escapeLike(text)}%` : `%${escapeLike(text)}`);
          const { legacy, stored } = col;
          return `((${legacy.when} and ${legacy.searchable} like fold_search(${pattern}) and ${col.expr} like ${pattern}) or (${stored.when} and ${stored.expr} like ${pattern}))`;
        }
        return stringCompare(col.expr, op, text);
      }
      case 'constant':
        return stringCompare(`${bind(col.value)}::text`, op, String(value));
      case 'exists': {
        if (op !== 'eq' || typeof value !== 'string') wrong('supports eq with a string only');
        return UUID.test(value as string) ? col.sql(`${bind(value)}::uuid`) : 'false';
      }
      case 'uuid': {
        if (typeof value !== 'string') wrong('expects a string');
        if (op === 'eq' || op === 'ne') {
          if (!UUID.test(value as string)) return op === 'eq' ? 'false' : 'true';
          return `${col.expr} ${SQL_OPS[op]} ${bind((value as string).toLowerCase())}::uuid`;
        }
        return stringCompare(`${col.expr}::text`, op, (value as string).toLowerCase());
      }
      case 'datetime':
      case 'date': {
        if (
          typeof value !== 'string' ||
          !ISO_DATE.test(value) ||
          Number.isNaN(Date.parse(value as string))
        )
          wrong('expects a date-time string');
        if (!(op in SQL_OPS)) wrong('dates support eq, ne, gt, ge, lt, le');
        const cast = col.type === 'date' ? 'date' : 'timestamptz';
        return `${col.expr} ${SQL_OPS[op as keyof typeof SQL_OPS]} ${bind(value)}::${cast}`;
      }
      case 'string': {
        if (typeof value === 'boolean') wrong('expects a string');
        const text = String(value);
        return stringCompare(col.expr, op, col.fold ? text.toLowerCase() : text, col.searchable);
      }
    }
  }

  function stringCompare(expr: string, op: CompareOp, value: string, searchable?: string): string {
    // The folded column contains fold_search(value) wherever the attribute contains value
    // (fold_search maps character by character), so it can only narrow, never lose, matches.
    const narrowed = (pattern: string) =>
      searchable
        ? `(${searchable} like fold_search(${bind(pattern)}) and ${expr} like ${bind(pattern)})`
        : `${expr} like ${bind(pattern)}`;
    switch (op) {
      case 'co':
        return narrowed(`%${escapeLike(value)}%`);
      case 'sw':
        return `${expr} like ${bind(`${escapeLike(value)}%`)}`;
      case 'ew':
        return narrowed(`%${escapeLike(value)}`);
      case 'ne':
        // ne keeps people without the attribute, as RFC 7644 reads it.
        return `${expr} is distinct from ${bind(value)}`;
      default:
        return `${expr} ${SQL_OPS[op]} ${bind(value)}`;
    }
  }

  return { sql: walk(tree), params };
}
