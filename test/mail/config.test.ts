import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { presentMailSettings } from '../../server/mail/settings.ts';
import { html } from '../../server/mail/templates/html.ts';

const smtp = { host: 'smtp.corp.example.test', port: 587, user: 'mailer' };

describe('mail configuration', () => {
  it('reads the SMTP password from MAIL_SMTP_PASSWORD only, and never presents it', () => {
    const config = loadConfig(
      { MAIL_SMTP_PASSWORD: 'from-the-environment' },
      { mail: { smtp, from: 'noreply@corp.example.test' } },
    );
    expect(config.mail.smtp?.password).toBe('from-the-environment');
    expect(config.mail.smtp?.security).toBe('starttls');
    expect(JSON.stringify(presentMailSettings(config))).not.toContain('from-the-environment');
  });

  it('refuses a login without a password, a password in the file, plain SMTP without allowPlain and a relay without a sender', () => {
    expect(() => loadConfig({}, { mail: { smtp, from: 'noreply@corp.example.test' } })).toThrow(
      /MAIL_SMTP_PASSWORD/,
    );
    expect(() =>
      loadConfig(
        {},
        { mail: { smtp: { ...smtp, password: 'in-the-file' }, from: 'noreply@corp.example.test' } },
      ),
    ).toThrow(/password/);
    expect(() =>
      loadConfig(
        { MAIL_SMTP_PASSWORD: 'x' },
        { mail: { smtp: { ...smtp, security: 'plain' }, from: 'noreply@corp.example.test' } },
      ),
    ).toThrow(/allowPlain/);
    expect(() => loadConfig({ MAIL_SMTP_PASSWORD: 'x' }, { mail: { smtp } })).toThrow(/from/);
    const plain = loadConfig(
      {},
      {
        mail: {
          smtp: { host: '127.0.0.1', port: 2525, security: 'plain', allowPlain: true },
          from: 'noreply@corp.example.test',
        },
      },
    );
    expect(plain.mail.smtp?.security).toBe('plain');
  });

  it('leaves mail unconfigured by default', () => {
    expect(loadConfig({}).mail).toMatchObject({ smtp: null, from: null, companyName: 'Frisbee' });
  });
});

describe('mail HTML', () => {
  it('escapes every interpolated value and keeps nested fragments', () => {
    const name = '<script>alert("x")</script> & \'co\'';
    expect(html`<p>${name}</p>`.value).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>',
    );
    expect(html`<div>${html`<b>${'a<b'}</b>`}</div>`.value).toBe('<div><b>a&lt;b</b></div>');
  });
});
