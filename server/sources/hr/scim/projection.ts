import { ENTERPRISE_SCHEMA, HR_SCHEMA } from './urns.ts';

type Resource = Record<string, unknown>;
const EXTENSIONS = [ENTERPRISE_SCHEMA, HR_SCHEMA];
/** Returned whatever `attributes` / `excludedAttributes` say (RFC 7643 §7 "always"). */
const ALWAYS = new Set(['id', 'schemas']);

/** An attribute reference split into the resource key and an optional sub-attribute. */
function splitRef(ref: string): { top: string; sub: string | null } {
  const lower = ref.toLowerCase();
  const urn = EXTENSIONS.find(
    (u) => lower === u.toLowerCase() || lower.startsWith(`${u.toLowerCase()}:`),
  );
  if (urn) {
    const rest = ref.slice(urn.length + 1);
    return { top: urn, sub: rest === '' ? null : (rest.split('.')[0] ?? null) };
  }
  const [top = '', sub] = ref.split('.');
  return { top, sub: sub ?? null };
}

function keyOf(object: Resource, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

function pickSub(value: unknown, sub: string): unknown {
  if (Array.isArray(value))
    return value.map((item) => pickSub(item, sub)).filter((item) => item !== undefined);
  if (value && typeof value === 'object') {
    const key = keyOf(value as Resource, sub);
    return key === undefined ? undefined : { [key]: (value as Resource)[key] };
  }
  return undefined;
}

function merge(into: Resource, key: string, value: unknown): void {
  const current = into[key];
  if (Array.isArray(current) && Array.isArray(value))
    into[key] = current.map((item, i) => ({ ...(item as Resource), ...(value[i] as Resource) }));
  else if (current && typeof current === 'object' && value && typeof value === 'object')
    into[key] = { ...(current as Resource), ...(value as Resource) };
  else into[key] = value;
}

/**
 * Applies `attributes` (only these, plus id and schemas) or `excludedAttributes` (all but these)
 * to a resource. Unknown names are ignored, as RFC 7644 §3.9 allows.
 */
export function project(resource: Resource, attributes: string[], excluded: string[]): Resource {
  if (attributes.length > 0) {
    const out: Resource = { schemas: resource.schemas, id: resource.id };
    for (const ref of attributes) {
      const { top, sub } = splitRef(ref);
      const key = keyOf(resource, top);
      if (key === undefined || ALWAYS.has(key)) continue;
      const value = sub === null ? resource[key] : pickSub(resource[key], sub);
      if (value !== undefined) merge(out, key, value);
    }
    return out;
  }
  if (excluded.length === 0) return resource;
  const out: Resource = structuredClone(resource);
  for (const ref of excluded) {
    const { top, sub } = splitRef(ref);
    const key = keyOf(out, top);
    if (key === undefined || ALWAYS.has(key)) continue;
    if (sub === null) delete out[key];
    else {
      const value = out[key];
      const items = Array.isArray(value) ? value : [value];
      for (const item of items)
        if (item && typeof item === 'object') {
          const subKey = keyOf(item as Resource, sub);
          if (subKey !== undefined) delete (item as Resource)[subKey];
        }
    }
  }
  return out;
}
