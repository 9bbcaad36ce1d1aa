import { describe, expect, it } from 'vitest';
import { directorySourceSchema } from '../../server/shared/config/directorySources.ts';
import { filterGroupsOf, requiredGroupsOf } from '../../server/sources/ldap/filterGroups.ts';

/** Which groups an AD user filter names, and which it requires directly (filterGroups.ts). */

const ACCESS = 'CN=Доступ к мессенджеру,OU=Groups,DC=corp,DC=example';
const OTHER = 'CN=Подрядчики,OU=Groups,DC=corp,DC=example';
const PERSON = '(objectCategory=person)(objectClass=user)';

const withFilter = (userFilter: string) =>
  directorySourceSchema.parse({
    kind: 'active-directory',
    id: 'ad',
    url: 'ldaps://dc.corp.example',
    bindDn: 'CN=svc,DC=corp,DC=example',
    bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_AD',
    baseDn: 'DC=corp,DC=example',
    userFilter,
  });

describe('the groups a user filter names', () => {
  it.each([
    ['no group', `(&${PERSON})`, [], []],
    ['one required group', `(&${PERSON}(memberOf=${ACCESS}))`, [ACCESS], [ACCESS]],
    ['the filter is the group', `(memberOf=${ACCESS})`, [ACCESS], [ACCESS]],
    [
      'two required groups',
      `(&${PERSON}(memberOf=${ACCESS})(memberof=${OTHER}))`,
      [ACCESS, OTHER],
      [ACCESS, OTHER],
    ],
    [
      'a nested group (chain rule)',
      `(&${PERSON}(memberOf:1.2.840.113556.1.4.1941:=${ACCESS}))`,
      [ACCESS],
      null,
    ],
    [
      'either of two groups',
      `(&${PERSON}(|(memberOf=${ACCESS})(memberOf=${OTHER})))`,
      [ACCESS, OTHER],
      null,
    ],
    [
      'a required group and an excluded one',
      `(&${PERSON}(memberOf=${ACCESS})(!(memberOf=${OTHER})))`,
      [ACCESS, OTHER],
      null,
    ],
  ])('%s', (_, filter, named, required) => {
    const source = withFilter(filter);
    expect(filterGroupsOf(source).map((group) => group.dn)).toEqual(named);
    expect(requiredGroupsOf(source)).toEqual(required);
  });
});
