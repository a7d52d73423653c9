import { InvalidTokenError } from '../core/domain/errors';
import { formFields } from '../core/http/form';
import { httpRoute } from '../core/http/middlewares';
import { h } from '../core/http/layout';
import { page } from '../core/http/pages';
import { pickLang, t } from '../core/i18n/catalog';
import { wiring } from '../core/wiring';
import { AppealRequest, MAX_APPEAL_REASON } from './appeal-request';

const appeals = new AppealRequest(wiring.requests(), wiring.tokens(), wiring.executions());

/**
 * GET /appeal?token=… — the link in a denial mail: the appeal form (why the subject disagrees); opening it changes
 * nothing. POST /appeal — the form: consumes the token and records the appeal, which an operator decides.
 */
export const handler = httpRoute(async (event) => {
  const lang = pickLang(event);
  try {
    if (event.requestContext.http.method !== 'POST') {
      const token = event.queryStringParameters?.token ?? '';
      const original = await appeals.peek(token);
      return page(
        200,
        t(lang, 'pages.appeal.title'),
        t(lang, 'pages.appeal.intro', {
          right: t(lang, `center.right.${original.type}.title`),
          id: original.requestId,
        }),
        h`<form method="post" action="appeal?lang=${lang}"><input type="hidden" name="token" value="${token}"><label for="appeal-reason">${t(
          lang,
          'pages.appeal.reason',
        )}</label><textarea id="appeal-reason" name="reason" rows="8" maxlength="${MAX_APPEAL_REASON}" required></textarea><button type="submit">${t(
          lang,
          'pages.appeal.send',
        )}</button></form>`,
        lang,
      );
    }
    const fields = formFields(event);
    const { appealId } = await appeals.execute(fields.get('token') ?? undefined, fields.get('reason') ?? undefined);
    return page(
      200,
      t(lang, 'pages.appeal.recorded.title'),
      t(lang, 'pages.appeal.recorded', { id: appealId }),
      '',
      lang,
    );
  } catch (error) {
    if (error instanceof InvalidTokenError)
      return page(
        410,
        t(lang, 'pages.link.unusable.title'),
        `${t(lang, 'pages.link.unusable')} ${t(lang, 'pages.appeal.once')}`,
        '',
        lang,
      );
    throw error;
  }
});
