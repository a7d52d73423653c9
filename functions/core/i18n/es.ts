import type { Catalog } from './catalog-type';

/** El catálogo en español (ver en.ts: las mismas claves, todas obligatorias). */
export const es: Catalog = {
  'layout.languageName': 'Español',
  'layout.languages': 'Idioma',
  'layout.skip': 'Ir al contenido principal',
  'layout.centerName': 'Centro de privacidad',
  'layout.consoleName': 'Consola de operaciones de privacidad',
};
