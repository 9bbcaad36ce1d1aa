/** A dictionary: nested objects of strings, as polyglot reads them. */
export interface Messages {
  [key: string]: string | Messages;
}

/** The console's dictionaries, flattened to `dotted.key → text`. */
export interface Dictionaries {
  en: Map<string, string>;
  ru: Map<string, string>;
}

/** Flattens a dictionary to `dotted.key → text` (polyglot's own view of it). */
export function flatten(messages: Messages, prefix = '', out = new Map<string, string>()) {
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else flatten(value, path, out);
  }
  return out;
}

/**
 * Loads what the console actually gives polyglot (admin-ui/src/i18n/messages.ts: react-admin's
 * packs, the app's messages and the terms). Imported by a computed path: the console's modules
 * use its bundler's extensionless imports, which the server's tsconfig does not accept, while
 * vitest resolves them as Vite does.
 */
export async function loadDictionaries(): Promise<Dictionaries> {
  const { en, ru } = await loadMessages();
  return { en: flatten(en), ru: flatten(ru) };
}

/** The same dictionaries as nested objects, as polyglot is given them. */
export async function loadMessages(): Promise<{ en: Messages; ru: Messages }> {
  const url = new URL('../../admin-ui/src/i18n/messages.ts', import.meta.url).href;
  const module = (await import(/* @vite-ignore */ url)) as {
    messagesEn: Messages;
    messagesRu: Messages;
  };
  return { en: module.messagesEn, ru: module.messagesRu };
}

/** Whether a text is written in Cyrillic (a Russian sentence has at least one such letter). */
export const CYRILLIC = /[А-Яа-яЁё]/;
