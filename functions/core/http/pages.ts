import type { Lang } from '../i18n/catalog';
import { type Html, h, layoutPage, raw } from './layout';

/**
 * The pages behind the links people click in their mail, in the product's one layout (./layout.ts: same-origin
 * stylesheet, strict CSP, no scripts). `extra` is markup the caller built (escape what it quotes: prefer `h`).
 */
export function page(statusCode: number, title: string, message: string, extra: string | Html = '', lang: Lang = 'en') {
  const more = typeof extra === 'string' ? raw(extra) : extra;
  return layoutPage({ status: statusCode, lang, title, area: 'subject', body: h`<p>${message}</p>${more}` });
}

export interface FormButton {
  /** sent as `action=<value>`; the first button is the default */
  value: string;
  label: string;
}

/**
 * A page whose buttons POST `token` (and the pressed button's `action`) to `action`. Opening a link must never act by
 * itself: mail scanners and link previews fetch links in mail, and a deletion must not be confirmed by a robot.
 */
export function confirmPage(
  title: string,
  message: string,
  action: string,
  token: string,
  buttons: readonly FormButton[],
  lang: Lang = 'en',
) {
  const controls = buttons.map(
    (b, i) =>
      h`<button type="submit" name="action" value="${b.value}"${raw(i === 0 ? '' : ' class="secondary"')}>${b.label}</button>`,
  );
  const form = h`<form method="post" action="${action}"><input type="hidden" name="token" value="${token}">${controls}</form>`;
  return page(200, title, message, form, lang);
}
