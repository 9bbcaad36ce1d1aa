import type { Config } from '../shared/config/schema.ts';

/** Whether the service can send SMS: a gateway is configured (its secret is then required). */
export function smsConfigured(config: Pick<Config, 'sms'>): boolean {
  return config.sms.gateway !== null;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;

/** Whether a stored phone number can receive an SMS (E.164, as the API stores phones). */
export function isSmsNumber(phone: string | null | undefined): phone is string {
  return typeof phone === 'string' && E164.test(phone);
}
