/** The languages every SMS is written in. */
export type SmsLocale = 'ru' | 'en';

/** What a caller passes to an SMS template. */
export type SmsParams = Readonly<Record<string, string | number>>;

type SmsTemplate = Readonly<Record<SmsLocale, (params: SmsParams, company: string) => string>>;

const value = (params: SmsParams, key: string) => String(params[key] ?? '');

/**
 * Every SMS the service sends, by name (stored in `sms_message.template`). Short on purpose: one
 * segment where the alphabet allows, the code first so phones can offer to fill it in.
 */
export const SMS_TEMPLATES = {
  /** `code`, `minutes`: a one-time login code. Never says whose account: the phone knows. */
  loginCode: {
    ru: (params, company) =>
      `${value(params, 'code')} — код входа в мессенджер ${company}. Действует ${value(params, 'minutes')} мин. Никому его не сообщайте.`,
    en: (params, company) =>
      `${value(params, 'code')} is your ${company} messenger sign-in code. Valid ${value(params, 'minutes')} min. Do not share it.`,
  },
  /** To the OLD number after a hand change of the phone (issue 14, scope 4). */
  phoneChanged: {
    ru: (_params, company) =>
      `${company}: номер телефона в вашей учётной записи мессенджера изменён администратором. Если вы этого не ожидали, обратитесь в службу поддержки.`,
    en: (_params, company) =>
      `${company}: the phone number of your messenger account was changed by an administrator. If you did not expect this, contact the helpdesk.`,
  },
} as const satisfies Record<string, SmsTemplate>;

/** The name of a registered SMS template. */
export type SmsTemplateName = keyof typeof SMS_TEMPLATES;

/** Renders an SMS; throws on an unknown template. */
export function renderSms(
  template: SmsTemplateName,
  locale: SmsLocale,
  params: SmsParams,
  company: string,
): string {
  const render = SMS_TEMPLATES[template]?.[locale];
  if (!render) throw new Error(`unknown SMS template ${String(template)}/${String(locale)}`);
  return render(params, company).replace(/[\r\n]+/g, ' ');
}
