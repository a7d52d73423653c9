import { settings } from '../core/config';
import { NotFoundError, RateLimitedError, ValidationError } from '../core/domain/errors';
import { AgentDocumentType } from '../core/domain/request';
import { httpRoute, type HttpEvent } from '../core/http/middlewares';
import { redirect, withCookies } from '../core/http/responses';
import { type Lang, pickLang, t } from '../core/i18n/catalog';
import { logger } from '../core/logger';
import { loadPack } from '../core/rules/pack';
import { wiring } from '../core/wiring';
import { IssueAgentUpload } from '../agent-documents/issue-agent-upload';
import { GetRequest } from '../get-request/get-request';
import { clientIp, intake } from '../submit-request/intake';
import { CancelRequest, SUBJECT_CANCELLABLE } from './cancel-request';
import { TooLateForSubjectCancelError } from './errors';
import { type FormState, agentPage, centerPage, lookupPage, messagePage, sentPage, statusPage } from './pages';
import { centerFormFields, parseSubmission } from './form';
import { gpcSignal } from './gpc';
import { centerOffer } from './offer';
import { type StatusAccess, clearedStatusCookie, readStatusCookie, statusCookie } from './status-cookie';

const submit = intake();
const getRequest = new GetRequest(wiring.requests(), wiring.tokens());
const cancelRequest = new CancelRequest(wiring.requests(), wiring.tokens());
const issueUpload = new IssueAgentUpload({
  issueUpload: (type) => wiring.agentDocuments().issueUpload(type),
  exists: (key) => wiring.agentDocuments().exists(key),
});
/** A Secure cookie only where the API is served over HTTPS (the twin serves http://127.0.0.1, where it would be lost). */
const secure = settings('apiUrl').apiUrl.startsWith('https:');

/** The offer is read from the active profile at each call (wiring.profile: a restarted twin may name another). */
function offerNow() {
  const offer = centerOffer(wiring.profile(), wiring.systems());
  const lawNames = Object.fromEntries(offer.jurisdictions.map((law) => [law, loadPack(law).name]));
  return { offer, lawNames };
}

function home(event: HttpEvent, lang: Lang, state?: FormState, status?: number) {
  return centerPage({
    lang,
    ...offerNow(),
    gpc: gpcSignal(event.headers),
    ...(state ? { state } : {}),
    ...(status ? { status } : {}),
  });
}

/** GET /privacy/status with the cookie, or the lookup form. */
async function showStatus(lang: Lang, access: StatusAccess | undefined, notice?: string) {
  if (!access) return lookupPage({ lang });
  try {
    const view = await getRequest.execute(access.requestId, access.token);
    return statusPage({ lang, view, cancellable: SUBJECT_CANCELLABLE.has(view.status), ...(notice ? { notice } : {}) });
  } catch (error) {
    // a cookie for a request that is gone (forgotten, or its token expired): forget it too
    if (error instanceof NotFoundError) return withCookies(lookupPage({ lang }), [clearedStatusCookie(secure)]);
    throw error;
  }
}

/**
 * POST /privacy/requests: the form becomes the body POST /requests takes, validated by the same schema and run
 * through the same use case (one intake, two doors). A refused form is the same page again, its values kept, an error
 * summary first linking to each named input, in the page's language (400); past the intake's caps, a page saying
 * when to come back (429).
 */
async function submitForm(event: HttpEvent, lang: Lang) {
  const fields = centerFormFields(event);
  const formId = fields.get('form') ?? '';
  const again = (problems: FormState['problems']) => {
    const state: FormState = { id: formId, values: fields, problems };
    if (formId !== 'agent') return home(event, lang, state, 400);
    // the agent's step 2 again: with a fresh upload when the document is what is missing
    return reshowAgent(lang, fields, state);
  };
  const parsed = parseSubmission(fields);
  if (!parsed.ok) return again(parsed.problems);
  const gpc = gpcSignal(event.headers);
  try {
    const result = await submit.execute(parsed.body, { clientIp: clientIp(event), gpc });
    logger.info('request accepted through the privacy center', {
      requestId: result.requestId,
      type: parsed.body.type,
      regulation: parsed.body.regulation,
      gpcHonoured: result.gpc !== undefined,
    });
    return sentPage({
      lang,
      kind: parsed.body.agent ? 'agent' : result.status === 'pending_verification' ? 'verify' : 'direct',
      requestId: result.requestId,
      statusToken: result.statusToken,
      gpcHonoured: result.gpc !== undefined,
      setCookie: statusCookie({ requestId: result.requestId, token: result.statusToken }, secure),
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      const details = (error.details as { path: string; message: string }[] | undefined) ?? [];
      return again(details.length ? details : [{ path: 'type', message: error.message }]);
    }
    if (error instanceof RateLimitedError) {
      const page = messagePage({
        lang,
        status: 429,
        title: t(lang, 'center.errors.title'),
        message: t(lang, 'center.error.rateLimited', { minutes: Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) }),
      });
      return { ...page, headers: { ...page.headers, 'retry-after': String(error.retryAfterSeconds) } };
    }
    throw error;
  }
}

