import { html, layout, textFooter } from './html.ts';
import type { MailTemplate } from './types.ts';

/**
 * The test mail a superadmin sends from the console ("Send test mail") to check the SMTP
 * settings. No params: it carries nothing but the proof that delivery works.
 */
export const testMail: MailTemplate = {
  ru: {
    subject: (_params, site) => `Проверка почты — ${site.companyName}`,
    text: (_params, site) =>
      `Здравствуйте!\n\nЭто тестовое письмо сервиса управления доступом ${site.companyName}. ` +
      `Если вы его получили, отправка почты настроена верно.\n${textFooter(site)}`,
    html: (_params, site) =>
      layout(
        'ru',
        site,
        html`<p>Здравствуйте!</p>
<p>Это тестовое письмо сервиса управления доступом <b>${site.companyName}</b>.
Если вы его получили, отправка почты настроена верно.</p>`,
      ),
  },
  en: {
    subject: (_params, site) => `Mail check — ${site.companyName}`,
    text: (_params, site) =>
      `Hello,\n\nThis is a test mail from the ${site.companyName} access management service. ` +
      `If you received it, outgoing mail is set up correctly.\n${textFooter(site)}`,
    html: (_params, site) =>
      layout(
        'en',
        site,
        html`<p>Hello,</p>
<p>This is a test mail from the <b>${site.companyName}</b> access management service.
If you received it, outgoing mail is set up correctly.</p>`,
      ),
  },
};
