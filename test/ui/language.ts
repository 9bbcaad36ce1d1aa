import type { Page } from 'playwright-core';
import type { TestContext } from '../support/harness.ts';

/** Something a page says that a console in `locale` must not. */
export interface LanguageFinding {
  kind: 'untranslated key' | 'raw code' | 'English on the Russian side';
  token: string;
  /** The text the token was found in, for the failure message. */
  in: string;
}

/**
 * Latin words a Russian console may show as they are: protocols, formats and product names
 * (Russian IT writes them in Latin), units, and the key names of a keyboard.
 */
const LATIN_TERMS = new Set(
  [
    '2FA',
    'TOTP',
    'SSO',
    'OpenID',
    'Connect',
    'OIDC',
    'LDAP',
    'LDAPS',
    'OpenLDAP',
    'Active',
    'Directory',
    'AD',
    'Samba',
    'SCIM',
    'HR',
    'CSV',
    'XLSX',
    'Excel',
    'JSON',
    'NDJSON',
    'ID',
    'IP',
    'URL',
    'URI',
    'UUID',
    'UTC',
    'GMT',
    'SMS',
    'SMTP',
    'SIEM',
    'syslog',
    'TLS',
    'CEF',
    'API',
    'XMPP',
    'ejabberd',
    'QR',
    'DN',
    'GUID',
    'Ed25519',
    'SHA',
    'UTF',
    'iOS',
    'Android',
    'Windows',
    'macOS',
    'Linux',
    'Chrome',
    'HeadlessChrome',
    'Mozilla',
    'KB',
    'MB',
    'Enter',
    'Esc',
    'Ctrl',
    'Frisbee',
  ].map((term) => term.toLowerCase()),
);

// A dotted lower-case identifier: an i18n key (`resources.users.fields.q`) or an action code
// (`sync_run.completed`) shown as it is.
const DOTTED = /^[a-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;
// A snake_case code (`invalid_credentials`, `hr_import`).
const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;
const LATIN_WORD = /[A-Za-z]{2,}/;
// Hashes and identifiers are data, whatever letters they contain.
const HEX = /^[0-9a-f]{8,}(?:-[0-9a-f]{4,})*$/i;

/** Every word of every data value the page may show (names, logins, e-mails, devices). */
export async function dataWords(context: TestContext): Promise<Set<string>> {
  const { rows } = await context.services.pool.query<{ value: string | null }>(
    `select unnest(array[username, email, display_name, family_name, given_name, middle_name,
              title, employee_number]) as value from app_user
     union all select name from organization
     union all select name from space
     union all select unnest(array[id, name]) from directory_source
     union all select unnest(array[device_name, platform, user_agent]) from device_session
     union all select user_agent from backoffice_session
     union all select details->>'fileName' from sync_run
     union all select name from scim_token`,
  );
  const words = new Set<string>();
  for (const { value } of rows) {
    if (!value) continue;
    words.add(value.toLowerCase());
    for (const word of value.toLowerCase().split(/[\s,;()"«»<>]+/)) if (word) words.add(word);
  }
  return words;
}

/**
 * The visible text of the page (text nodes whose element is rendered, plus the placeholders,
 * labels and titles a user reads), as written in the DOM: `textContent`, not `innerText`, so an
 * English button that CSS upper-cases still reads as English.
 */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(VISIBLE_TEXTS);
}

// Runs in the page; a string, because the server's TypeScript has no DOM types.
const VISIBLE_TEXTS = `(() => {
  const texts = [];
  const shown = (element) =>
    element !== null &&
    element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) &&
    element.closest('[translate="no"], script, style, noscript, textarea') === null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.trim();
    if (text && shown(node.parentElement)) texts.push(text);
  }
  for (const element of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    if (!shown(element)) continue;
    for (const name of ['placeholder', 'aria-label', 'title']) {
      const value = element.getAttribute(name)?.trim();
      if (value) texts.push(value);
    }
  }
  return texts;
})()`;

/** The words of a text, trimmed of the punctuation around them. */
function tokens(text: string): string[] {
  return text
    .split(/[\s/]+/)
    .map((token) => token.replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, ''))
    .filter((token) => token.length > 0);
}

/**
 * What the page shows that it should not in `locale`: i18n keys, raw codes and, on the Russian
 * side, English words. Data (anything in `data`: names, logins, e-mails, devices) and the
 * technical terms Russian IT writes in Latin are allowed.
 */
export async function languageFindings(
  page: Page,
  locale: 'ru' | 'en',
  data: ReadonlySet<string>,
): Promise<LanguageFinding[]> {
  const findings: LanguageFinding[] = [];
  for (const text of await visibleTexts(page)) {
    if (data.has(text.toLowerCase())) continue;
    for (const token of tokens(text)) {
      const lower = token.toLowerCase();
      if (data.has(lower) || token.includes('@') || /^\d/.test(token) || HEX.test(token)) continue;
      if (DOTTED.test(token)) {
        // A host or an e-mail domain is data; a key or an action code is not.
        if (/\.(ru|com|org|net|local|example|test|internal|corp)$/i.test(token)) continue;
        findings.push({ kind: 'untranslated key', token, in: text });
      } else if (SNAKE.test(token)) findings.push({ kind: 'raw code', token, in: text });
      else if (
        locale === 'ru' &&
        LATIN_WORD.test(token) &&
        !LATIN_TERMS.has(lower) &&
        // `IP-адрес`, `UTF-8`, `Windows-1251`: only the Latin parts must be terms.
        !token
          .split(/[-–.:]/)
          .every((part) => !LATIN_WORD.test(part) || LATIN_TERMS.has(part.toLowerCase()))
      )
        findings.push({ kind: 'English on the Russian side', token, in: text });
    }
  }
  return findings;
}

/** A readable list of findings for an assertion message. */
export function describeFindings(screen: string, findings: readonly LanguageFinding[]): string {
  const lines = findings
    .slice(0, 20)
    .map((f) => `  ${f.kind}: «${f.token}» in «${f.in.slice(0, 120)}»`);
  return `${screen}:\n${lines.join('\n')}${findings.length > 20 ? `\n  … and ${findings.length - 20} more` : ''}`;
}
