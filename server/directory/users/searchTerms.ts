/**
 * Turns the free-text `q` of the people list into SQL conditions: every token must match.
 * Kept pure (no database) so the parsing rules are easy to read and to test.
 */

/** One SQL condition with its `?` bindings. */
export interface SqlCondition {
  sql: string;
  bindings: string[];
}

const PHONE_CHARS = /^[+()\-\d]+$/;
const MAX_TOKENS = 8;
const WORD = /^[\p{L}\p{N}]+$/u;

/** Escapes LIKE's wildcards and its escape character so user text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Splits `q` into tokens. Consecutive tokens made only of phone characters are merged, so that
 * "+7 916 123" is one phone fragment rather than three unrelated numbers.
 */
export function tokenize(q: string): { text: string; phoneDigits: string | null }[] {
  const words = q.split(/\s+/).filter((word) => word !== '');
  const groups: string[][] = [];
  for (const word of words) {
    const last = groups.at(-1);
    const lastWord = last?.at(-1);
    if (last && lastWord && PHONE_CHARS.test(lastWord) && PHONE_CHARS.test(word)) last.push(word);
    else groups.push([word]);
  }
  return groups.slice(0, MAX_TOKENS).map((group) => {
    const text = group.join(' ');
    const digits = text.replace(/\D/g, '');
    const phoneLike = PHONE_CHARS.test(text.replace(/ /g, '')) && digits.length >= 3;
    return {
      text: phoneLike ? text.replace(/ /g, '') : text,
      phoneDigits: phoneLike ? digits : null,
    };
  });
}

/**
 * A token of one or two characters has no trigram of its own, so `%ab%` would scan the whole
 * table; it matches the start of a word instead (`ив` finds Иван, not Давид), which pg_trgm can
 * answer from the index through the word-boundary trigrams (" ив", "  и"). Short tokens of
 * punctuation (`%`, `_`) keep the substring match: rare, and only useful literally.
 */
function wordPrefix(text: string, alias: string): SqlCondition {
  const token = escapeLike(text);
  return {
    sql: `(${alias}.search_text like fold_search(?) || '%' or ${alias}.search_text like '% ' || fold_search(?) || '%')`,
    bindings: [token, token],
  };
}

/**
 * The conditions for `q`. Text matches the generated `search_text` column (folded with the same
 * `fold_search()` as the column, so case and ё/е do not matter); phone fragments also match the
 * digits of the E.164 phone. A Russian domestic number starts with the trunk prefix 8 where
 * E.164 has 7, so a fragment starting with 8 also matches numbers starting with 7. Tokens of
 * fewer than three characters match word starts (see `wordPrefix`).
 */
export function searchConditions(q: string | undefined, alias = 'u'): SqlCondition[] {
  if (!q) return [];
  return tokenize(q).map(({ text, phoneDigits }) => {
    if ([...text].length < 3 && WORD.test(text)) return wordPrefix(text, alias);
    const name = `${alias}.search_text like '%' || fold_search(?) || '%'`;
    if (!phoneDigits) return { sql: name, bindings: [escapeLike(text)] };
    const parts = [name, `${alias}.phone_digits like ?`];
    const bindings = [escapeLike(text), `%${phoneDigits}%`];
    if (phoneDigits.startsWith('8') && phoneDigits.length <= 11 && !text.startsWith('+')) {
      parts.push(`${alias}.phone_digits like ?`);
      bindings.push(`7${phoneDigits.slice(1)}%`);
    }
    return { sql: `(${parts.join(' or ')})`, bindings };
  });
}
