import { InvalidTokenError, MalformedBodyError, ValidationError } from '../core/domain/errors';
import { formFields, MAX_FORM_BYTES } from '../core/http/form';
import { httpRoute, type HttpEvent } from '../core/http/middlewares';
import { page } from '../core/http/pages';
import { json } from '../core/http/responses';
import { noticeWiring, wiring } from '../core/wiring';
import { AnswerNotice, MAX_REASON_LENGTH } from './answer-notice';

const answers = new AnswerNotice(noticeWiring.notices(), noticeWiring.taskCallbacks(), wiring.systems());

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CHOICES = [
  { value: 'done', label: 'Done — we acted as asked' },
  { value: 'not_held', label: 'We hold no personal data about this person' },
  { value: 'exception', label: 'We cannot, or may not: an exception (give the reason below)' },
] as const;

/** The answer form: three answers and a reason, posted back with the token. No script, no external asset. */
function answerForm(token: string): string {
  const radios = CHOICES.map(
    (c, i) =>
      `<p><label><input type="radio" name="answer" value="${c.value}"${i === 0 ? ' checked' : ''}> ${escapeHtml(c.label)}</label></p>`,
  ).join('');
  return (
    `<form method="post" action="notices"><input type="hidden" name="token" value="${escapeHtml(token)}">${radios}` +
    `<p><label>Reason (for an exception)<br><textarea name="reason" rows="5" cols="50" maxlength="${MAX_REASON_LENGTH}"></textarea></label></p>` +
    `<button type="submit" style="font-size:1.1rem;padding:.6rem 1.2rem">Send the answer</button></form>`
  );
}

const unusable = () =>
  page(
    410,
    'This link cannot be used',
    'It is invalid, has expired, or the notice was already answered (the first answer stands). If you need to change an answer, please write to us quoting the request reference.',
  );

/** The posted fields: an HTML form, or JSON `{ token, answer, reason? }` for a vendor's system. */
function postedFields(event: HttpEvent): { fields: URLSearchParams; asJson: boolean } {
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

/**
 * GET /notices?token=… — the link in a recipient notice: who asks, the reference and the deadline, and the answer form.
 * It changes nothing (a mail scanner opening the link answers nothing). POST /notices — spends the token and records the
 * answer (form or JSON); a second answer is refused with 410.
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
        answerForm(token ?? ''),
      );
    } catch (error) {
      if (error instanceof InvalidTokenError) return unusable();
      throw error;
    }
  }
  const { fields, asJson } = postedFields(event);
  try {
    const result = await answers.execute(
      fields.get('token') ?? undefined,
      fields.get('answer') ?? undefined,
      fields.get('reason') ?? undefined,
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
});
