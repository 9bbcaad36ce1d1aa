import type { ScimRequest } from '../context.ts';
import { scimBad } from '../errors.ts';
import { type PatchOperation, patchOperations } from '../patch.ts';
import { matchesElement, parsePatchPath } from '../patchPath.ts';
import { GROUP_SCHEMA } from '../urns.ts';
import { type GroupChange, saveGroup } from './commands.ts';
import {
  groupDisplayName as displayName,
  groupExternalId as externalId,
  membersValue,
} from './input.ts';

const IGNORED = new Set(['id', 'schemas', 'meta']);

function applyOne(state: GroupChange & { members: string[] }, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (path === null) {
    if (op === 'remove') throw scimBad('noTarget', 'remove needs a path');
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw scimBad('invalidValue', `${op} without a path needs an object value`);
    // Okta: {"op":"replace","value":{"id":"...","displayName":"..."}}.
    for (const [key, item] of Object.entries(value)) {
      if (!IGNORED.has(key.toLowerCase())) applyOne(state, { op, path: key, value: item });
    }
    return;
  }
  const parsed = parsePatchPath(path, GROUP_SCHEMA, []);
  switch (parsed.top.toLowerCase()) {
    case 'displayname':
      if (op === 'remove') throw scimBad('mutability', 'displayName is required');
      state.displayName = displayName.parse(value);
      return;
    case 'externalid':
      state.externalId = op === 'remove' ? null : externalId.parse(value) || null;
      return;
    case 'members': {
      const filter = parsed.filter;
      if (filter) {
        // Entra: {"op":"Remove","path":"members[value eq \"<id>\"]"}.
        if (op !== 'remove')
          throw scimBad('invalidPath', 'Add or replace members with a value list');
        state.members = state.members.filter((id) => !matchesElement({ value: id }, filter));
        return;
      }
      if (op === 'remove' && (value === undefined || value === null)) {
        state.members = [];
        return;
      }
      const ids = membersValue.parse(value).map((m) => m.value.toLowerCase());
      if (op === 'add') state.members = [...new Set([...state.members, ...ids])];
      else if (op === 'replace') state.members = [...new Set(ids)];
      else {
        const gone = new Set(ids);
        state.members = state.members.filter((id) => !gone.has(id));
      }
      return;
    }
    default:
      if (IGNORED.has(parsed.top.toLowerCase()))
        throw scimBad('mutability', `${parsed.top} is read-only`);
      throw scimBad('invalidPath', `Unknown attribute ${path}`);
  }
}

/** PATCH /Groups/:id: name, externalId and member changes in Entra's and Okta's forms. */
export function patchScimGroup(
  request: ScimRequest,
  id: string,
  body: unknown,
  ifMatch?: string,
): Promise<Record<string, unknown>> {
  const operations = patchOperations(body);
  return saveGroup(
    request,
    id,
    (current) => {
      const state = { ...current, members: [...(current.members ?? [])] };
      for (const operation of operations) applyOne(state, operation);
      return state;
    },
    ifMatch,
  );
}
