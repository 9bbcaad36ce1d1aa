import type { Config } from '../config.ts';
import { publicBaseUrl } from '../config.ts';
import { mailConfigured } from './status.ts';
import type { MailSite } from './templates/types.ts';

/** What `enqueueMail` needs from the configuration: the site filled into templates, and whether to send. */
export interface MailSetup {
  site: MailSite;
  configured: boolean;
}

/** The mail setup a configuration gives: the company name, the public URL, configured or not. */
export function mailSetup(config: Config): MailSetup {
  return {
    configured: mailConfigured(config),
    site: { companyName: config.mail.companyName, publicUrl: publicBaseUrl(config) },
  };
}
