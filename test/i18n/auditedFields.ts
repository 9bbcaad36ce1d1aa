import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@babel/parser';

/** Where an audited field name was found in the server's source. */
export interface FieldSite {
  field: string;
  file: string;
}

/** The few shapes of Babel's AST this walk reads (a node is a plain object with a `type`). */
interface AstNode {
  type: string;
  [key: string]: unknown;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}

function children(node: AstNode): AstNode[] {
  const found: AstNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments') continue;
    if (Array.isArray(value)) for (const item of value) if (isNode(item)) found.push(item);
    if (isNode(value)) found.push(value);
  }
  return found;
}

function serverFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return serverFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The name of an identifier or string-literal key; null for a computed one. */
function keyName(node: unknown): string | null {
  if (!isNode(node)) return null;
  if (node.type === 'Identifier') return node.name as string;
  if (node.type === 'StringLiteral') return node.value as string;
  return null;
}

/** The keys an object literal spells out (shorthand `{ status }` included). */
function literalKeys(node: AstNode): string[] {
  return (node.properties as AstNode[]).flatMap((property) => {
    if (property.type !== 'ObjectProperty' || property.computed) return [];
    const name = keyName(property.key);
    return name === null ? [] : [name];
  });
}

function walk(node: AstNode, visit: (node: AstNode) => void): void {
  visit(node);
  for (const child of children(node)) walk(child, visit);
}

/**
 * Each server source file whose text passes `mentions`, parsed: its path from `root` and its
 * program, for the scans below (a file that cannot hold what they look for is not parsed).
 */
function* serverPrograms(
  root: string,
  mentions: (text: string) => boolean,
): Generator<{ file: string; program: AstNode }> {
  for (const path of serverFiles(join(root, 'server'))) {
    const text = readFileSync(path, 'utf8');
    if (!mentions(text)) continue;
    const program = parse(text, { sourceType: 'module', plugins: ['typescript'] })
      .program as unknown as AstNode;
    yield { file: relative(root, path), program };
  }
}

/**
 * Every field name the server's audit diffs spell out in its source: the keys of `before` and
 * `after` object literals inside a `diff: …` property; of the variables a diff uses as a side
 * (`diff: { after: fields }`, `{ before: diffBefore }`) or names `before`/`after`, whether
 * written as a literal or assigned key by key (`before.email = …`); and field names listed in
 * arrays inside a diff (`pick(user, [...PROFILE_FIELDS, 'status'])`). Diffs built from a field
 * list (`PROFILE_FIELDS`, a source's view, a patch body) are not visible here: the test adds
 * those lists from the server's own constants.
 */
export function auditedFieldsInSource(root: string): FieldSite[] {
  const sites: FieldSite[] = [];
  for (const { file, program } of serverPrograms(root, (text) => /\bdiff\b/.test(text))) {
    const add = (fields: string[]) => {
      for (const field of fields) sites.push({ field, file });
    };
    // Pass 1: what the diffs hold, and which variables they use as a side.
    const sides = new Set(['before', 'after']);
    walk(program, (node) => {
      if (node.type !== 'ObjectProperty' || keyName(node.key) !== 'diff' || !isNode(node.value))
        return;
      walk(node.value, (inner) => {
        if (
          inner.type === 'ObjectProperty' &&
          ['before', 'after'].includes(keyName(inner.key) ?? '')
        ) {
          const value = inner.value;
          if (isNode(value) && value.type === 'ObjectExpression') add(literalKeys(value));
          if (isNode(value) && value.type === 'Identifier') sides.add(value.name as string);
        }
        if (inner.type === 'ObjectProperty' && inner.shorthand) sides.add(keyName(inner.key) ?? '');
        if (inner.type === 'ArrayExpression')
          for (const element of inner.elements as unknown[])
            if (isNode(element) && element.type === 'StringLiteral') add([element.value as string]);
      });
    });
    // Pass 2: the keys those variables get.
    walk(program, (node) => {
      if (
        node.type === 'VariableDeclarator' &&
        sides.has(keyName(node.id) ?? '') &&
        isNode(node.init) &&
        node.init.type === 'ObjectExpression'
      )
        add(literalKeys(node.init));
      if (node.type === 'AssignmentExpression' && isNode(node.left)) {
        const left = node.left;
        if (
          left.type === 'MemberExpression' &&
          !left.computed &&
          sides.has(keyName(left.object) ?? '')
        ) {
          const name = keyName(left.property);
          if (name) add([name]);
        }
      }
    });
  }
  return sites;
}

/**
 * Every target type the server's audit events spell out (`targetType: 'sync_run'`), with where.
 * A type computed at run time is not seen; the server writes none today.
 */
export function auditTargetTypesInSource(root: string): FieldSite[] {
  const sites: FieldSite[] = [];
  for (const { file, program } of serverPrograms(root, (text) => text.includes('targetType'))) {
    walk(program, (node) => {
      if (
        node.type === 'ObjectProperty' &&
        keyName(node.key) === 'targetType' &&
        isNode(node.value) &&
        node.value.type === 'StringLiteral'
      )
        sites.push({ field: node.value.value as string, file });
    });
  }
  return sites;
}

/**
 * Every key an audit event's `details` spells out (`details: { door: 'bulk', … }`), with where.
 * Keys spread in from another object (`...query`) are not seen; they are the query's own fields.
 */
export function auditDetailKeysInSource(root: string): FieldSite[] {
  const sites: FieldSite[] = [];
  for (const { file, program } of serverPrograms(root, (text) => text.includes('details'))) {
    walk(program, (node) => {
      if (
        node.type === 'ObjectProperty' &&
        keyName(node.key) === 'details' &&
        isNode(node.value) &&
        node.value.type === 'ObjectExpression'
      )
        for (const key of literalKeys(node.value)) sites.push({ field: key, file });
    });
  }
  return sites;
}
