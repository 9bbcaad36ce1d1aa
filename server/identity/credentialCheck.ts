/**
 * What checking a person's first factor found. `unavailable` means the directory could not be
 * asked (down, misconfigured): the login fails without counting as a wrong password.
 */
export type CredentialCheck = 'ok' | 'wrong' | 'disabled' | 'unavailable';
