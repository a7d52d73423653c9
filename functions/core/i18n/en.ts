/**
 * The English message catalogue. Keys are prefixed by area (`layout.`, `pages.`, `center.`, `console.`);
 * `{name}` is a placeholder `t()` fills. Every key must exist in every other catalogue (es.ts is typed to this one, so a
 * missing translation does not compile). California asks for notices in the languages a business uses
 * (11 CCR §7003(a)); Spanish is the second language offered.
 */
export const en = {
  'layout.languageName': 'English',
  'layout.languages': 'Language',
  'layout.skip': 'Skip to the main content',
  'layout.centerName': 'Privacy center',
  'layout.consoleName': 'Privacy operations console',
} as const;
