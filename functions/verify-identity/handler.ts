import { InvalidTokenError } from '../core/domain/errors';
import { CONSEQUENCE } from '../core/domain/mail';
import { formFields } from '../core/http/form';
import { httpRoute } from '../core/http/middlewares';
import { confirmPage, page } from '../core/http/pages';
import { wiring } from '../core/wiring';
import { VerifyIdentity } from './verify-identity';

const verify = new VerifyIdentity(wiring.requests(), wiring.tokens(), wiring.executions());

const unusable = (error: InvalidTokenError) =>
  page(
    410,
    'This link cannot be used',
    `${error.message}. If you still want to make a request, please submit it again.`,
  );

/**
 * GET /verify?token=… — the link in the verification mail: a page saying what confirming will do, with two buttons. It
 * changes nothing, so a mail scanner that opens the link verifies nothing (and cannot confirm a deletion nobody asked
 * for). POST /verify (a button) — consumes the token: "confirm" records the verified address and starts the request's
 * workflow; "this was not me" cancels the request and forgets the address.
 */
export const handler = httpRoute(async (event) => {
  try {
    if (event.requestContext.http.method !== 'POST') {
      const token = event.queryStringParameters?.token;
      const record = await verify.peek(token);
      return confirmPage(
        'Confirm your privacy request',
        `Someone asked us to act on the personal data linked to this email address. ${CONSEQUENCE[record.type]} If it was not you, press "This was not me" and nothing will happen.`,
        'verify',
        token ?? '',
        [
          { value: 'confirm', label: 'Yes, it was me — confirm' },
          { value: 'cancel', label: 'This was not me' },
        ],
      );
    }
    const fields = formFields(event);
    const { action } = await verify.execute(
      fields.get('token') ?? undefined,
      fields.get('action') === 'cancel' ? 'cancel' : 'confirm',
    );
    return action === 'cancel'
      ? page(
          200,
          'Request cancelled',
          'Thank you for telling us. Nothing will be done, and we have not kept your address with it.',
        )
      : page(
          200,
          'Thank you — your request is confirmed',
          'We are now working on it. You will get an email with a download link when it is ready.',
        );
  } catch (error) {
    if (error instanceof InvalidTokenError) return unusable(error);
    throw error;
  }
});
