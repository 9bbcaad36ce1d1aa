import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A back-office cookie session; the cookie holds a token, this row only its SHA-256. */
export const BackofficeSession = defineEntity({
  name: 'BackofficeSession',
  tableName: 'backoffice_session',
  properties: {
    id: p.uuid().primary(),
    tokenHash: p.blob(),
    userId: p.uuid(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastSeenAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    ip: p.text().nullable(),
    userAgent: p.text().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export type BackofficeSession = InferEntity<typeof BackofficeSession>;

/** The state between a correct password and the second factor of a back-office login. */
export const LoginChallenge = defineEntity({
  name: 'LoginChallenge',
  tableName: 'login_challenge',
  properties: {
    tokenHash: p.blob().primary(),
    userId: p.uuid(),
    /** `backoffice` (cookie session) or `messenger` (device session token). */
    purpose: p.enum(['backoffice', 'messenger']).default('backoffice'),
    /** The device a messenger login is for: name, platform. */
    device: p.json<{ name?: string | null; platform?: string | null }>().nullable(),
    pendingTotpSecret: p.text().nullable(),
    attempts: p.smallint().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
  },
});
export type LoginChallenge = InferEntity<typeof LoginChallenge>;

/** A confirmed TOTP second factor; the secret is AES-GCM encrypted with a key from the environment. */
export const TotpFactor = defineEntity({
  name: 'TotpFactor',
  tableName: 'totp_factor',
  properties: {
    userId: p.uuid().primary(),
    secretEncrypted: p.text(),
    confirmedAt: p.datetime(),
    /** The last accepted time step: codes at or before it are replays. */
    lastTimeStep: p.bigint('number').default(0),
  },
});
export type TotpFactor = InferEntity<typeof TotpFactor>;

/** A single-use link for a person to set their password. */
export const EnrollmentToken = defineEntity({
  name: 'EnrollmentToken',
  tableName: 'enrollment_token',
  properties: {
    tokenHash: p.blob().primary(),
    userId: p.uuid(),
    createdById: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    /** Why a link was issued over existing credentials. */
    reason: p.text().nullable(),
    /** Issued for someone who already had credentials: listed on their card. */
    disclosure: p.boolean().default(false),
  },
});
export type EnrollmentToken = InferEntity<typeof EnrollmentToken>;

/** A messenger login on one device; the core introspects its token. Only the token's hash is stored. */
export const DeviceSession = defineEntity({
  name: 'DeviceSession',
  tableName: 'device_session',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    tokenHash: p.blob(),
    deviceName: p.text().nullable(),
    platform: p.text().nullable(),
    ip: p.text().nullable(),
    userAgent: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastSeenAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.text().nullable(),
    revokedById: p.uuid().nullable(),
  },
});
export type DeviceSession = InferEntity<typeof DeviceSession>;

/** A one-time recovery code for a lost authenticator, stored as a hash. */
export const RecoveryCode = defineEntity({
  name: 'RecoveryCode',
  tableName: 'recovery_code',
  properties: {
    userId: p.uuid().primary(),
    codeHash: p.blob().primary(),
    createdAt: p.datetime().onCreate(() => new Date()),
    usedAt: p.datetime().nullable(),
  },
});
export type RecoveryCode = InferEntity<typeof RecoveryCode>;
