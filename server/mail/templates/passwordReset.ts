import { html, layout, textFooter } from './html.ts';
import type { MailParams, MailTemplate } from './types.ts';

// Params: `name` (the person's display name), `link` (the one-time link to set a new password),
// `expiresAt` (when the link stops working, already formatted for the mail's language).
const name = (params: MailParams) => String(params.name ?? '');
const link = (params: MailParams) => String(params.link ?? '');
const expires = (params: MailParams) => String(params.expiresAt ?? '');

/**
 * A password reset an administrator asked for on the person's behalf: the one-time link goes to
 * the person only (nobody in the back-office sees it). The old password keeps working until the
 * new one is set, so a request the person did not make changes nothing unless they act on it;
 * the mail says so and points to the helpdesk.
 */
export const passwordResetMail: MailTemplate = {
  ru: {
    subject: (_params, site) => `Сброс пароля в мессенджере ${site.companyName}`,
    text: (params, site) =>
      `Здравствуйте, ${name(params)}!\n\n` +
      `Кто-то попросил сбросить ваш пароль в корпоративном мессенджере ${site.companyName}. ` +
      `Чтобы задать новый пароль, откройте ссылку:\n\n${link(params)}\n\n` +
      `Ссылка одноразовая и действует до ${expires(params)}. Никому её не пересылайте: ` +
      `она открывает вашу учётную запись. Пока вы не зададите новый пароль, действует прежний; ` +
      `когда зададите, все ваши сеансы завершатся.\n\n` +
      `Если вы не просили сбросить пароль, не открывайте ссылку и обратитесь в службу ` +
      `поддержки.\n${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'ru',
        site,
        html`<p>Здравствуйте, ${name(params)}!</p>
<p>Кто-то попросил сбросить ваш пароль в корпоративном мессенджере <b>${site.companyName}</b>.
Чтобы задать новый пароль, откройте ссылку:</p>
<p><a href="${link(params)}">Задать новый пароль</a></p>
<p>Ссылка одноразовая и действует до ${expires(params)}. Никому её не пересылайте:
она открывает вашу учётную запись. Пока вы не зададите новый пароль, действует прежний;
когда зададите, все ваши сеансы завершатся.</p>
<p>Если вы не просили сбросить пароль, не открывайте ссылку и обратитесь в службу поддержки.</p>`,
      ),
  },
  en: {
    subject: (_params, site) => `Password reset for the ${site.companyName} messenger`,
    text: (params, site) =>
      `Hello ${name(params)},\n\n` +
      `Someone asked to reset your password for the ${site.companyName} corporate messenger. ` +
      `To set a new password, open this link:\n\n${link(params)}\n\n` +
      `The link works once, until ${expires(params)}. Do not forward it: it opens your ` +
      `account. Your current password keeps working until you set a new one; when you do, ` +
      `all your sessions end.\n\n` +
      `If it was not you who asked, do not open the link and contact the helpdesk.\n` +
      `${textFooter(site)}`,
    html: (params, site) =>
      layout(
        'en',
        site,
        html`<p>Hello ${name(params)},</p>
<p>Someone asked to reset your password for the <b>${site.companyName}</b> corporate messenger.
To set a new password, open this link:</p>
<p><a href="${link(params)}">Set a new password</a></p>
<p>The link works once, until ${expires(params)}. Do not forward it: it opens your account.
Your current password keeps working until you set a new one; when you do, all your sessions end.</p>
<p>If it was not you who asked, do not open the link and contact the helpdesk.</p>`,
      ),
  },
};
