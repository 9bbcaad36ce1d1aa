import { html, layout, textFooter } from './html.ts';
import type { MailParams, MailTemplate } from './types.ts';

// Params: `name` (display name), `method` (the new method, already in the mail's language),
// `at` (when, formatted for the language).
const name = (params: MailParams) => String(params.name ?? '');
const method = (params: MailParams) => String(params.method ?? '');
const at = (params: MailParams) => String(params.at ?? '');

/**
 * Tells a person their login method was changed (issue 14, scope 3): their sessions have ended,
 * and a change they did not expect is a reason to call the helpdesk.
 */
export const loginMethodChangedMail: MailTemplate = {
  ru: {
    subject: (_params, site) => `Способ входа в мессенджер ${site.companyName} изменён`,
    text: (params, site) =>
      `Здравствуйте, ${name(params)}!\n\n` +
      `${at(params)} администратор изменил способ входа в ваш мессенджер ${site.companyName}: ` +
      `теперь это «${method(params)}». Все ваши сеансы завершены, войдите заново.\n\n` +
      `Если вы этого не ожидали, сразу обратитесь в службу поддержки.\n${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'ru',
        site,
        html`<p>Здравствуйте, ${name(params)}!</p>
<p>${at(params)} администратор изменил способ входа в ваш мессенджер <b>${site.companyName}</b>:
теперь это «${method(params)}». Все ваши сеансы завершены, войдите заново.</p>
<p>Если вы этого не ожидали, сразу обратитесь в службу поддержки.</p>`,
      ),
  },
  en: {
    subject: (_params, site) => `Your ${site.companyName} messenger sign-in method was changed`,
    text: (params, site) =>
      `Hello ${name(params)},\n\n` +
      `On ${at(params)} an administrator changed how you sign in to the ${site.companyName} ` +
      `messenger: it is now "${method(params)}". All your sessions have ended; sign in again.\n\n` +
      `If you did not expect this, contact the helpdesk at once.\n${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'en',
        site,
        html`<p>Hello ${name(params)},</p>
<p>On ${at(params)} an administrator changed how you sign in to the <b>${site.companyName}</b>
messenger: it is now “${method(params)}”. All your sessions have ended; sign in again.</p>
<p>If you did not expect this, contact the helpdesk at once.</p>`,
      ),
  },
};
