import { z } from 'zod';
import { scimBad } from './errors.ts';
import { matchesElement, parsePatchPath, seedOf } from './patchPath.ts';
import { READ_ONLY, type ResourceSchema } from './resourceSchema.ts';
import { PATCH_SCHEMA } from './urns.ts';

type Json = Record<string, unknown>;

/** One PATCH operation; `op` is case-insensitive ("Replace" from Entra). */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string | null;
  value: unknown;
}

const patchMessage = z.looseObject({
  schemas: z.array(z.string()).optional(),
  Operations: z
    .array(
      z.looseObject({
        op: z
          .string()
          .transform((op) => op.toLowerCase())
          .pipe(z.enum(['add', 'replace', 'remove'])),
        path: z.string().max(2_000).nullable().optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(1_000),
});

/** Validates a PatchOp message (400 invalidSyntax / invalidValue otherwise). */
export function patchOperations(body: unknown): PatchOperation[] {
  const parsed = patchMessage.safeParse(body);
  if (!parsed.success)
    throw scimBad('invalidSyntax', `Not a PatchOp message: ${parsed.error.issues[0]?.message}`);
  if (parsed.data.schemas && !parsed.data.schemas.includes(PATCH_SCHEMA))
    throw scimBad('invalidSyntax', `schemas must list ${PATCH_SCHEMA}`);
  return parsed.data.Operations.map((op) => ({
    op: op.op,
    path: op.path?.trim() || null,
    value: op.value,
  }));
}

export const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function keyIn(object: Json, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower) ?? name;
}

function setOrDelete(object: Json, key: string, op: PatchOperation['op'], value: unknown): void {
  const actual = keyIn(object, key);
  if (op === 'remove') delete object[actual];
  else if (op === 'add' && isObject(value) && isObject(object[actual]))
    object[actual] = { ...(object[actual] as Json), ...value };
  else object[actual] = value;
}

function asList(value: unknown): Json[] {
  const list = Array.isArray(value) ? value : [value];
  if (!list.every(isObject))
    throw scimBad('invalidValue', 'Expected objects for a multi-valued attribute');
  return list as Json[];
}

function multiValued(
  resource: Json,
  key: string,
  operation: PatchOperation,
  path: ReturnType<typeof parsePatchPath>,
): void {
  const { op, value } = operation;
  let list = Array.isArray(resource[key]) ? [...(resource[key] as Json[])] : [];
  if (path.filter) {
    const filter = path.filter;
    const matched = list.filter((element) => matchesElement(element, filter));
    if (op === 'remove') {
      if (path.sub) for (const element of matched) delete element[keyIn(element, path.sub)];
      else list = list.filter((element) => !matched.includes(element));
    } else if (matched.length === 0) {
      // Entra replaces emails[type eq "work"].value on people who have none yet.
      list.push(
        path.sub
          ? { ...seedOf(filter), [path.sub]: value }
          : { ...seedOf(filter), ...asList(value)[0] },
      );
    } else
      for (const element of matched) {
        if (path.sub) element[keyIn(element, path.sub)] = value;
        else Object.assign(element, asList(value)[0]);
      }
  } else if (op === 'remove') {
    // Entra: {"op":"Remove","path":"members","value":[{"value":"<id>"}]} removes those only.
    if (value === undefined || value === null) list = [];
    else {
      const gone = new Set(asList(value).map((item) => String(item.value)));
      list = list.filter((element) => !gone.has(String(element.value)));
    }
  } else {
    const added = asList(value);
    if (
      added.some(
        (item) => item.primary === true || item.primary === 'True' || item.primary === 'true',
      )
    )
      for (const element of list) delete element.primary;
    list = op === 'replace' ? added : [...list, ...added];
  }
  if (list.length === 0) delete resource[key];
  else resource[key] = list;
}

function applyOne(resource: Json, operation: PatchOperation, schema: ResourceSchema): void {
  const { op, path: rawPath, value } = operation;
  if (rawPath === null) {
    if (op === 'remove') throw scimBad('noTarget', 'remove needs a path');
    if (!isObject(value))
      throw scimBad('invalidValue', `${op} without a path needs an object value`);
    for (const [key, item] of Object.entries(value)) {
      if (READ_ONLY.has(key.toLowerCase())) continue;
      applyOne(resource, { op, path: key, value: item }, schema);
    }
    return;
  }
  const path = parsePatchPath(rawPath, schema.coreUrn, [...schema.extensions.keys()]);
  const extension = schema.extensions.get(path.top);
  if (extension) {
    if (path.attr === null) {
      if (op !== 'remove' && !isObject(value))
        throw scimBad('invalidValue', `${path.top} takes an object`);
      if (op === 'remove') delete resource[path.top];
      else
        for (const [key, item] of Object.entries(value as Json))
          applyOne(resource, { op, path: `${path.top}:${key}`, value: item }, schema);
      return;
    }
    const name = extension.get(path.attr.toLowerCase());
    if (!name) throw scimBad('invalidPath', `Unknown attribute ${rawPath}`);
    const target = isObject(resource[path.top]) ? (resource[path.top] as Json) : {};
    resource[path.top] = target;
    if (path.sub) {
      const inner = isObject(target[name]) ? (target[name] as Json) : {};
      target[name] = inner;
      setOrDelete(inner, path.sub, op, value);
    } else setOrDelete(target, name, op, value);
    return;
  }
  if (READ_ONLY.has(path.top.toLowerCase()))
    throw scimBad('mutability', `${path.top} is read-only`);
  const def = schema.core.get(path.top.toLowerCase());
  if (!def) throw scimBad('invalidPath', `Unknown attribute ${rawPath}`);
  const key = keyIn(resource, def.name);
  if (def.multi) {
    multiValued(resource, key, operation, path);
    return;
  }
  if (path.filter) throw scimBad('invalidPath', `${def.name} is not multi-valued`);
  if (path.attr) {
    const inner = isObject(resource[key]) ? (resource[key] as Json) : {};
    resource[key] = inner;
    setOrDelete(inner, path.attr, op, value);
  } else if (op !== 'remove' && isObject(value) && isObject(resource[key]))
    resource[key] = { ...(resource[key] as Json), ...value };
  else setOrDelete(resource, key, op, value);
}

/** Applies PATCH operations, in order, to a copy of a resource. */
export function applyPatch(
  resource: Json,
  operations: PatchOperation[],
  schema: ResourceSchema,
): Json {
  const copy = structuredClone(resource);
  for (const operation of operations) applyOne(copy, operation, schema);
  return copy;
}
