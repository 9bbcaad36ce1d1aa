import { scimBad } from './errors.ts';
import { type FilterNode, parseFilter } from './filter.ts';

/** Largest page served; bigger counts are cut to it (RFC 7644 §3.4.2.4 allows this). */
export const MAX_COUNT = 1_000;
const DEFAULT_COUNT = 100;

/** The list parameters of GET ?query and POST /.search, validated. */
export interface ListParams {
  filter: FilterNode | null;
  /** 1-based. */
  startIndex: number;
  count: number;
  sortBy: string | null;
  descending: boolean;
  attributes: string[];
  excludedAttributes: string[];
}

function integer(value: unknown, name: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || !Number.isSafeInteger(number))
    throw scimBad('invalidValue', `${name} must be an integer`);
  return number;
}

function stringParam(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return stringParam(value[value.length - 1], name);
  if (typeof value !== 'string') throw scimBad('invalidValue', `${name} must be a string`);
  return value;
}

function list(value: unknown, name: string): string[] {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return value
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter(Boolean);
  const text = stringParam(value, name);
  return text
    ? text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : [];
}

/** Reads list parameters from a query string or a SearchRequest body. */
export function listParams(source: Record<string, unknown>): ListParams {
  const filterText = stringParam(source.filter, 'filter');
  const order = stringParam(source.sortOrder, 'sortOrder')?.toLowerCase() ?? 'ascending';
  if (order !== 'ascending' && order !== 'descending')
    throw scimBad('invalidValue', 'sortOrder must be ascending or descending');
  const startIndex = Math.max(1, integer(source.startIndex, 'startIndex') ?? 1);
  const count = Math.min(MAX_COUNT, Math.max(0, integer(source.count, 'count') ?? DEFAULT_COUNT));
  return {
    filter: filterText && filterText.trim() !== '' ? parseFilter(filterText) : null,
    startIndex,
    count,
    sortBy: stringParam(source.sortBy, 'sortBy'),
    descending: order === 'descending',
    attributes: list(source.attributes, 'attributes'),
    excludedAttributes: list(source.excludedAttributes, 'excludedAttributes'),
  };
}
