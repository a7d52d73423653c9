import { InvalidTokenError } from '../core/domain/errors';
import { formField } from '../core/http/form';
import { httpRoute } from '../core/http/middlewares';
import { confirmPage, page } from '../core/http/pages';
import { wiring } from '../core/wiring';
import { VerifyIdentity } from './verify-identity';

const verify = new VerifyIdentity(wiring.requests(), wiring.tokens(), wiring.taskCallbacks());

/**
 * GET /verify?token=… — the link in the verification mail: a page asking the person to confirm. It changes nothing,
 * so a mail scanner that opens the link verifies nothing (and cannot confirm a deletion nobody asked for).
 * POST /verify (the page's button) — consumes the token, records the verified address and releases the workflow.
 */
export const handler = httpRoute(async (event) => {
  if (event.requestContext.http.method !== 'POST') {
    return confirmPage(
      'Confirm your privacy request',
      'Someone asked us to act on the personal data linked to this email address. If it was you, confirm below; if not, close this page and nothing will happen.',
      'verify',
      event.queryStringParameters?.token ?? '',
      'Yes, it was me — confirm',
    );
  }
  try {
    await verify.execute(formField(event, 'token'));
    return page(
      200,
      'Thank you — your request is confirmed',
      'We are now working on it. You will get an email with a download link when it is ready.',
    );
  } catch (error) {
    if (error instanceof InvalidTokenError)
      return page(
        410,
        'This link cannot be used',
        `${error.message}. If you still want to make a request, please submit it again.`,
      );
    throw error;
  }
});
