/** The languages every template is written in. */
export type MailLocale = 'ru' | 'en';

/** What a caller passes to a template (a link, a code, a person's name). */
export type MailParams = Readonly<Record<string, string | number>>;

/** Filled into every template by the mail module itself, from the configuration. */
export interface MailSite {
  /** `mail.companyName`. */
  companyName: string;
  /** The service's public base URL, without a trailing slash (`http.publicUrl`). */
  publicUrl: string;
}

/** One language of a template: each part a function of the caller's params and the site. */
export interface MailTemplateLocale {
  subject(params: MailParams, site: MailSite): string;
  text(params: MailParams, site: MailSite): string;
  /** HTML: build it with `html` (templates/html.ts) so every interpolated value is escaped. */
  html(params: MailParams, site: MailSite): string;
}

/** A template: the same mail in Russian and English. */
export type MailTemplate = Readonly<Record<MailLocale, MailTemplateLocale>>;

/** A rendered mail, as stored in `mail_message` until it is sent. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
