import { html, layout, textFooter } from './html.ts';
import type { MailParams, MailSite, MailTemplate } from './types.ts';

// Params: `name` (the reviewer), `count` (their undecided items), `dueAt` (the nearest due date).
const name = (params: MailParams) => String(params.name ?? '');
const count = (params: MailParams) => Number(params.count ?? 0);
const due = (params: MailParams) => String(params.dueAt ?? '');
const link = (site: MailSite) => `${site.publicUrl}/admin/#/review-items`;

/** Russian plural of «позиция» for a count (one, few, many). */
function positions(n: number): string {
  const tens = n % 100;
  const ones = n % 10;
  if (tens >= 11 && tens <= 14) return 'позиций';
  if (ones === 1) return 'позиция';
  if (ones >= 2 && ones <= 4) return 'позиции';
  return 'позиций';
}

/**
 * A reviewer's reminder of access review items still undecided (issue 18), at most once a day
 * (identity/reviews/remindReviewers.ts). It names how many and the nearest due date, and links to
 * «Мои проверки доступа»; no person or space is named in the mail.
 */
export const reviewReminderMail: MailTemplate = {
  ru: {
    subject: (_params, site) => `Пересмотр доступа ждёт вашего решения — ${site.companyName}`,
    text: (params, site) =>
      `Здравствуйте, ${name(params)}!\n\n` +
      `Вам назначено ${count(params)} ${positions(count(params))} пересмотра доступа без решения; ` +
      `ближайший срок — ${due(params)}. Откройте консоль и подтвердите или отзовите доступ:\n\n` +
      `${link(site)}\n${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'ru',
        site,
        html`<p>Здравствуйте, ${name(params)}!</p>
<p>Вам назначено ${count(params)} ${positions(count(params))} пересмотра доступа без решения;
ближайший срок — ${due(params)}.</p>
<p><a href="${link(site)}">Открыть «Мои проверки доступа»</a></p>`,
      ),
  },
  en: {
    subject: (_params, site) => `Access review awaiting your decision — ${site.companyName}`,
    text: (params, site) =>
      `Hello ${name(params)},\n\n` +
      `${count(params)} access review item(s) assigned to you are undecided; the nearest is due ` +
      `${due(params)}. Open the console to confirm or revoke:\n\n${link(site)}\n${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'en',
        site,
        html`<p>Hello ${name(params)},</p>
<p>${count(params)} access review item(s) assigned to you are undecided; the nearest is due
${due(params)}.</p>
<p><a href="${link(site)}">Open “My access reviews”</a></p>`,
      ),
  },
};
