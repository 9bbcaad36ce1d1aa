import fc from 'fast-check';

/**
 * Generators for the fuzz tests (issue 12): values drawn from an OpenAPI/JSON Schema, mixed with
 * hostile ones (NUL, C0 controls, unpaired surrogates, very long text, wrong types, huge numbers,
 * nested junk, unknown fields).
 */

/** A JSON Schema node as the OpenAPI document carries it (zod's toJSONSchema output). */
export type Schema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
};

/** Real ids of existing objects, by what they identify, so that handlers go deep. */
export interface IdPool {
  uuids: string[];
  numbers: string[];
}

/** Strings no handler should ever turn into a 5xx. */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udbff',
  '\u0007bell',
  '\u001b[31mred',
  'tab\there',
  'line\nbreak\r\n',
  '\u007f\u0085\u009f',
  '\u2028\u2029',
  '\u202eRTL',
  '\ufeffBOM',
  '\uffff\ufffe',
  "' OR 1=1 --",
  '*)(uid=*))(|(uid=*',
  '%00',
  '%',
  '\\',
  '"',
  '../../etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal log4j-style lookup is the point
  '${jndi:ldap://x}',
  '=HYPERLINK("x")',
  '',
  ' ',
  'я'.repeat(5_000),
  'x'.repeat(70_000),
  '😀'.repeat(300),
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '-1',
  '0',
  '99999999999999999999999',
  '1e999',
  'NaN',
  'true',
  'null',
  '2026-02-30',
  '2026-12-04T25:61:61Z',
  '+7 (999) 000-00-00\u0000',
];

/** Hostile strings, short enough for a query string or a path (Node refuses >16 KB of headers). */
export const hostileText = fc.constantFrom(...HOSTILE_STRINGS);
const shortHostileText = fc.constantFrom(...HOSTILE_STRINGS.filter((text) => text.length < 600));

/** Values of the wrong type or out of every range. */
const hostileScalar = fc.constantFrom<unknown>(
  1e308,
  -1e308,
  -1,
  0,
  2 ** 53 + 1,
  1.5,
  -0.5,
  true,
  false,
  null,
  [],
  {},
  JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  { constructor: { prototype: { polluted: true } } },
  [[[[[['deep']]]]]],
  ['\u0000'],
  { '\u0000': 1 },
  { '\ud800': 'key' },
);

/** Any hostile JSON value: text, a wrong type, or random nested junk. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 3, arbitrary: hostileScalar },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Hostile query or path values (text only: that is all a URL carries). */
export const hostileParam = fc.oneof(
  { weight: 4, arbitrary: shortHostileText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** Request bodies that are not what the schema says, sent raw. */
export const MALFORMED_BODIES: readonly string[] = [
  '{',
  '{"a":',
  'null',
  '[]',
  '"text"',
  '123',
  'true',
  '{"a":"\\u0000"}',
  '{"name":"\\ud800"}',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":true}}',
  '\u0000',
  '\ufeff{}',
  `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
  `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
  '{"n":1e999}',
  '{"n":-0}',
  `{"s":"${'x'.repeat(300_000)}"}`,
];

/** Content types the JSON API does not take (or takes with a charset it does not read). */
export const WRONG_CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/scim+json',
  '',
];

function typesOf(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

function stringFor(schema: Schema, pool: IdPool): fc.Arbitrary<string> {
  const max = Math.min(schema.maxLength ?? 40, 40);
  const min = Math.min(schema.minLength ?? 0, max);
  if (schema.format === 'uuid') {
    return pool.uuids.length > 0
      ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool.uuids) }, fc.uuid())
      : fc.uuid();
  }
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString());
  }
  if (schema.format === 'date') {
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString().slice(0, 10));
  }
  if (schema.pattern) {
    // Numeric ids (audit seq, delivery id) come from the pool half of the time.
    const numeric = /^\^\[1-9\]\[0-9\]/.test(schema.pattern) && pool.numbers.length > 0;
    try {
      const matching = fc.stringMatching(new RegExp(schema.pattern), { size: 'small' });
      return numeric ? fc.oneof(fc.constantFrom(...pool.numbers), matching) : matching;
    } catch {
      // A pattern fast-check cannot invert: plain text, the handler refuses it.
    }
  }
  return fc.string({ minLength: min, maxLength: max, unit: 'grapheme' });
}

