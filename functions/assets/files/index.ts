import { siteCss } from './site';

/** A same-origin static file: the pages' only styles and scripts (the CSP allows no other source). */
export interface Asset {
  readonly contentType: string;
  readonly body: string;
}

/**
 * Every file served at `/assets/{name}`. They are TypeScript strings so the function bundle carries them with no file
 * system reads, the same in the cloud and in the twin. Add a page's script here (e.g. `center.js`).
 */
export const ASSETS: Readonly<Record<string, Asset>> = {
  'site.css': { contentType: 'text/css; charset=utf-8', body: siteCss },
};
