/**
 * The human-readable renderings delivered beside the JSON documents ("in a readily usable format", CCPA
 * §1798.130(a)(2)(B)): one static HTML file, every value escaped, no script and no external asset — it opens offline,
 * and a value from a source system cannot become markup. The Content-Security-Policy says the same to the browser.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}' +
  'table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;' +
  'text-align:left;vertical-align:top}th{background:#f3f3f3}td{word-break:break-word}.note{color:#555}';

/** The document's head and opening, up to the body's first content. */
export function openPage(title: string): string {
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
    `<style>${STYLE}</style></head><body><h1>${escapeHtml(title)}</h1>`
  );
}

export const closePage = '</body></html>\n';

/** A table of label → value rows. */
export function facts(rows: [string, unknown][]): string {
  const body = rows
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  return `<table>${body}</table>`;
}

/** A table with a header row; each row's cells in the header's order. */
export function table(header: string[], rows: unknown[][]): string {
  const head = header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A list joined for a cell: "a, b, c", or "none". */
export const list = (items: readonly string[] | undefined) => (items?.length ? items.join(', ') : 'none');
