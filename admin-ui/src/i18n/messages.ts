import { mergeTranslations } from 'react-admin';
import { en } from './en';
import { errorsEn } from './errors/en';
import { planNotesEn, planNotesRu } from './errors/planNotes';
import { errorsRu } from './errors/ru';
import { grantsEn, grantsRu } from './grants';
import { ru } from './ru';
import { raRu, termsEn, termsRu } from './terms';

// The error codes' texts live in a module of their own (test/errors/registry.test.ts reads it);
// the Russian one must have the English one's shape.
const errorsRuChecked: typeof errorsEn = errorsRu;

/**
 * Everything the console says in English: react-admin's, the app's, the error codes'
 * (errors/en.ts), the sync plan notes' (errors/planNotes.ts) and the terms (terms.ts).
 */
export const messagesEn = mergeTranslations(
  en,
  errorsEn,
  planNotesEn,
  termsEn,
  grantsEn,
) as typeof en & typeof errorsEn & typeof planNotesEn & typeof termsEn;

/**
 * Everything the console says in Russian: react-admin's pack mended where it is wrong
 * (terms.ts `raRu`), the app's messages, the error codes' and the terms.
 */
export const messagesRu = mergeTranslations(
  ru,
  raRu,
  errorsRuChecked,
  planNotesRu,
  termsRu,
  grantsRu,
) as typeof ru & typeof errorsEn & typeof planNotesEn & typeof termsRu;
