import { scimBad } from './errors.ts';
import { hasUnsafeCharacters } from './text.ts';

/**
 * A SCIM filter (RFC 7644 §3.4.2.2) as a tree. Our own small parser: scimmy 1.3.5's Filter
 * flattens expressions into a disjunctive form that gets `not (a or b)` wrong and refuses a
 * `not (...)` nested in parentheses, and it accepts `userName eq` without a value.
 */
export type FilterNode =
  | { kind: 'compare'; path: string; op: CompareOp; value: FilterValue }
  | { kind: 'present'; path: string }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode };

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const MAX_FILTER_LENGTH = 4_000;
const MAX_DEPTH = 50;

type Token =
  | { t: 'word'; v: string }
  | { t: 'string'; v: string }
  | { t: '(' | ')' | '[' | ']' }
  | { t: 'subattr'; v: string };

const WORD = /[A-Za-z0-9_:$.+-]/;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
    } else if (c === '(' || c === ')' || c === '[') {
      tokens.push({ t: c });
      i += 1;
    } else if (c === ']') {
      tokens.push({ t: ']' });
      i += 1;
      // `emails[type eq "work"].value`: the sub-attribute after a value filter.
      const after = /^\.([A-Za-z][A-Za-z0-9_$-]*)/.exec(input.slice(i));
      if (after?.[1]) {
        tokens.push({ t: 'subattr', v: after[1] });
        i += after[0].length;
      }
    } else if (c === '"') {
      let j = i + 1;
      let raw = '"';
      while (j < input.length && input[j] !== '"') {
        raw += input[j] === '\\' ? `${input[j]}${input[j + 1] ?? ''}` : input[j];
        j += input[j] === '\\' ? 2 : 1;
      }
      if (j >= input.length) throw scimBad('invalidFilter', 'Unterminated string in filter');
      let value: string;
      try {
        value = JSON.parse(`${raw}"`) as string;
      } catch {
        throw scimBad('invalidFilter', 'Invalid escape in a filter string');
      }
      // No stored value holds these (the input schemas refuse them), and PostgreSQL refuses NUL.
      if (hasUnsafeCharacters(value))
        throw scimBad('invalidFilter', 'A filter string holds a control character');
      tokens.push({ t: 'string', v: value });
      i = j + 1;
    } else if (WORD.test(c)) {
      let j = i;
      while (j < input.length && WORD.test(input[j] as string)) j += 1;
      tokens.push({ t: 'word', v: input.slice(i, j) });
      i = j;
    } else {
      throw scimBad('invalidFilter', `Unexpected character ${JSON.stringify(c)} in filter`);
    }
  }
  return tokens;
}

/** Parses a filter; every syntax problem is a 400 invalidFilter. */
export function parseFilter(input: string): FilterNode {
  if (input.length > MAX_FILTER_LENGTH) throw scimBad('invalidFilter', 'The filter is too long');
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (token: Token | undefined, word: string) =>
    token?.t === 'word' && token.v.toLowerCase() === word;
  const fail = (what: string): never => {
    throw scimBad('invalidFilter', what);
  };

  function orExpr(depth: number): FilterNode {
    let left = andExpr(depth);
    while (isWord(peek(), 'or')) {
      pos += 1;
      left = { kind: 'or', left, right: andExpr(depth) };
    }
    return left;
  }
  function andExpr(depth: number): FilterNode {
    let left = unary(depth);
    while (isWord(peek(), 'and')) {
      pos += 1;
      left = { kind: 'and', left, right: unary(depth) };
    }
    return left;
  }
  function unary(depth: number): FilterNode {
    if (depth > MAX_DEPTH) fail('The filter is nested too deeply');
    const token = peek();
    if (isWord(token, 'not') && tokens[pos + 1]?.t === '(') {
      pos += 1;
      return { kind: 'not', expr: group(depth + 1) };
    }
    if (token?.t === '(') return group(depth + 1);
    return attrExpr(depth);
  }
  function group(depth: number): FilterNode {
    pos += 1; // '('
    const inner = orExpr(depth);
    if (peek()?.t !== ')') fail('Missing ")" in filter');
    pos += 1;
    return inner;
  }
  function attrExpr(depth: number, prefix = ''): FilterNode {
    const token = peek();
    if (token?.t !== 'word') return fail('Expected an attribute name in filter');
    pos += 1;
    const path = `${prefix}${token.v}`;
    if (!/^[A-Za-z]/.test(token.v)) fail(`Invalid attribute name ${JSON.stringify(token.v)}`);
    if (peek()?.t === '[') {
      // valuePath: attr[filter] — sub-attributes inside are relative to attr.
      pos += 1;
      const inner = valueFilter(depth + 1, `${path}.`);
      if (peek()?.t !== ']') fail('Missing "]" in filter');
      pos += 1;
      const sub = peek();
      if (sub?.t === 'subattr') {
        pos += 1;
        return { kind: 'and', left: inner, right: comparison(`${path}.${sub.v}`) };
      }
      return inner;
    }
    return comparison(path);
  }
  function valueFilter(depth: number, prefix: string): FilterNode {
    // The same grammar, with attribute names prefixed by the multi-valued attribute.
    let left = valueAnd(depth, prefix);
    while (isWord(peek(), 'or')) {
      pos += 1;
      left = { kind: 'or', left, right: valueAnd(depth, prefix) };
    }
    return left;
  }
  function valueAnd(depth: number, prefix: string): FilterNode {
    let left = valueUnary(depth, prefix);
    while (isWord(peek(), 'and')) {
      pos += 1;
      left = { kind: 'and', left, right: valueUnary(depth, prefix) };
    }
    return left;
  }
  function valueUnary(depth: number, prefix: string): FilterNode {
    if (depth > MAX_DEPTH) fail('The filter is nested too deeply');
    const token = peek();
    const negated = isWord(token, 'not') && tokens[pos + 1]?.t === '(';
    if (negated) pos += 1;
    if (peek()?.t === '(') {
      pos += 1;
      const inner = valueFilter(depth + 1, prefix);
      if (peek()?.t !== ')') fail('Missing ")" in filter');
      pos += 1;
      return negated ? { kind: 'not', expr: inner } : inner;
    }
    if (negated) fail('Expected "(" after not');
    return attrExpr(depth, prefix);
  }
  function comparison(path: string): FilterNode {
    const opToken = peek();
    if (opToken?.t !== 'word') return fail(`Expected an operator after ${path}`);
    const op = opToken.v.toLowerCase();
    pos += 1;
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPS.has(op)) fail(`Unknown operator ${JSON.stringify(opToken.v)}`);
    const valueToken = peek();
    if (!valueToken) return fail(`Expected a value after ${path} ${op}`);
    pos += 1;
    return { kind: 'compare', path, op: op as CompareOp, value: literal(valueToken) };
  }
  function literal(token: Token): FilterValue {
    if (token.t === 'string') return token.v;
    if (token.t !== 'word') return fail('Expected a value in filter');
    const word = token.v.toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(token.v)) return Number(token.v);
    return fail(`Invalid value ${JSON.stringify(token.v)} in filter (strings need quotes)`);
  }

  if (tokens.length === 0) fail('The filter is empty');
  const tree = orExpr(0);
  if (pos < tokens.length) fail('Unexpected text at the end of the filter');
  return tree;
}
