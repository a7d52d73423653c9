import { html } from './responses';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Minimal, self-contained pages for the links people click in their mail. No scripts, no external assets. */
export function page(statusCode: number, title: string, message: string, extra = '') {
  return html(
    statusCode,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>` +
      `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">` +
      `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${extra}</body></html>`,
  );
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
) {
  const controls = buttons
    .map(
      (b) =>
        `<button type="submit" name="action" value="${escapeHtml(b.value)}" style="font-size:1.1rem;padding:.6rem 1.2rem;margin-right:1rem">${escapeHtml(b.label)}</button>`,
    )
    .join('');
  const form =
    `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
    `${controls}</form>`;
  return page(200, title, message, form);
}
