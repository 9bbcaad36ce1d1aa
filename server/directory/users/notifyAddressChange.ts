import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueMail } from '../../mail/enqueue.ts';
import type { Services } from '../../shared/services.ts';
import { enqueueSms } from '../../sms/enqueue.ts';
import { isSmsNumber } from '../../sms/status.ts';

/** `j***@corp.example`: enough for the owner to recognise, not a copy of the address. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}

/**
 * Tells the OLD delivery addresses of a person that an operator changed them by hand (issue 14,
 * scope 4): the old e-mail by mail (`addressChanged`), the old phone by SMS (`phoneChanged`),
 * queued in the edit's transaction and sent after commit. An admin who puts their own address in
 * can then not do it silently. Changes by a directory source or SCIM do not come through here.
 */
export async function notifyOldAddresses(
  em: EntityManager,
  services: Services,
  person: { id: string; displayName: string },
  diff: { before: Record<string, unknown>; after: Record<string, unknown> },
): Promise<void> {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const before = { email: text(diff.before.email), phone: text(diff.before.phone) };
  const after = { email: text(diff.after.email), phone: text(diff.after.phone) };
  // Only the fields the edit touched are in the diff: an untouched address is not "changed".
  const emailChanged = 'email' in diff.after;
  const phoneChanged = 'phone' in diff.after;
  if (!emailChanged && !phoneChanged) return;
  const locale = 'ru';
  const at = new Intl.DateTimeFormat('ru-RU', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: services.config.hr.timeZone,
  }).format(services.now());
  if (emailChanged && before.email && before.email !== after.email)
    await enqueueMail(em, services.config, [
      {
        to: before.email,
        template: 'addressChanged',
        locale,
        userId: person.id,
        params: {
          name: person.displayName,
          newAddress: after.email ? maskEmail(after.email) : '—',
          at,
        },
      },
    ]);
  if (phoneChanged && isSmsNumber(before.phone) && before.phone !== after.phone)
    await enqueueSms(em, services.config, [
      { to: before.phone, template: 'phoneChanged', locale, userId: person.id, params: {} },
    ]);
}
