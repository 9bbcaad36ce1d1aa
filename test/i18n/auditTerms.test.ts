import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../server/audit/actions.ts';
import { ROLES } from '../../server/authz/roles.ts';
import { DELIVERY_STATUSES } from '../../server/core/deliveries.ts';
import { LOGIN_METHODS, SOURCES, USER_STATUSES } from '../../server/directory/entities.ts';
import { updateOrganizationBody } from '../../server/directory/organizations/schemas.ts';
import { updateSpaceBody } from '../../server/directory/spaces/schemas.ts';
import { PROFILE_FIELDS } from '../../server/directory/users/sourceOwnership.ts';
import { SOURCED_FIELDS } from '../../server/shared/precedence.ts';
import { sourceView } from '../../server/sources/schemas.ts';
import {
  auditDetailKeysInSource,
  auditedFieldsInSource,
  auditTargetTypesInSource,
} from './auditedFields.ts';
import { CYRILLIC, type Dictionaries, loadDictionaries } from './dictionaries.ts';

const root = new URL('../../', import.meta.url).pathname;

let dictionaries: Dictionaries;
beforeAll(async () => {
  dictionaries = await loadDictionaries();
});

/**
 * What is wrong with the words for `key`: missing in a language, not Cyrillic in Russian, or
 * the same as the English (an untranslated copy). An empty list when both read right.
 */
function problems(key: string, where = ''): string[] {
  const en = dictionaries.en.get(key);
  const ru = dictionaries.ru.get(key);
  const at = where ? ` (${where})` : '';
  if (en === undefined) return [`${key}: no English${at}`];
  if (ru === undefined) return [`${key}: no Russian${at}`];
  if (!CYRILLIC.test(ru)) return [`${key}: Russian «${ru}» is not Cyrillic${at}`];
  if (ru === en) return [`${key}: Russian is the English «${en}»${at}`];
  return [];
}

/** The console's key for an action (admin-ui/src/resources/audit/labels.ts does the same). */
const actionKey = (action: string) => `app.audit_action.${action.replaceAll('.', '_')}`;
const targetKey = (type: string) =>
  `app.audit_target.${type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}`;

describe('the audit views speak in words (issue 16)', () => {
  it('translate every action the server can write', () => {
    expect(AUDIT_ACTIONS.length).toBeGreaterThan(90);
    expect(AUDIT_ACTIONS.flatMap((action) => problems(actionKey(action)))).toEqual([]);
    expect(dictionaries.ru.get(actionKey('sync_run.completed'))).toBe('Синхронизация завершена');
  });

  it('name every field an audit diff records', () => {
    const sites = auditedFieldsInSource(root);
    const found = new Set(sites.map((site) => site.field));
    // The scan reads the diffs it should: without these it would pass on nothing.
    for (const field of ['status', 'role', 'loginMethod', 'invitation', 'passwordSet', 'phone'])
      expect(found, field).toContain(field);
    // Diffs built from a list of fields: the lists themselves (a patch's `version` is the
    // optimistic lock, taken out before the diff).
    const fromLists = [
      ...PROFILE_FIELDS,
      ...SOURCED_FIELDS,
      'employeeNumber',
      ...Object.keys(sourceView.shape),
      ...Object.keys(updateSpaceBody.shape),
      ...Object.keys(updateOrganizationBody.shape),
    ].filter((field) => field !== 'version');
    const all = new Map<string, string>();
    for (const site of sites) all.set(site.field, site.file);
    for (const field of fromLists) if (!all.has(field)) all.set(field, 'a field list');
    const missing = [...all].flatMap(([field, file]) => problems(`app.audit_field.${field}`, file));
    expect(missing).toEqual([]);
  });

  it('name every kind of object an event targets', () => {
    const sites = auditTargetTypesInSource(root);
    expect(sites.map((site) => site.field)).toContain('sync_run');
    const missing = sites.flatMap((site) => problems(targetKey(site.field), site.file));
    expect([...new Set(missing)]).toEqual([]);
  });

  it('name every key of an event’s details', () => {
    const sites = auditDetailKeysInSource(root);
    expect(sites.map((site) => site.field)).toContain('door');
    const missing = sites.flatMap((site) => {
      // A detail named like an audited field reads as that field.
      const own = problems(`app.audit_detail.${site.field}`, site.file);
      return own.length === 0 || problems(`app.audit_field.${site.field}`).length === 0 ? [] : own;
    });
    expect([...new Set(missing)]).toEqual([]);
  });

  it('show the coded values of audited fields as words', () => {
    const keys = [
      ...USER_STATUSES.map((status) => `app.status.${status}`),
      ...ROLES.map((role) => `app.role.${role}`),
      'app.role.none',
      ...LOGIN_METHODS.map((method) => `app.login_method.${method}`),
      ...SOURCES.filter((source) => source !== 'ad' && source !== 'scim').map(
        (source) => `app.source.${source}`,
      ),
      ...DELIVERY_STATUSES.map((status) => `app.audit_value.delivery_status.${status}`),
    ];
    expect(keys.flatMap((key) => problems(key))).toEqual([]);
    // Product names read the same in both languages, but they must be there.
    expect(dictionaries.ru.get('app.source.ad')).toBe('Active Directory');
    expect(dictionaries.ru.get('app.source.scim')).toBe('SCIM');
  });
});
