import { parse } from 'csv-parse/sync';

/** The delimiters an import may use. */
export const DELIMITERS = [';', ',', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

// Enough lines to judge by, few enough to try every candidate quickly on a large file.
const SAMPLE_LINES = 20;
const SAMPLE_CHARS = 256 * 1_024;

/** How well a delimiter splits the sample: rows with the header's column count, and that count. */
function score(sample: string, delimiter: Delimiter): { consistent: number; columns: number } {
  try {
    const rows = parse(sample, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      to_line: SAMPLE_LINES,
    }) as string[][];
    const columns = rows[0]?.length ?? 0;
    if (columns < 2) return { consistent: 0, columns };
    return { consistent: rows.filter((row) => row.length === columns).length, columns };
  } catch {
    // An unclosed quote in the sample (the cut, or this delimiter splits quoted text oddly).
    return { consistent: 0, columns: 0 };
  }
}

/**
 * Picks the delimiter among `;` `,` and tab that splits the first lines into the most rows of
 * one consistent column count above 1 (quotes respected by the parser); more columns break a
 * tie. A file with a single column gets `;` and fails later for its missing columns.
 */
export function detectDelimiter(text: string): Delimiter {
  let sample = text.slice(0, SAMPLE_CHARS);
  if (text.length > SAMPLE_CHARS) {
    const cut = sample.lastIndexOf('\n');
    if (cut > 0) sample = sample.slice(0, cut);
  }
  let best: { delimiter: Delimiter; consistent: number; columns: number } = {
    delimiter: ';',
    consistent: 0,
    columns: 0,
  };
  for (const delimiter of DELIMITERS) {
    const result = score(sample, delimiter);
    if (
      result.consistent > best.consistent ||
      (result.consistent === best.consistent && result.columns > best.columns)
    )
      best = { delimiter, ...result };
  }
  return best.delimiter;
}