async function reshowAgent(lang: Lang, fields: URLSearchParams, state: FormState) {
  const missing = state.problems.some((p) => p.path === 'agent.document') || !fields.get('agent.document');
  const upload = missing
    ? await issueUpload.execute(AgentDocumentType.catch('application/pdf').parse(fields.get('contentType')))
    : undefined;
  return agentPage({
    lang,
    ...offerNow(),
    ...(upload ? { upload } : {}),
    documentKey: upload?.key ?? fields.get('agent.document') ?? '',
    state,
    status: 400,
  });
}

/** POST /privacy/agent: issue the presigned POST for the agent's document and show both steps. */
async function startAgent(event: HttpEvent, lang: Lang) {
  const fields = centerFormFields(event);
  const contentType = AgentDocumentType.safeParse(fields.get('contentType'));
  if (!contentType.success) return home(event, lang, { id: 'agent-start', values: fields, problems: [] }, 400);
  const upload = await issueUpload.execute(contentType.data);
  return agentPage({ lang, ...offerNow(), upload, documentKey: upload.key });
}

/** POST /privacy/status: the reference and code, checked, kept in the cookie; then the status by GET (no re-post). */
async function lookup(event: HttpEvent, lang: Lang) {
  const fields = centerFormFields(event);
  const access = { requestId: fields.get('reference')?.trim() ?? '', token: fields.get('token')?.trim() ?? '' };
  try {
    await getRequest.execute(access.requestId, access.token);
  } catch (error) {
    if (error instanceof NotFoundError) return lookupPage({ lang, notFound: true, values: fields });
    throw error;
  }
  const response = redirect(`/privacy/status?lang=${lang}`, 303);
  return withCookies(response, [statusCookie(access, secure)]);
}

async function cancel(event: HttpEvent, lang: Lang) {
  const access = readStatusCookie(event);
  if (!access) return lookupPage({ lang });
  try {
    await cancelRequest.execute(access.requestId, access.token);
  } catch (error) {
    if (error instanceof TooLateForSubjectCancelError) return showStatus(lang, access, t(lang, 'center.tooLate'));
    if (error instanceof NotFoundError) return lookupPage({ lang, notFound: true });
    throw error;
  }
  return withCookies(
    messagePage({
      lang,
      status: 200,
      title: t(lang, 'center.cancelled.title'),
      message: t(lang, 'center.cancelled.body'),
    }),
    [clearedStatusCookie(secure)],
  );
}

/**
 * The privacy center (issue 11 §1), served by the API like every other route, so the same handler answers locally and
 * in the cloud:
 * - GET /privacy — the forms; POST /privacy/requests — one of them posted;
 * - POST /privacy/agent — an authorized agent's upload and request;
 * - GET|POST /privacy/status — a request's status (cookie, or reference and code posted); POST /privacy/cancel,
 *   POST /privacy/forget — cancel it (before it was confirmed), forget it on this browser.
 * Plain HTML forms: everything works without JavaScript; /assets/center.js only adds the GPC notice from
 * `navigator.globalPrivacyControl`.
 */
export const handler = httpRoute(async (event) => {
  const lang = pickLang(event);
  try {
    switch (event.routeKey) {
      case 'POST /privacy/requests':
        return await submitForm(event, lang);
      case 'POST /privacy/agent':
        return await startAgent(event, lang);
      case 'GET /privacy/status':
        return await showStatus(lang, readStatusCookie(event));
      case 'POST /privacy/status':
        return await lookup(event, lang);
      case 'POST /privacy/cancel':
        return await cancel(event, lang);
      case 'POST /privacy/forget': {
        const response = redirect(`/privacy?lang=${lang}`, 303);
        return withCookies(response, [clearedStatusCookie(secure)]);
      }
      default:
        return home(event, lang);
    }
  } catch (error) {
    // a form that cannot be read (too large, not a form): a page, not JSON, in the page's language
    if (error instanceof ValidationError && event.requestContext.http.method === 'POST')
      return messagePage({
        lang,
        status: 400,
        title: t(lang, 'center.errors.title'),
        message: t(lang, 'center.error.form'),
      });
    throw error;
  }
});
