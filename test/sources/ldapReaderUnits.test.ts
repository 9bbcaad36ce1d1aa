import { describe, expect, it } from 'vitest';
import { dateToFiletime } from '../../server/identity/ldap/accountState.ts';
import { directorySourceSchema } from '../../server/shared/config/directorySources.ts';
import {
  formatGeneralizedTime,
  parseGeneralizedTime,
} from '../../server/sources/ldap/generalizedTime.ts';
import { formatGuid, guidFilterValue } from '../../server/sources/ldap/guid.ts';
import { attributeMapping, toSourcePerson } from '../../server/sources/ldap/mapping.ts';

/** The reader's pure parts: GUID layout, time formats, normalization of values. */

const ad = directorySourceSchema.parse({
  id: 'ad',
  kind: 'active-directory',
  url: 'ldaps://dc.invalid',
  bindDn: 'CN=svc',
  bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_X',
  baseDn: 'DC=corp',
});
const now = new Date('2026-11-21T00:00:00Z');
const guidBytes = Buffer.from([
  0x27, 0x5d, 0x1b, 0x6f, 0x5b, 0x3f, 0x5e, 0x4b, 0x9f, 0x8d, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
]);

describe('AD objectGUID', () => {
  it('formats the mixed-endian layout as the standard string', () => {
    expect(formatGuid(guidBytes)).toBe('6f1b5d27-3f5b-4b5e-9f8d-010203040506');
    expect(() => formatGuid(Buffer.alloc(15))).toThrow();
  });

  it('turns the string back into the binary filter value', () => {
    expect(guidFilterValue('6f1b5d27-3f5b-4b5e-9f8d-010203040506')).toBe(
      '\\27\\5d\\1b\\6f\\5b\\3f\\5e\\4b\\9f\\8d\\01\\02\\03\\04\\05\\06',
    );
  });
});

describe('GeneralizedTime', () => {
  it('parses seconds, fractions and offsets, and formats UTC', () => {
    expect(parseGeneralizedTime('20261121061544Z')?.toISOString()).toBe('2026-11-21T06:15:44.000Z');
    expect(parseGeneralizedTime('20261121061544.5Z')?.toISOString()).toBe(
      '2026-11-21T06:15:44.500Z',
    );
    expect(parseGeneralizedTime('20261121091544+0300')?.toISOString()).toBe(
      '2026-11-21T06:15:44.000Z',
    );
    expect(parseGeneralizedTime('yesterday')).toBeNull();
    expect(formatGeneralizedTime(new Date('2026-11-21T06:15:44.900Z'))).toBe('20261121061544Z');
  });
});

describe('entry → SourcePerson', () => {
  const entry = (extra: Record<string, string | string[] | Buffer | Buffer[]>) => ({
    dn: 'CN=Иван,DC=corp',
    objectGUID: guidBytes,
    ...extra,
  });
  const map = (extra: Record<string, string | string[] | Buffer | Buffer[]>) =>
    toSourcePerson(ad, attributeMapping(ad), entry(extra), now);

  it('takes the first value of single-valued fields and decodes textual buffers', () => {
    const person = map({
      sAMAccountName: 'IVANOV',
      sn: ['Иванов', 'Второй'],
      givenName: Buffer.from('Иван'),
      telephoneNumber: [],
      mobile: ' +7 916 ',
      department: '',
      company: 'ООО Ромашка',
    });
    expect(person).toMatchObject({
      externalId: '6f1b5d27-3f5b-4b5e-9f8d-010203040506',
      username: 'ivanov',
      familyName: 'Иванов',
      givenName: 'Иван',
      phone: '+7 916',
      department: 'ООО Ромашка',
      email: null,
      groups: [],
    });
  });

  it('gives memberOf as a list whether one value or several', () => {
    expect(map({ memberOf: 'CN=a' }).groups).toEqual(['CN=a']);
    expect(map({ memberOf: ['CN=a', 'CN=b'] }).groups).toEqual(['CN=a', 'CN=b']);
  });

  it('derives disabled from userAccountControl bit 2 and accountExpires', () => {
    expect(map({ userAccountControl: '514' }).disabled).toBe(true);
    expect(map({ userAccountControl: '512' }).disabled).toBe(false);
    expect(map({ accountExpires: '0' }).disabled).toBe(false);
    expect(map({ accountExpires: '9223372036854775807' }).disabled).toBe(false);
    expect(map({ accountExpires: dateToFiletime(new Date('2026-01-01')) }).disabled).toBe(true);
    expect(map({ accountExpires: dateToFiletime(new Date('2027-01-01')) }).disabled).toBe(false);
  });

  it('refuses an entry without its id, and a GUID that came back as text', () => {
    const mapping = attributeMapping(ad);
    expect(() => toSourcePerson(ad, mapping, { dn: 'CN=x' }, now)).toThrow(/objectGUID/);
    expect(() => toSourcePerson(ad, mapping, { dn: 'CN=x', objectGUID: 'abc' }, now)).toThrow();
  });

  it('applies attribute mapping overrides', () => {
    const custom = directorySourceSchema.parse({
      ...ad,
      attributes: { username: 'userPrincipalName', phone: ['mobile'], middleName: null },
    });
    const person = toSourcePerson(
      custom,
      attributeMapping(custom),
      entry({
        sAMAccountName: 'x',
        userPrincipalName: 'Ivanov@Corp.Example',
        telephoneNumber: '1',
        mobile: '2',
        middleName: 'm',
      }),
      now,
    );
    expect(person).toMatchObject({ username: 'ivanov@corp.example', phone: '2', middleName: null });
  });
});
