import type middy from '@middy/core';
import multipartBodyParser from '@middy/http-multipart-body-parser';
import { InvalidTokenError, MalformedBodyError, ValidationError } from '../core/domain/errors';
import { formFields, MAX_FORM_BYTES } from '../core/http/form';
import { type HttpEvent, type HttpResult, httpRoute } from '../core/http/middlewares';
import { page } from '../core/http/pages';
import { json } from '../core/http/responses';
import { noticeWiring, wiring } from '../core/wiring';
import { AnswerNotice, MAX_REASON_LENGTH, type NoticeView, type RecipientAnswer } from './answer-notice';
import type { UploadedFile } from './uploaded-records';

const answers = new AnswerNotice({
  notices: noticeWiring.notices(),
  callbacks: noticeWiring.taskCallbacks(),
  systems: wiring.systems(),
  requests: wiring.requests(),
  documents: wiring.documents(),
});

/** The largest upload any manual system may allow (connectors/config.ts ManualSystem.maxUploadBytes), plus the form. */
const MAX_MULTIPART_FILE_BYTES = 5 * 1024 * 1024;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const LABELS: Record<RecipientAnswer, string> = {
  found: 'We hold records about this person: they are attached',
  done: 'Done — we acted as asked',
  not_held: 'We hold no personal data about this person',
  exception: 'We cannot, or may not: an exception (give the reason below)',
};

/**
 * The answer form: the notice's answers and a reason, posted back with the token; a manual system asked for records
 * also gets a file field (JSON or CSV), and the form is then sent as multipart. No script, no external asset.
 */
function answerForm(token: string, view: NoticeView): string {
  const radios = view.answers
    .map(
      (value, i) =>
        `<p><label><input type="radio" name="answer" value="${value}"${i === 0 ? ' checked' : ''}> ${escapeHtml(LABELS[value])}</label></p>`,
    )
    .join('');
  const upload =
    view.maxUploadBytes !== undefined
      ? `<p><label>The records (a JSON array of objects, or CSV with a header row; at most ${view.maxUploadBytes} bytes)<br>` +
        `<input type="file" name="records" accept=".json,.csv,application/json,text/csv"></label></p>`
      : '';
  const encoding = view.maxUploadBytes !== undefined ? ' enctype="multipart/form-data"' : '';
  return (
    `<form method="post" action="notices"${encoding}><input type="hidden" name="token" value="${escapeHtml(token)}">${radios}${upload}` +
    `<p><label>Reason (for an exception)<br><textarea name="reason" rows="5" cols="50" maxlength="${MAX_REASON_LENGTH}"></textarea></label></p>` +
    `<button type="submit">Send the answer</button></form>`
  );
}

const unusable = () =>
  page(
    410,
    'This link cannot be used',
    'It is invalid, has expired, or the notice was already answered (the first answer stands). If you need to change an answer, please write to us quoting the request reference.',
  );

interface Posted {
  fields: URLSearchParams;
  file?: UploadedFile;
  asJson: boolean;
}

/** The fields of a multipart form, as the parser left them on the event (text fields, and the one file). */
function multipartFields(body: Record<string, unknown>): Posted {
  const fields = new URLSearchParams();
  for (const name of ['token', 'answer', 'reason']) {
    const value = body[name];
    if (typeof value === 'string') fields.set(name, value);
  }
  const records = body.records as Partial<UploadedFile> | undefined;
  const file =
    records && Buffer.isBuffer(records.content) && (records.filename || records.content.length > 0)
      ? {
          content: records.content,
          filename: records.filename,
          mimetype: records.mimetype,
          truncated: records.truncated === true,
        }
      : undefined;
  return { fields, file, asJson: false };
}

/** The posted fields: an HTML form (urlencoded, or multipart with a file), or JSON `{ token, answer, reason? }`. */
function postedFields(event: HttpEvent): Posted {
  const parsed = event.body as unknown;
  if (parsed !== null && typeof parsed === 'object') return multipartFields(parsed as Record<string, unknown>);
  const type = event.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) return { fields: formFields(event), asJson: false };
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.length > MAX_FORM_BYTES) throw new ValidationError(`The body is larger than ${MAX_FORM_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (cause) {
    throw new MalformedBodyError({ cause });
  }
  const fields = new URLSearchParams();
  for (const name of ['token', 'answer', 'reason']) {
    const value = (body as Record<string, unknown> | null)?.[name];
    if (typeof value === 'string') fields.set(name, value);
  }
  return { fields, asJson: true };
}

/** The multipart parser's own errors (malformed multipart) become ours: a 400 naming the body, nothing of its content. */
function multipartErrors(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const cause = (request.error as { cause?: { package?: string } } | null)?.cause;
      if (cause?.package === '@middy/http-multipart-body-parser')
        request.error = new ValidationError('The form could not be read: send it again', [
          { path: 'body', message: 'malformed multipart/form-data' },
        ]);
    },
  };
}

/**
 * GET /notices?token=… — the link in a notice: who asks, the reference and the deadline, and the answer form. It
 * changes nothing (a mail scanner opening the link answers nothing). POST /notices — spends the token and records the
 * answer (form, multipart form with a manual system's records, or JSON); a second answer is refused with 410.
 */
export const handler = httpRoute(async (event) => {
  if (event.requestContext.http.method !== 'POST') {
    const token = event.queryStringParameters?.token;
    try {
      const view = await answers.peek(token);
      return page(
        200,
        'Answer a data subject request notice',
        `${view.recipientName}: please tell us what you did about request ${view.reference} by ${view.deadline}.`,
        answerForm(token ?? '', view),
      );
    } catch (error) {
      if (error instanceof InvalidTokenError) return unusable();
      throw error;
    }
  }
  const { fields, file, asJson } = postedFields(event);
  try {
    const result = await answers.execute(
      fields.get('token') ?? undefined,
      fields.get('answer') ?? undefined,
      fields.get('reason') ?? undefined,
      file,
    );
    return asJson
      ? json(200, result)
      : page(200, 'Thank you — your answer is recorded', 'We will note it on the request. Nothing more is needed.');
  } catch (error) {
    if (asJson) throw error;
    if (error instanceof InvalidTokenError) return unusable();
    // a person at the form: say what to fix on a page (the link is not spent: they can go back and send again)
    if (error instanceof ValidationError)
      return page(400, 'Please check your answer', `${error.message}. Go back, correct it and send it again.`);
    throw error;
  }
}, 'recipient')
  .use(
    multipartBodyParser({
      disableContentTypeError: true,
      busboy: { limits: { fileSize: MAX_MULTIPART_FILE_BYTES, files: 1, fields: 5, fieldSize: MAX_FORM_BYTES } },
    }) as unknown as middy.MiddlewareObj<HttpEvent, HttpResult>,
  )
  .use(multipartErrors());
