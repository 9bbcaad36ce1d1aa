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

/** A token of `q`: free text, a phone fragment, or the initials of a name ("Д.И."). */
export type SearchToken =
  | { kind: 'text'; text: string; phoneDigits: string | null }
  | { kind: 'initials'; letters: string[] };

// "Д.", "Д.И.", "Д.И" (the last dot is often left out); a lone letter without a dot stays text.
const INITIALS = /^(?:\p{L}\.)+\p{L}?$/u;
// Initials written against the family name: "Д.И.Бондаренко".
// What may follow "Д." as more initials: "И.", "И", "И.О.".
const INITIALS_MORE = /^(?:\p{L}\.)*\p{L}\.?$/u;
const INITIALS_THEN_NAME = /^((?:\p{L}\.)+)(\p{L}[\p{L}\-']+)$/u;

const lettersOf = (initials: string) => [...initials.replace(/\./g, '')];

/**
 * Splits `q` into tokens. Consecutive tokens made only of phone characters are merged, so that
 * "+7 916 123" is one phone fragment rather than three unrelated numbers; initials written
 * apart ("Д. И.") are merged into one group, because Russians write «Фамилия И. О.» both ways.
 * Commas separate like spaces ("Бондаренко, Д.И.").
 */
export function tokenize(q: string): SearchToken[] {
  const words = q
    .split(/[\s,]+/)
    .filter((word) => word !== '')
    .flatMap((word) => {
      const split = INITIALS_THEN_NAME.exec(word);
      return split?.[1] && split[2] ? [split[1], split[2]] : [word];
    });
  const groups: string[][] = [];
  for (const word of words) {
    const last = groups.at(-1);
    const lastWord = last?.at(-1);
    const phoneRun = lastWord && PHONE_CHARS.test(lastWord) && PHONE_CHARS.test(word);
    // "Д. И" is one group too: the dot after the last initial is often left out.
    const initialsRun =
      lastWord?.endsWith('.') && INITIALS.test(lastWord) && INITIALS_MORE.test(word);
    if (last && (phoneRun || initialsRun)) last.push(word);
    else groups.push([word]);
  }
  return groups.slice(0, MAX_TOKENS).map((group): SearchToken => {
    const joined = group.join('');
    if (INITIALS.test(joined)) return { kind: 'initials', letters: lettersOf(joined) };
    const text = group.join(' ');
    const digits = text.replace(/\D/g, '');
    const phoneLike = PHONE_CHARS.test(text.replace(/ /g, '')) && digits.length >= 3;
    return {
      kind: 'text',
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
 * Initials as Russians write them after (or before) the family name: the first letter is the
 * given name's, the second the patronymic's («Бондаренко Д.И.» is Дмитрий Игоревич, not Игорь
 * Дмитриевич). Folded like `search_text` (case, ё/е). The expressions are those of
 * `app_user_initials_idx`, so initials alone are index-served; with a family name the trigram
 * index answers and the letters filter its rows. Letters past the patronymic's are ignored.
 */
function initialsCondition(letters: string[], alias: string): SqlCondition {
  const columns = [`${alias}.given_name`, `${alias}.middle_name`];
  const used = letters.slice(0, columns.length);
  return {
    sql: `(${used.map((_, index) => `left(fold_search(${columns[index]}), 1) = fold_search(?)`).join(' and ')})`,
    bindings: used,
  };
}

/**
 * The conditions for `q`. Text matches the generated `search_text` column (folded with the same
 * `fold_search()` as the column, so case and ё/е do not matter); phone fragments also match the
 * digits of the E.164 phone. A Russian domestic number starts with the trunk prefix 8 where
 * E.164 has 7, so a fragment starting with 8 also matches numbers starting with 7. Tokens of
 * fewer than three characters match word starts (see `wordPrefix`); initials match the given
 * name and patronymic (see `initialsCondition`).
 */
export function searchConditions(q: string | undefined, alias = 'u'): SqlCondition[] {
  if (!q) return [];
  return tokenize(q).map((token) => {
    if (token.kind === 'initials') return initialsCondition(token.letters, alias);
    const { text, phoneDigits } = token;
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
