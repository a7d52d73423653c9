import { html } from './responses';

/** Minimal, self-contained pages for the links people click in their mail. No scripts, no external assets. */
export function page(statusCode: number, title: string, message: string) {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return html(
    statusCode,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${escape(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">` +
      `<h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`,
  );
}
