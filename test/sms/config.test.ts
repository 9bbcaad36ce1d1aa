import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { fillSmsTemplate } from '../../server/shared/config/sms.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const gateway = { url: 'https://sms.corp.example.test/send' };

describe('SMS gateway configuration', () => {
  it('reads the signing secret from SMS_GATEWAY_SECRET only', () => {
    const config = loadConfig({ SMS_GATEWAY_SECRET: secret }, { sms: { gateway } });
    expect(config.sms.gateway?.secret).toBe(secret);
    expect(config.sms.gateway).toMatchObject({ method: 'POST', contentType: 'application/json' });
    expect(() => loadConfig({}, { sms: { gateway } })).toThrow(/SMS_GATEWAY_SECRET/);
    expect(() => loadConfig({ SMS_GATEWAY_SECRET: 'c2hvcnQ=' }, { sms: { gateway } })).toThrow(
      /at least 24 bytes/,
    );
    expect(() =>
      loadConfig({ SMS_GATEWAY_SECRET: secret }, { sms: { gateway: { ...gateway, secret: 'x' } } }),
    ).toThrow(/secret/);
  });

  it('refuses plain http but on loopback with allowPlain, reserved headers, and bad templates', () => {
    const env = { SMS_GATEWAY_SECRET: secret };
    const with_ = (extra: Record<string, unknown>) => () =>
      loadConfig(env, { sms: { gateway: { ...gateway, ...extra } } });
    expect(with_({ url: 'http://sms.corp.example.test/send', allowPlain: true })).toThrow(/https/);
    expect(with_({ url: 'http://127.0.0.1:9/send' })).toThrow(/https/);
    expect(with_({ url: 'http://127.0.0.1:9/send', allowPlain: true })).not.toThrow();
    expect(with_({ headers: { 'Webhook-Signature': 'v1,forged' } })).toThrow(/set by the service/);
    expect(with_({ body: '{"to":"{{phone}}"}' })).toThrow(/\{\{text\}\}/);
    expect(with_({ body: '{"to":{{phone}},"text":"{{text}}"}' })).toThrow(/JSON/);
  });

  it('leaves SMS unconfigured by default', () => {
    expect(loadConfig({}).sms.gateway).toBeNull();
  });
});

describe('the request body template', () => {
  it('escapes values for JSON and for forms', () => {
    const values = { phone: '+79990001122', text: 'a "b"\nc & d', id: 'sms_1' };
    const json = fillSmsTemplate(
      '{"to":"{{phone}}","text":"{{ text }}"}',
      'application/json',
      values,
    );
    expect(JSON.parse(json)).toEqual({ to: '+79990001122', text: 'a "b"\nc & d' });
    const form = fillSmsTemplate(
      'to={{phone}}&msg={{text}}&ref={{id}}',
      'application/x-www-form-urlencoded',
      values,
    );
    expect(Object.fromEntries(new URLSearchParams(form))).toEqual({
      to: '+79990001122',
      msg: 'a "b"\nc & d',
      ref: 'sms_1',
    });
  });
});
