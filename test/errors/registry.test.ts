import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSync } from '@swc/core';
import { describe, expect, it } from 'vitest';
import { errorsEn } from '../../admin-ui/src/i18n/errors/en.ts';
import { errorsRu } from '../../admin-ui/src/i18n/errors/ru.ts';
import {
  FIELD_CODES,
  PROBLEM_CODES,
  ROW_CODES,
  RUN_ERROR_CODES,
  SAFETY_CODES,
} from '../../server/shared/errorCodes.ts';

const SERVER = join(import.meta.dirname, '../../server');
const CYRILLIC = /[А-Яа-яЁё]/;
const PLACEHOLDER = /%\{(\w+)\}/g;

/** Each registry beside the dictionary section that must translate it. */
const SECTIONS = [
  { name: 'errors', codes: PROBLEM_CODES, en: errorsEn.errors, ru: errorsRu.errors },
  {
    name: 'field_errors',
    codes: FIELD_CODES,
    en: errorsEn.field_errors,
    ru: errorsRu.field_errors,
  },
  { name: 'row_errors', codes: ROW_CODES, en: errorsEn.row_errors, ru: errorsRu.row_errors },
  { name: 'run_errors', codes: RUN_ERROR_CODES, en: errorsEn.run_errors, ru: errorsRu.run_errors },
  {
    name: 'safety_reasons',
    codes: SAFETY_CODES,
    en: errorsEn.safety_reasons,
    ru: errorsRu.safety_reasons,
  },
] as const;

const placeholders = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);

describe('the console translates every registered error code', () => {
  for (const section of SECTIONS) {
    const en = section.en as Record<string, string | undefined>;
    const ru = section.ru as Record<string, string | undefined>;
    for (const [code, params] of Object.entries(section.codes) as [string, readonly string[]][]) {
      it(`${section.name}.${code}: English and Russian, Russian in Cyrillic, params registered`, () => {
        const english = en[code];
        const russian = ru[code];
        expect(english, `no English text for ${section.name}.${code}`).toBeTypeOf('string');
        expect(russian, `no Russian text for ${section.name}.${code}`).toBeTypeOf('string');
        if (!english || !russian) return;
        // The generic fallback is what shows for an unknown code: it is not a translation.
        expect(russian).not.toBe(errorsRu.error_fallback);
        expect(english).not.toBe(errorsEn.error_fallback);
        expect(russian, `${section.name}.${code} reads the same in both languages`).not.toBe(
          english,
        );
        expect(russian, `${section.name}.${code} has no Cyrillic`).toMatch(CYRILLIC);
        // A message may only use the params the server sends (plus polyglot's plural count).
        const allowed = new Set([...params, 'smart_count']);
        for (const name of [...placeholders(english), ...placeholders(russian)])
          expect(allowed, `${section.name}.${code} uses %{${name}}`).toContain(name);
        // Both languages say the same facts.
        expect(new Set(placeholders(russian))).toEqual(new Set(placeholders(english)));
      });
    }
  }

  it('has no translation for a code the server does not register (a stale key)', () => {
    for (const section of SECTIONS) {
      const codes = Object.keys(section.codes).sort();
      expect(Object.keys(section.en).sort(), section.name).toEqual(codes);
      expect(Object.keys(section.ru).sort(), section.name).toEqual(codes);
    }
  });
});

function serverFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return serverFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Where a call passes its problem code: the argument index per callee. */
const CODE_ARGUMENT: Record<string, number> = {
  AppError: 1,
  badRequest: 0,
  conflict: 0,
  unprocessable: 0,
  unauthenticated: 1,
  ForbiddenError: 2,
};

/** An SWC AST node, walked generically. */
type Node = { type?: string; [key: string]: unknown };

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** A string literal's value, seen through casts (`'x' as Code`) and parentheses. */
function literal(value: unknown): string | null {
  if (!isNode(value)) return null;
  if (value.type === 'StringLiteral') return value.value as string;
  if (
    [
      'TsAsExpression',
      'TsSatisfiesExpression',
      'TsConstAssertion',
      'ParenthesisExpression',
    ].includes(value.type ?? '')
  )
    return literal(value.expression);
  return null;
}
const identifier = (value: unknown) =>
  isNode(value) && value.type === 'Identifier' ? (value.value as string) : null;

