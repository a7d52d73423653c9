import type { OptOutScope, RequestType } from '../core/domain/request';

/**
 * Which right a mail asks for, guessed from its subject and text. A guess is only made when it is clear: exactly one
 * right's phrases occur. None, or phrases of two rights or more, is `unclear`: the request is still recorded and an
 * operator sets the right (decide.ts `type_unclear`), so a mail is never dropped because its words were unusual.
 *
 * The phrases are data, in one place: English and Spanish (the languages the privacy center speaks; a request may come
 * in either). They are matched on whole words after folding case and
 * accents and turning punctuation into spaces, so «eliminación» matches «eliminacion» and "don't" matches "don t".
 * Phrases are preferred to single words: "access" alone is in every "I cannot access my account" support mail.
 *
 * Rights that need more than the mail gives are not guessed (a correction needs the attribute and the value, a
 * withdrawal of consent its purpose): a mail asking one is unclear, and the operator asks the subject to use the form.
 */
export interface RightGuess {
  type: RequestType;
  /** for an opt-out: what it is about */
  scope?: OptOutScope;
}

interface RightPhrases extends RightGuess {
  /** a name for the entry (what tests and logs name) */
  id: string;
  phrases: readonly string[];
}

export const RIGHT_PHRASES: readonly RightPhrases[] = [
  {
    id: 'deletion',
    type: 'deletion',
    phrases: [
      // English
      'delete my data',
      'delete my personal',
      'delete my account',
      'delete all my',
      'delete my information',
      'delete my details',
      'erase my',
      'erasure',
      'right to be forgotten',
      'forget me',
      'remove my data',
      'remove my personal',
      'remove my information',
      'deletion request',
      'request deletion',
      // Spanish
      'borrar mis datos',
      'borren mis datos',
      'borrado de mis datos',
      'eliminar mis datos',
      'eliminen mis datos',
      'eliminacion de mis datos',
      'eliminar mi cuenta',
      'supresion de mis datos',
      'derecho de supresion',
      'derecho al olvido',
      'cancelacion de mis datos',
    ],
  },
  {
    id: 'access',
    type: 'access',
    phrases: [
      'copy of my data',
      'copy of my personal',
      'copy of the data',
      'copy of all the data',
      'access to my data',
      'access to my personal',
      'access my data',
      'access request',
      'subject access',
      'right of access',
      'right to know',
      'what data you hold',
      'what data do you hold',
      'what data you have',
      'what data do you have',
      'what personal data',
      'what information you hold',
      'what information do you have',
      // Spanish
      'copia de mis datos',
      'acceso a mis datos',
      'acceder a mis datos',
      'derecho de acceso',
      'que datos tienen',
      'que datos personales tienen',
      'que informacion tienen',
    ],
  },
  {
    id: 'portability',
    type: 'portability',
    phrases: [
      'portability',
      'port my data',
      'transfer my data',
      'machine readable',
      'portabilidad',
      'transferir mis datos',
    ],
  },
  {
    id: 'opt_out_sale_sharing',
    type: 'opt_out',
    scope: 'sale_sharing',
    phrases: [
      'do not sell',
      'don t sell',
      'dont sell',
      'do not share',
      'don t share',
      'stop selling',
      'stop sharing',
      'opt out',
      'optout',
      'opt me out',
      'no vender',
      'no vendan',
      'no compartir',
      'no compartan',
      'dejen de vender',
      'dejen de compartir',
      'exclusion voluntaria',
    ],
  },
  {
    id: 'opt_out_marketing',
    type: 'opt_out',
    scope: 'marketing',
    phrases: [
      'unsubscribe',
      'stop sending me',
      'marketing emails',
      'marketing email',
      'no more emails',
      'darme de baja',
      'denme de baja',
      'no quiero recibir',
      'correos publicitarios',
    ],
  },
  {
    id: 'limit_sensitive',
    type: 'limit_sensitive',
    phrases: [
      'limit the use of my sensitive',
      'limit use of my sensitive',
      'sensitive personal information',
      'limitar el uso de mis datos sensibles',
      'datos personales sensibles',
    ],
  },
];

/** How much of a mail is read for the guess: the request is at the top; a long thread below it is not. */
const MAX_GUESS_CHARS = 4000;

/** Lowercase, accents off, anything but letters and digits a space, one space between words, a space at each end. */
export function fold(text: string): string {
  const words = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return ` ${words} `;
}

const FOLDED = RIGHT_PHRASES.map((entry) => ({ entry, phrases: entry.phrases.map(fold) }));

/** The subject and the sender's own lines (quoted lines left out), at most `max` characters. */
export function ownWords(subject: string, text: string, max: number): string {
  const own = text
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('>'))
    .join('\n')
    .trim();
  return `${subject.trim()}\n${own}`.slice(0, max);
}

/**
 * The one right the words ask for, or `unclear`. Quoted lines (`>`) are left out: a reply quoting our own mail must
 * not be read as asking for what our mail names.
 */
export function guessRight(subject: string, text: string): RightGuess | 'unclear' {
  const words = fold(ownWords(subject, text, MAX_GUESS_CHARS));
  const matched = FOLDED.filter(({ phrases }) => phrases.some((phrase) => words.includes(phrase)));
  const only = matched.length === 1 ? matched[0] : undefined;
  if (only === undefined) return 'unclear';
  return only.entry.scope ? { type: only.entry.type, scope: only.entry.scope } : { type: only.entry.type };
}
