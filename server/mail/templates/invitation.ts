import { html, layout, textFooter } from './html.ts';
import type { MailParams, MailTemplate } from './types.ts';

// Params: `name` (the person's display name), `link` (the one-time registration link),
// `expiresAt` (when the link stops working, already formatted for the person's language).
const name = (params: MailParams) => String(params.name ?? '');
const link = (params: MailParams) => String(params.link ?? '');
const expires = (params: MailParams) => String(params.expiresAt ?? '');

/**
 * The invitation to the messenger: the one-time link that lets the person set their own
 * password (and second factor). It goes to the person only; nobody in the back-office sees it.
 */
export const invitationMail: MailTemplate = {
  ru: {
    subject: (_params, site) => `Приглашение в мессенджер ${site.companyName}`,
    text: (params, site) =>
      `Здравствуйте, ${name(params)}!\n\n` +
      `Вас пригласили в корпоративный мессенджер ${site.companyName}. ` +
      `Чтобы зарегистрироваться, откройте ссылку и задайте пароль:\n\n${link(params)}\n\n` +
      `Ссылка одноразовая и действует до ${expires(params)}. Никому её не пересылайте: ` +
      `она открывает вашу учётную запись.\n${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'ru',
        site,
        html`<p>Здравствуйте, ${name(params)}!</p>
<p>Вас пригласили в корпоративный мессенджер <b>${site.companyName}</b>.
Чтобы зарегистрироваться, откройте ссылку и задайте пароль:</p>
<p><a href="${link(params)}">Зарегистрироваться</a></p>
<p>Ссылка одноразовая и действует до ${expires(params)}. Никому её не пересылайте:
она открывает вашу учётную запись.</p>`,
      ),
  },
  en: {
    subject: (_params, site) => `Your invitation to the ${site.companyName} messenger`,
    text: (params, site) =>
      `Hello ${name(params)},\n\n` +
      `You are invited to the ${site.companyName} corporate messenger. ` +
      `To register, open this link and set your password:\n\n${link(params)}\n\n` +
      `The link works once, until ${expires(params)}. Do not forward it: ` +
      `it opens your account.\n${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'en',
        site,
        html`<p>Hello ${name(params)},</p>
<p>You are invited to the <b>${site.companyName}</b> corporate messenger.
To register, open this link and set your password:</p>
<p><a href="${link(params)}">Register</a></p>
<p>The link works once, until ${expires(params)}. Do not forward it: it opens your account.</p>`,
      ),
  },
};
