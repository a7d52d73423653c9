import { InvalidTokenError } from '../core/domain/errors';
import { RIGHT } from '../core/domain/mail';
import { formFields } from '../core/http/form';
import { httpRoute } from '../core/http/middlewares';
import { page } from '../core/http/pages';
import { wiring } from '../core/wiring';
import { AppealRequest, MAX_APPEAL_REASON } from './appeal-request';

const appeals = new AppealRequest(wiring.requests(), wiring.tokens(), wiring.executions());

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * GET /appeal?token=… — the link in a denial mail: the appeal form (why the subject disagrees); opening it changes
 * nothing. POST /appeal — the form: consumes the token and records the appeal, which an operator decides.
 */
export const handler = httpRoute(async (event) => {
  try {
    if (event.requestContext.http.method !== 'POST') {
      const token = event.queryStringParameters?.token ?? '';
      const original = await appeals.peek(token);
      return page(
        200,
        'Appeal our decision',
        `We declined your request for ${RIGHT[original.type]} (reference ${original.requestId}). Tell us why you disagree; a member of our privacy team will review the decision and write to you.`,
        `<form method="post" action="appeal"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
          `<p><label>Why you disagree<br><textarea name="reason" rows="8" cols="60" maxlength="${MAX_APPEAL_REASON}" required></textarea></label></p>` +
          '<button type="submit">Send my appeal</button></form>',
      );
    }
    const fields = formFields(event);
    const { appealId } = await appeals.execute(fields.get('token') ?? undefined, fields.get('reason') ?? undefined);
    return page(
      200,
      'Thank you — your appeal is recorded',
      `Its reference is ${appealId}. We will write to you with the decision and the reasons for it.`,
    );
  } catch (error) {
    if (error instanceof InvalidTokenError)
      return page(
        410,
        'This link cannot be used',
        `${error.message}. An appeal can be made once, while the link works.`,
      );
    throw error;
  }
});
