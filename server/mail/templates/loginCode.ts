import { html, layout, textFooter } from './html.ts';
import type { MailParams, MailTemplate } from './types.ts';

// Params: `code` (six digits), `minutes` (how long it works).
const code = (params: MailParams) => String(params.code ?? '');
const minutes = (params: MailParams) => String(params.minutes ?? '');

/**
 * A one-time sign-in code of the `email_code` login method. The code leads the subject so a
 * phone's notification shows it; nothing in the mail names the account (the mailbox knows).
 */
export const loginCodeMail: MailTemplate = {
  ru: {
    subject: (params, site) => `${code(params)} — код входа в мессенджер ${site.companyName}`,
    text: (params, site) =>
      `Ваш код входа в мессенджер ${site.companyName}: ${code(params)}\n\n` +
      `Код действует ${minutes(params)} мин. и подходит один раз. Никому его не сообщайте: ` +
      `сотрудники компании никогда не спрашивают код. Если вы не входили, просто удалите письмо.\n` +
      textFooter(site),
    html: (params, site) =>
      layout(
        'ru',
        site,
        html`<p>Ваш код входа в мессенджер <b>${site.companyName}</b>:</p>
<p style="font-size: 28px; letter-spacing: 4px; font-weight: bold;">${code(params)}</p>
<p>Код действует ${minutes(params)} мин. и подходит один раз. Никому его не сообщайте:
сотрудники компании никогда не спрашивают код. Если вы не входили, просто удалите письмо.</p>`,
      ),
  },
  en: {
    subject: (params, site) => `${code(params)} is your ${site.companyName} messenger code`,
    text: (params, site) =>
      `Your ${site.companyName} messenger sign-in code: ${code(params)}\n\n` +
      `It works once, for ${minutes(params)} minutes. Do not share it: nobody at the company ` +
      `will ever ask for it. If you did not try to sign in, delete this mail.\n` +
      textFooter(site),
    html: (params, site) =>
      layout(
        'en',
        site,
        html`<p>Your <b>${site.companyName}</b> messenger sign-in code:</p>
<p style="font-size: 28px; letter-spacing: 4px; font-weight: bold;">${code(params)}</p>
<p>It works once, for ${minutes(params)} minutes. Do not share it: nobody at the company will
ever ask for it. If you did not try to sign in, delete this mail.</p>`,
      ),
  },
};