/** The string value of `key: '…'` in an object expression, or null. */
function member(object: Node, key: string): string | null | undefined {
  for (const property of object.properties as Node[]) {
    if (property.type !== 'KeyValueProperty' || identifier(property.key) !== key) continue;
    return literal(property.value);
  }
  return undefined;
}

/**
 * The codes server/ throws as literals (parsed with SWC, not matched as text): the code argument
 * of `new AppError(…)`, of the helpers, of `super(…)` in a class extending AppError or
 * ForbiddenError, and `code: '…'` beside `status` in an object literal (the HTTP parser's
 * refusals). Field codes: `code: '…'` in an object with a `path` (a field problem), and a zod
 * refinement's `params: { code: '…' }`.
 */
function thrownCodes(): { problems: Map<string, string>; fields: Map<string, string> } {
  const problems = new Map<string, string>();
  const fields = new Map<string, string>();
  for (const file of serverFiles(SERVER)) {
    if (file.endsWith('errorCodes.ts')) continue;
    const at = relative(SERVER, file);
    const module = parseSync(readFileSync(file, 'utf8'), { syntax: 'typescript' });
    const visit = (node: unknown, superClass: string | null, parentKey: string | null): void => {
      if (Array.isArray(node)) {
        for (const item of node) visit(item, superClass, parentKey);
        return;
      }
      if (!isNode(node)) return;
      let base = superClass;
      if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression')
        base = identifier(node.superClass);
      if (node.type === 'CallExpression' || node.type === 'NewExpression') {
        const callee = node.callee as Node;
        const name = callee?.type === 'Super' ? superClass : identifier(callee);
        const index = name ? CODE_ARGUMENT[name] : undefined;
        const argument = index === undefined ? undefined : (node.arguments as Node[])?.[index];
        const code = literal(argument?.expression);
        if (code) problems.set(code, at);
      }
      if (node.type === 'ObjectExpression') {
        const code = member(node, 'code');
        // `code: 'custom'` is zod's own issue kind (ctx.addIssue), not one of ours.
        if (code && code !== 'custom') {
          if (member(node, 'status') !== undefined) problems.set(code, at);
          if (member(node, 'path') !== undefined || parentKey === 'params') fields.set(code, at);
        }
      }
      for (const [key, value] of Object.entries(node)) {
        if (key === 'span') continue;
        // A property's value knows its key (`params: { code }`).
        const keyName = node.type === 'KeyValueProperty' ? identifier(node.key) : parentKey;
        visit(value, base, key === 'value' ? keyName : null);
      }
    };
    visit(module, null, null);
  }
  return { problems, fields };
}

describe('every code thrown in server/ is registered', () => {
  const { problems, fields } = thrownCodes();

  it('finds the codes it scans for (the scan itself works)', () => {
    expect(problems.size).toBeGreaterThan(80);
    expect(problems.has('password_rejected')).toBe(true);
    expect(problems.has('account_locked')).toBe(true); // super(…) in a subclass
    expect(problems.has('headers_too_large')).toBe(true); // the HTTP parser's refusals
    expect(fields.has('invalid_phone')).toBe(true); // a zod refinement's params
    expect(fields.has('must_be_future')).toBe(true); // a field problem with a path
  });

  it('registers each problem code', () => {
    const unregistered = [...problems].filter(([code]) => !Object.hasOwn(PROBLEM_CODES, code));
    expect(unregistered.map(([code, at]) => `${code} (${at})`)).toEqual([]);
  });

  it('registers each field code', () => {
    const unregistered = [...fields].filter(([code]) => !Object.hasOwn(FIELD_CODES, code));
    expect(unregistered.map(([code, at]) => `${code} (${at})`)).toEqual([]);
  });
});
