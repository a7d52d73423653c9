import { InvalidTokenError } from '../core/domain/errors';
import { formFields } from '../core/http/form';
import { httpRoute } from '../core/http/middlewares';
import { contentSecurityPolicy, h } from '../core/http/layout';
import { confirmPage, page } from '../core/http/pages';
import { type Lang, pickLang, t } from '../core/i18n/catalog';
import { redirect } from '../core/http/responses';
import { wiring } from '../core/wiring';
import { Download, type DownloadAnswer } from './download';

const download = new Download(wiring.requests(), wiring.tokens(), wiring.documents());

/**
 * The document store's origin, where a button's 303 goes. A CSP's form-action governs the redirects of a form's
 * submission too, so a page whose button leads to a presigned URL must name the store's origin, or the browser stops
 * at the redirect. Presigning is computed locally (no call); the key is never fetched.
 */
let storeOrigin: Promise<string> | undefined;
async function allowingStore<R extends { headers?: Record<string, unknown> }>(response: R): Promise<R> {
  storeOrigin ??= wiring
    .documents()
    .presignGet('exports/origin-probe', 60, 'probe')
    .then((url) => new URL(url).origin);
  return {
    ...response,
    headers: { ...response.headers, 'content-security-policy': contentSecurityPolicy([await storeOrigin]) },
  };
}

const LABEL = {
  json: 'pages.download.file.json',
  html: 'pages.download.file.html',
  zip: 'pages.download.file.zip',
} as const;

/** One form per file, each carrying that file's own single-use token. */
function filesPage(files: Extract<DownloadAnswer, { files: unknown }>['files'], lang: Lang) {
  const forms = files.map(
    (f) =>
      h`<form method="post" action="download?lang=${lang}"><input type="hidden" name="token" value="${f.token}"><input type="hidden" name="format" value="${f.format}"><button type="submit">${
        f.format in LABEL ? t(lang, LABEL[f.format as keyof typeof LABEL]) : f.fileName
      }</button> <small>${f.fileName}</small></form>`,
  );
  return page(200, t(lang, 'pages.download.files.title'), t(lang, 'pages.download.files'), h`${forms}`, lang);
}

/**
 * GET /download?token=… — the link in the delivery mail: a page with a button. Opening it spends nothing, so a mail
 * scanner that fetches the link cannot use up the single-use token before the person does.
 * POST /download (the button) — consumes the token; a document of one file redirects (303) to a presigned URL valid for
 * 5 minutes; one of several (JSON and its readable HTML) answers with a page offering each file through its own
 * single-use token (POST /download with `format`), each redirecting to its own presigned URL.
 */
export const handler = httpRoute(async (event) => {
  const lang = pickLang(event);
  if (event.requestContext.http.method !== 'POST') {
    return allowingStore(
      confirmPage(
        t(lang, 'pages.download.title'),
        t(lang, 'pages.download.intro'),
        `download?lang=${lang}`,
        event.queryStringParameters?.token ?? '',
        [{ value: 'download', label: t(lang, 'pages.download.button') }],
        lang,
      ),
    );
  }
  try {
    const fields = formFields(event);
    const answer = await download.execute(fields.get('token') ?? undefined, fields.get('format') ?? undefined);
    return 'redirect' in answer ? redirect(answer.redirect, 303) : allowingStore(filesPage(answer.files, lang));
  } catch (error) {
    if (error instanceof InvalidTokenError)
      return page(410, t(lang, 'pages.link.unusable.title'), t(lang, 'pages.link.unusable'), '', lang);
    throw error;
  }
});
