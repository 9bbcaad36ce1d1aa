import { resourceSchema } from '../resourceSchema.ts';
import { ENTERPRISE_SCHEMA, HR_SCHEMA, USER_SCHEMA } from '../urns.ts';

/**
 * Every attribute of RFC 7643's User and the enterprise extension is accepted (Entra and Okta
 * send addresses, preferredLanguage, manager...); those we keep are mapped in input.ts, the rest
 * are accepted and not stored. Names outside these schemas are refused.
 */
export const USER_RESOURCE = resourceSchema(
  USER_SCHEMA,
  [
    'userName',
    'name',
    'displayName',
    'nickName',
    'profileUrl',
    'title',
    'userType',
    'preferredLanguage',
    'locale',
    'timezone',
    'active',
    'password',
    'externalId',
  ],
  [
    'emails',
    'phoneNumbers',
    'ims',
    'photos',
    'addresses',
    'groups',
    'entitlements',
    'roles',
    'x509Certificates',
  ],
  {
    [ENTERPRISE_SCHEMA]: [
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
      'manager',
    ],
    [HR_SCHEMA]: ['hireDate', 'terminationDate', 'suspended'],
  },
);
