import { mergeTranslations } from 'react-admin';
import { accessViewsEn, accessViewsRu } from './accessViews';
import { configChangesEn, configChangesRu } from './configChanges';
import { elevationEn, elevationRu } from './elevation';
import { en } from './en';
import { errorsEn } from './errors/en';
import { planNotesEn, planNotesRu } from './errors/planNotes';
import { errorsRu } from './errors/ru';
import { grantsEn, grantsRu } from './grants';
import { reviewsEn, reviewsRu } from './reviews';
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
  configChangesEn,
  elevationEn,
  accessViewsEn,
  reviewsEn,
  grantsEn,
) as typeof en &
  typeof errorsEn &
  typeof planNotesEn &
  typeof termsEn &
  typeof configChangesEn &
  typeof elevationEn &
  typeof accessViewsEn &
  typeof reviewsEn;

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
  configChangesRu,
  elevationRu,
  accessViewsRu,
  reviewsRu,
  grantsRu,
) as typeof ru &
  typeof errorsEn &
  typeof planNotesEn &
  typeof termsRu &
  typeof configChangesEn &
  typeof elevationEn &
  typeof accessViewsEn &
  typeof reviewsEn;
