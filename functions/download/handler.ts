import { InvalidTokenError } from '../core/domain/errors';
import { httpRoute } from '../core/http/middlewares';
import { formField } from '../core/http/form';
import { confirmPage, page } from '../core/http/pages';
import { redirect } from '../core/http/responses';
import { wiring } from '../core/wiring';
import { Download } from './download';

const download = new Download(wiring.requests(), wiring.tokens(), wiring.documents());

/**
 * GET /download?token=… — the link in the delivery mail: a page with a download button. Opening it spends nothing,
 * so a mail scanner that fetches the link cannot use up the single-use token before the person does.
 * POST /download (the button) — consumes the token and redirects (303) to a presigned URL valid for 5 minutes.
 */
export const handler = httpRoute(async (event) => {
  if (event.requestContext.http.method !== 'POST') {
    return confirmPage(
      'Your document is ready',
      'The download link works once. The file is a JSON document; keep it somewhere safe, it holds personal data.',
      'download',
      event.queryStringParameters?.token ?? '',
      [{ value: 'download', label: 'Download' }],
    );
  }
  try {
    return redirect(await download.execute(formField(event, 'token')), 303);
  } catch (error) {
    if (error instanceof InvalidTokenError) return page(410, 'This link cannot be used', `${error.message}.`);
    throw error;
  }
});
