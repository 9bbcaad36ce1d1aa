import { html, layout, textFooter } from './html.ts';
import type { MailParams, MailTemplate } from './types.ts';

// Params: `name` (display name), `newAddress` (the new e-mail, partly masked), `at` (when).
const name = (params: MailParams) => String(params.name ?? '');
const masked = (params: MailParams) => String(params.newAddress ?? '');
const at = (params: MailParams) => String(params.at ?? '');

/**
 * Sent to the OLD e-mail address after a hand change (issue 14, scope 4): the one channel an
 * admin who put their own address in cannot silence. The new address is masked.
 */
export const addressChangedMail: MailTemplate = {
  ru: {
    subject: (_params, site) => `Адрес почты в мессенджере ${site.companyName} изменён`,
    text: (params, site) =>
      `Здравствуйте, ${name(params)}!\n\n` +
      `${at(params)} администратор заменил адрес почты вашей учётной записи мессенджера ` +
      `${site.companyName} на ${masked(params)}. Письма и коды входа теперь уходят туда.\n\n` +
      `Если вы этого не ожидали, сразу обратитесь в службу поддержки.\n${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'ru',
        site,
        html`<p>Здравствуйте, ${name(params)}!</p>
<p>${at(params)} администратор заменил адрес почты вашей учётной записи мессенджера
<b>${site.companyName}</b> на ${masked(params)}. Письма и коды входа теперь уходят туда.</p>
<p>Если вы этого не ожидали, сразу обратитесь в службу поддержки.</p>`,
      ),
  },
  en: {
    subject: (_params, site) => `The e-mail of your ${site.companyName} messenger account changed`,
    text: (params, site) =>
      `Hello ${name(params)},\n\n` +
      `On ${at(params)} an administrator replaced the e-mail address of your ` +
      `${site.companyName} messenger account with ${masked(params)}. Mail and sign-in codes go ` +
      `there now.\n\nIf you did not expect this, contact the helpdesk at once.\n${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'en',
        site,
        html`<p>Hello ${name(params)},</p>
<p>On ${at(params)} an administrator replaced the e-mail address of your
<b>${site.companyName}</b> messenger account with ${masked(params)}. Mail and sign-in codes go
there now.</p>
<p>If you did not expect this, contact the helpdesk at once.</p>`,
      ),
  },
};
