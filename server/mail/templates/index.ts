import { addressChangedMail } from './addressChanged.ts';
import { invitationMail } from './invitation.ts';
import { invitationReminderMail } from './invitationReminder.ts';
import { loginCodeMail } from './loginCode.ts';
import { loginMethodChangedMail } from './loginMethodChanged.ts';
import { passwordResetMail } from './passwordReset.ts';
import { reviewReminderMail } from './reviewReminder.ts';
import { testMail } from './test.ts';
import type { MailTemplate } from './types.ts';

export type { MailLocale, MailParams, MailSite, MailTemplate, RenderedMail } from './types.ts';

/**
 * Every mail the service sends, by name (stored in `mail_message.template`). To add one: a file
 * in this folder exporting a `MailTemplate` (RU and EN; subject, text, html), and one line here.
 */
export const MAIL_TEMPLATES = {
  test: testMail,
  invitation: invitationMail,
  invitationReminder: invitationReminderMail,
  loginCode: loginCodeMail,
  loginMethodChanged: loginMethodChangedMail,
  addressChanged: addressChangedMail,
  passwordReset: passwordResetMail,
  reviewReminder: reviewReminderMail,
} as const satisfies Record<string, MailTemplate>;

/** The name of a registered template. */
export type MailTemplateName = keyof typeof MAIL_TEMPLATES;
