import { formatDate } from '../format.ts';
import { messageArgs, rowErrorMessage, type Translate } from './problemText.ts';

/**
 * A plan item's notes in the console's language (issue 16): each note's code
 * (`plan_notes.<code>`, server/shared/errorCodes.ts PLAN_NOTE_CODES) filled with its params, the
 * attribute and key params as words, dates in the locale, an import row's own error translated.
 * Items of plans made before notes had codes carry only English: that text is shown as it is,
 * marked as coming from an older version, rather than nothing.
 */

/** One note as the API sends it. */
export interface PlanNote {
  code: string;
  params: Record<string, unknown>;
}

/** One line of the «Note» column: the text, and whether it is an older version's English. */
export interface NoteLine {
  text: string;
  legacy: boolean;
}

// A refused value as the server quotes it: JSON (controls escaped), `…` when shortened.
const JSON_QUOTED = /^"(.*)"(…?)$/s;

/** A param as the message shows it. */
function paramText(translate: Translate, locale: string, name: string, value: unknown): unknown {
  if (value === null || value === undefined)
    return name === 'date' ? translate('plan_note_earlier') : '—';
  if (name === 'attribute') return translate(`plan_attributes.${value}`, { _: String(value) });
  if (name === 'key') return translate(`plan_keys.${value}`, { _: String(value) });
  if (name === 'date' && typeof value === 'string') return formatDate(value, locale);
  // In Russian text a value stands in «ёлочки», the escapes inside kept as the server wrote them.
  if (name === 'value' && typeof value === 'string' && locale === 'ru') {
    const quoted = JSON_QUOTED.exec(value);
    if (quoted) return `«${quoted[1]}${quoted[2]}»`;
  }
  if (name === 'error' && typeof value === 'object') {
    const error = value as { code?: string; params?: Record<string, unknown> };
    return rowErrorMessage(translate, { ...error, message: error.code ?? '' });
  }
  return value;
}

/** One note's text, or null when the console has no text for its code (a newer server). */
export function planNoteText(translate: Translate, locale: string, note: PlanNote): string | null {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(note.params ?? {}))
    params[name] = paramText(translate, locale, name, value);
  const key = `plan_notes.${note.code}`;
  const text = translate(key, { ...messageArgs(translate, params), _: '' });
  return text === '' || text === key || text.includes('%{') ? null : text;
}

/**
 * The lines of one part of an item's note: its coded notes when it has them (and the console
 * can say each one), else its English text marked as an older version's.
 */
export function noteLines(
  translate: Translate,
  locale: string,
  notes: readonly PlanNote[] | null | undefined,
  english: string | null | undefined,
): NoteLine[] {
  if (notes) {
    const texts = notes.map((note) => planNoteText(translate, locale, note));
    if (texts.every((text): text is string => text !== null))
      return texts.map((text) => ({ text, legacy: false }));
  }
  return english ? [{ text: english, legacy: true }] : [];
}
