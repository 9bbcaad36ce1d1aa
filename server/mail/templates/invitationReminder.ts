import { html, layout, textFooter } from './html.ts';
import type { MailParams, MailTemplate } from './types.ts';

// Params: as the invitation (`name`, `link`, `expiresAt`): the reminder carries the same link.
const name = (params: MailParams) => String(params.name ?? '');
const link = (params: MailParams) => String(params.link ?? '');
const expires = (params: MailParams) => String(params.expiresAt ?? '');

/**
 * The one reminder of an invitation nobody has used yet, sent `invitations.remindAfterDays`
 * after it. It carries a fresh link (the earlier one stops working), since tokens are stored
 * only as hashes and the old one cannot be mailed again.
 */
export const invitationReminderMail: MailTemplate = {
  ru: {
    subject: (_params, site) => `Напоминание: приглашение в мессенджер ${site.companyName}`,
    text: (params, site) =>
      `Здравствуйте, ${name(params)}!\n\n` +
      `Напоминаем: вас пригласили в корпоративный мессенджер ${site.companyName}, ` +
      `но вы ещё не зарегистрировались. Откройте ссылку и задайте пароль:\n\n${link(params)}\n\n` +
      `Ссылка одноразовая и действует до ${expires(params)}; прежняя ссылка больше не работает.\n` +
      textFooter(site),
    html: (params, site) =>
      layout(
        'ru',
        site,
        html`<p>Здравствуйте, ${name(params)}!</p>
<p>Напоминаем: вас пригласили в корпоративный мессенджер <b>${site.companyName}</b>,
но вы ещё не зарегистрировались.</p>
<p><a href="${link(params)}">Зарегистрироваться</a></p>
<p>Ссылка одноразовая и действует до ${expires(params)}; прежняя ссылка больше не работает.</p>`,
      ),
  },
  en: {
    subject: (_params, site) => `Reminder: your invitation to the ${site.companyName} messenger`,
    text: (params, site) =>
      `Hello ${name(params)},\n\n` +
      `A reminder: you are invited to the ${site.companyName} corporate messenger and have not ` +
      `registered yet. Open this link and set your password:\n\n${link(params)}\n\n` +
      `The link works once, until ${expires(params)}; the earlier link no longer works.\n` +
      textFooter(site),
    html: (params, site) =>
      layout(
        'en',
        site,
        html`<p>Hello ${name(params)},</p>
<p>A reminder: you are invited to the <b>${site.companyName}</b> corporate messenger and have not
registered yet.</p>
<p><a href="${link(params)}">Register</a></p>
<p>The link works once, until ${expires(params)}; the earlier link no longer works.</p>`,
      ),
  },
};
