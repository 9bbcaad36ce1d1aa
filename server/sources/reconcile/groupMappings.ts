import { cutText } from '../../shared/text.ts';
import type { SyncSource } from '../registry.ts';

/** One group mapping as the plan's SQL reads it (a JSON parameter). */
export interface PlannedMapping {
  /** Position in the config: the first matching mapping with an organization wins. */
  ord: number;
  /** The group's DN, lower-cased (staged groups are lower-cased too). */
  group: string;
  /** Space names, spelled as their first mention in the config. */
  spaces: string[];
  organization: string | null;
}

/** A source's group mappings, normalized for the plan, and every space name they mention. */
export interface MappingParams {
  mappings: PlannedMapping[];
  /** Every space some mapping names: the only spaces a sync ever adds people to or removes from. */
  spaceNames: string[];
}

// The space and organization name columns hold at most 200 characters.
const NAME_MAX = 200;

/**
 * Normalizes a source's group mappings: DNs lower-cased (compared case-insensitively), names
 * trimmed and cut to the column's length, and space names deduplicated case-insensitively
 * (space names are unique regardless of case), so the plan can compare plain strings.
 */
export function mappingParams(source: SyncSource): MappingParams {
  const canonical = new Map<string, string>();
  const name = (raw: string): string | null => {
    const clean = cutText(raw.normalize('NFC').trim(), NAME_MAX).trim();
    if (clean === '') return null;
    const key = clean.toLowerCase();
    const known = canonical.get(key);
    if (known) return known;
    canonical.set(key, clean);
    return clean;
  };
  const mappings = (source.connection?.groupMappings ?? []).map((mapping, ord) => ({
    ord,
    group: mapping.group.normalize('NFC').trim().toLowerCase(),
    spaces: [...new Set(mapping.spaces.flatMap((space) => name(space) ?? []))],
    organization:
      (mapping.organization &&
        cutText(mapping.organization.normalize('NFC').trim(), NAME_MAX).trim()) ||
      null,
  }));
  return { mappings, spaceNames: [...canonical.values()] };
}