/**
 * Values valid for `schema` as far as a JSON Schema can say (hostility 0), or mixed with hostile
 * values at every level with weight `hostility` (1: about one leaf in five).
 */
export function valueFor(
  schema: Schema,
  pool: IdPool,
  hostility: number,
  depth = 0,
): fc.Arbitrary<unknown> {
  const valid = validFor(schema, pool, hostility, depth);
  if (hostility === 0) return valid;
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: hostility, arbitrary: hostileValue });
}

function validFor(
  schema: Schema,
  pool: IdPool,
  hostility: number,
  depth: number,
): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.length > 0)
    return fc.oneof(...variants.map((variant) => validFor(variant, pool, hostility, depth + 1)));
  if (schema.allOf && schema.allOf.length > 0)
    return validFor(Object.assign({}, ...schema.allOf) as Schema, pool, hostility, depth + 1);
  const types = typesOf(schema);
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'string':
          return stringFor(schema, pool);
        case 'integer':
        case 'number': {
          const min = schema.minimum ?? (schema.exclusiveMinimum ?? -1_000_000) + 1;
          const max = schema.maximum ?? (schema.exclusiveMaximum ?? 1_000_000) - 1;
          const lo = Math.max(min, -1_000_000);
          const hi = Math.min(max, 1_000_000);
          return fc.integer({ min: Math.ceil(lo), max: Math.max(Math.ceil(lo), Math.floor(hi)) });
        }
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array': {
          const maxLength = Math.min(schema.maxItems ?? 4, 4);
          const minLength = Math.min(schema.minItems ?? 0, maxLength);
          return fc.array(valueFor(schema.items ?? {}, pool, hostility, depth + 1), {
            minLength,
            maxLength,
          });
        }
        case 'object':
          return objectFor(schema, pool, hostility, depth);
        default:
          return fc.jsonValue({ maxDepth: 2 });
      }
    }),
  );
}

function objectFor(
  schema: Schema,
  pool: IdPool,
  hostility: number,
  depth: number,
): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties))
    record[name] = valueFor(property, pool, hostility, depth + 1);
  const required = (schema.required ?? []).filter((name) => name in properties);
  const known = fc.record(record, { requiredKeys: required });
  if (typeof schema.additionalProperties === 'object' && Object.keys(properties).length === 0) {
    // A map (z.record): keys are data too.
    const keys =
      hostility > 0
        ? fc.oneof(fc.string({ maxLength: 12 }), shortHostileText)
        : fc.string({ maxLength: 12 });
    return fc.dictionary(keys, valueFor(schema.additionalProperties, pool, hostility, depth + 1), {
      maxKeys: 4,
    });
  }
  if (hostility === 0) return known;
  // Unknown fields, sometimes with hostile names.
  return fc
    .tuple(
      known,
      fc.option(
        fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), shortHostileText), hostileValue, {
          maxKeys: 2,
        }),
        { freq: 4 },
      ),
    )
    .map(([value, extra]) => (extra ? { ...extra, ...(value as object) } : value));
}

/**
 * Percent-encodes for a URL. An unpaired surrogate has no UTF-8 form (encodeURIComponent throws):
 * it is sent as the three CESU-8 bytes a careless client would send.
 */
export function encodeForUrl(text: string): string {
  let out = '';
  for (const char of text) {
    try {
      out += encodeURIComponent(char);
    } catch {
      const code = char.charCodeAt(0);
      const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
      out += bytes.map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    }
  }
  return out;
}

/** A query string of `[name, value]` pairs (values that are arrays repeat the name). */
export function queryString(pairs: readonly (readonly [string, unknown])[]): string {
  const parts: string[] = [];
  for (const [name, value] of pairs) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === undefined) continue;
      const text = typeof item === 'string' ? item : JSON.stringify(item);
      parts.push(`${encodeForUrl(name)}=${encodeForUrl(text ?? '')}`);
    }
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
