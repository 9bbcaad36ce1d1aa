/** Values of the people's coded fields, as the API has them. */
export const STATUSES = ['pending', 'active', 'suspended', 'deactivated'] as const;
export const ROLES = ['superadmin', 'admin', 'auditor', 'staff'] as const;
export const SOURCES = ['manual', 'import', 'ad', 'hr', 'scim'] as const;
export const LOGIN_METHODS = ['password', 'ldap', 'oidc', 'email_code', 'sms_code'] as const;
