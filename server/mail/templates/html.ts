import type { MailSite } from './types.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** A piece of HTML that `html` inserts as is (already escaped, or built with `html`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/**
 * A tagged template for mail HTML: every interpolated value is escaped unless it is `SafeHtml`
 * (a nested `html` fragment), so a person's name or a company name can never inject markup.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    const piece =
      value instanceof SafeHtml
        ? value.value
        : Array.isArray(value)
          ? value
              .map((item) => (item instanceof SafeHtml ? item.value : escapeHtml(String(item))))
              .join('')
          : escapeHtml(String(value ?? ''));
    out += piece + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * The common frame of every mail's HTML part: a minimal, inline-styled layout (mail clients
 * strip <style>), the body, and a footer naming the company and the service's address.
 */
export function layout(lang: 'ru' | 'en', site: MailSite, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${site.companyName}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #222;">
${body}
<hr style="border: none; border-top: 1px solid #ddd; margin-top: 24px;">
<p style="font-size: 12px; color: #777;">${site.companyName} · <a href="${site.publicUrl}">${site.publicUrl}</a></p>
</body></html>
`.value;
}

/** The plain-text footer matching {@link layout}. */
export function textFooter(site: MailSite): string {
  return `\n-- \n${site.companyName} · ${site.publicUrl}\n`;
}
