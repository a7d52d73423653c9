import { InvalidTokenError } from '../core/domain/errors';
import { formFields } from '../core/http/form';
import { httpRoute } from '../core/http/middlewares';
import { confirmPage, page } from '../core/http/pages';
import { redirect } from '../core/http/responses';
import { wiring } from '../core/wiring';
import { Download, type DownloadAnswer } from './download';

const download = new Download(wiring.requests(), wiring.tokens(), wiring.documents());

const LABEL: Record<string, string> = {
  json: 'Download the JSON file (for computers)',
  html: 'Download the readable page (HTML)',
  zip: 'Download the archive (JSON and CSV, zip)',
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One form per file, each carrying that file's own single-use token. */
function filesPage(files: Extract<DownloadAnswer, { files: unknown }>['files']) {
  const forms = files
    .map(
      (f) =>
        `<form method="post" action="download">` +
        `<input type="hidden" name="token" value="${escapeHtml(f.token)}">` +
        `<input type="hidden" name="format" value="${escapeHtml(f.format)}">` +
        `<button type="submit">${escapeHtml(LABEL[f.format] ?? f.fileName)}</button>` +
        ` <small>${escapeHtml(f.fileName)}</small></form>`,
    )
    .join('');
  return page(
    200,
    'Your files',
    'Each button works once, for the next 15 minutes. The files hold personal data: keep them somewhere safe.',
    forms,
  );
}

/**
 * GET /download?token=… — the link in the delivery mail: a page with a button. Opening it spends nothing, so a mail
 * scanner that fetches the link cannot use up the single-use token before the person does.
 * POST /download (the button) — consumes the token; a document of one file redirects (303) to a presigned URL valid for
 * 5 minutes; one of several (JSON and its readable HTML) answers with a page offering each file through its own
 * single-use token (POST /download with `format`), each redirecting to its own presigned URL.
 */
export const handler = httpRoute(async (event) => {
  if (event.requestContext.http.method !== 'POST') {
    return confirmPage(
      'Your document is ready',
      'The download link works once. The files hold personal data; keep them somewhere safe.',
      'download',
      event.queryStringParameters?.token ?? '',
      [{ value: 'download', label: 'Download' }],
    );
  }
  try {
    const fields = formFields(event);
    const answer = await download.execute(fields.get('token') ?? undefined, fields.get('format') ?? undefined);
    return 'redirect' in answer ? redirect(answer.redirect, 303) : filesPage(answer.files);
  } catch (error) {
    if (error instanceof InvalidTokenError) return page(410, 'This link cannot be used', `${error.message}.`);
    throw error;
  }
});
