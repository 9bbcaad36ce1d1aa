import { scimBad } from './errors.ts';

type Json = Record<string, unknown>;

/** Attributes a client may send but never set. */
export const READ_ONLY = new Set(['id', 'meta', 'schemas']);

/** The attributes of a resource type PATCH and bodies may name (lower-case → canonical). */
export interface ResourceSchema {
  coreUrn: string;
  /** Core attributes; `multi` for multi-valued ones. */
  core: Map<string, { name: string; multi: boolean }>;
  /** Extension URN → its attribute names (lower-case → canonical). */
  extensions: Map<string, Map<string, string>>;
}

/** Builds a ResourceSchema from attribute name lists. */
export function resourceSchema(
  coreUrn: string,
  single: string[],
  multi: string[],
  extensions: Record<string, string[]>,
): ResourceSchema {
  const core = new Map<string, { name: string; multi: boolean }>();
  for (const name of single) core.set(name.toLowerCase(), { name, multi: false });
  for (const name of multi) core.set(name.toLowerCase(), { name, multi: true });
  return {
    coreUrn,
    core,
    extensions: new Map(
      Object.entries(extensions).map(([urn, names]) => [
        urn,
        new Map(names.map((name) => [name.toLowerCase(), name])),
      ]),
    ),
  };
}

/**
 * Checks a POST / PUT body's attribute names against the schema (unknown → 400 invalidValue)
 * and renames them to their canonical case (attribute names are case-insensitive).
 */
export function canonicalBody(body: unknown, schema: ResourceSchema): Json {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw scimBad('invalidSyntax', 'The body must be a JSON object');
  const out: Json = {};
  for (const [key, value] of Object.entries(body as Json)) {
    const lower = key.toLowerCase();
    if (READ_ONLY.has(lower)) out[lower] = value;
    else if (schema.core.has(lower)) out[(schema.core.get(lower) as { name: string }).name] = value;
    else {
      const urn = [...schema.extensions.keys()].find((u) => u.toLowerCase() === lower);
      if (!urn) throw scimBad('invalidValue', `Unknown attribute ${key}`);
      out[urn] = value;
    }
  }
  return out;
}
