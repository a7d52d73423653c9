import { InvalidTokenError } from '../core/domain/errors';
import { formFields } from '../core/http/form';
import { httpRoute } from '../core/http/middlewares';
import { confirmPage, page } from '../core/http/pages';
import { type Lang, pickLang, t } from '../core/i18n/catalog';
import { wiring } from '../core/wiring';
import { VerifyIdentity } from './verify-identity';

const verify = new VerifyIdentity(wiring.requests(), wiring.tokens(), wiring.executions());

const unusable = (lang: Lang) =>
  page(
    410,
    t(lang, 'pages.link.unusable.title'),
    `${t(lang, 'pages.link.unusable')} ${t(lang, 'pages.verify.again')}`,
    '',
    lang,
  );

/**
 * GET /verify?token=… — the link in the verification mail: a page saying what confirming will do, with two buttons. It
 * changes nothing, so a mail scanner that opens the link verifies nothing (and cannot confirm a deletion nobody asked
 * for). POST /verify (a button) — consumes the token: "confirm" records the verified address and starts the request's
 * workflow; "this was not me" cancels the request and forgets the address.
 */
export const handler = httpRoute(async (event) => {
  // the page language (?lang=, the cookie, Accept-Language); the buttons post it back so the answer speaks it too
  const lang = pickLang(event);
  try {
    if (event.requestContext.http.method !== 'POST') {
      const token = event.queryStringParameters?.token;
      const record = await verify.peek(token);
      return confirmPage(
        t(lang, 'pages.verify.title'),
        [
          t(lang, 'pages.verify.intro'),
          t(lang, `pages.consequence.${record.type}`),
          t(lang, 'pages.verify.notMe'),
        ].join(' '),
        `verify?lang=${lang}`,
        token ?? '',
        [
          { value: 'confirm', label: t(lang, 'pages.verify.confirm') },
          { value: 'cancel', label: t(lang, 'pages.verify.cancel') },
        ],
        lang,
      );
    }
    const fields = formFields(event);
    const { action } = await verify.execute(
      fields.get('token') ?? undefined,
      fields.get('action') === 'cancel' ? 'cancel' : 'confirm',
    );
    return action === 'cancel'
      ? page(200, t(lang, 'pages.verify.cancelled.title'), t(lang, 'pages.verify.cancelled'), '', lang)
      : page(200, t(lang, 'pages.verify.confirmed.title'), t(lang, 'pages.verify.confirmed'), '', lang);
  } catch (error) {
    if (error instanceof InvalidTokenError) return unusable(lang);
    throw error;
  }
});
