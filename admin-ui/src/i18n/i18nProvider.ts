import polyglotI18nProvider from 'ra-i18n-polyglot';
import type { I18nProvider } from 'react-admin';
import { messagesEn, messagesRu } from './messages';

/** Where the chosen language is remembered. */
export const LOCALE_KEY = 'frisbee.locale';
export type Locale = 'ru' | 'en';

function storedLocale(): Locale {
  try {
    const value = localStorage.getItem(LOCALE_KEY);
    if (value === 'ru' || value === 'en') return value;
  } catch {
    // Storage may be unavailable (private mode); fall back to the browser's language.
  }
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

const base = polyglotI18nProvider(
  (locale) => (locale === 'en' ? messagesEn : messagesRu),
  storedLocale(),
  [
    { locale: 'ru', name: 'Русский' },
    { locale: 'en', name: 'English' },
  ],
);

/** Polyglot with Russian and English; a change of language is remembered in localStorage. */
export const i18nProvider: I18nProvider = {
  ...base,
  changeLocale(locale, options) {
    try {
      localStorage.setItem(LOCALE_KEY, locale);
    } catch {
      // Not remembered, still switched.
    }
    document.documentElement.lang = locale;
    return base.changeLocale(locale, options);
  },
};

document.documentElement.lang = storedLocale();
