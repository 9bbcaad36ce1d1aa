import { mergeTranslations } from 'react-admin';
import { en } from './en';
import { ru } from './ru';
import { raRu, termsEn, termsRu } from './terms';

/** Everything the console says in English: react-admin's, the app's, and the terms (terms.ts). */
export const messagesEn = mergeTranslations(en, termsEn) as typeof en & typeof termsEn;

/**
 * Everything the console says in Russian: react-admin's pack mended where it is wrong
 * (terms.ts `raRu`), the app's messages and the terms.
 */
export const messagesRu = mergeTranslations(ru, raRu, termsRu) as typeof ru & typeof termsRu;
