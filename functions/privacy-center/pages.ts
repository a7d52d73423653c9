import { withCookies } from '../core/http/responses';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldProblem } from '../core/domain/errors';
import { OptOutScope, type RequestType, RestrictionGround } from '../core/domain/request';
import { isTerminal, type RequestStatus } from '../core/domain/status';
import { type Html, h, layoutPage } from '../core/http/layout';
import { type Lang, t } from '../core/i18n/catalog';
import { centerEn } from '../core/i18n/center';
import type { PresignedUpload } from '../core/ports';
import type { RequestView } from '../get-request/get-request';
import type { CenterOffer, Deadline, KindOffer, RightOffer } from './offer';

/** Where the center's forms post; the page's language rides along in the query (pickLang reads `?lang=`). */
export const CENTER_PATHS = {
  home: '/privacy',
  submit: '/privacy/requests',
  agent: '/privacy/agent',
  status: '/privacy/status',
  cancel: '/privacy/cancel',
  forget: '/privacy/forget',
} as const;
/** The progressive enhancement (functions/assets/files/center.ts): the page works the same without it. */
export const CENTER_SCRIPT = '/assets/center.js';

type CenterKey = keyof typeof centerEn;
const tc = (lang: Lang, key: CenterKey, vars?: Record<string, string | number>) => t(lang, key, vars);
const action = (lang: Lang, path: string) => `${path}?lang=${lang}`;

/** The values a re-shown form keeps, and its problems, by input name. */
export interface FormState {
  /** which form was posted: `<kind>:<type>` or `agent` */
  id: string;
  values: URLSearchParams;
  problems: readonly FieldProblem[];
}

/** A problem in the page's language: the catalogue's words for the input (the schema's are English). */
export function problemText(lang: Lang, path: string): string {
  const key = `center.error.${path}`;
  return key in centerEn ? tc(lang, key as CenterKey) : tc(lang, 'center.error.form');
}

const inputId = (formId: string, name: string) => `${formId.replace(/[^a-z0-9]+/gi, '-')}-${name.replace(/\./g, '-')}`;

interface FieldContext {
  lang: Lang;
  formId: string;
  state?: FormState;
}

function problemOf(ctx: FieldContext, name: string): FieldProblem | undefined {
  return ctx.state?.id === ctx.formId ? ctx.state.problems.find((p) => p.path === name) : undefined;
}

function postedValue(ctx: FieldContext, name: string): string {
  return ctx.state?.id === ctx.formId ? (ctx.state.values.get(name) ?? '') : '';
}

/** A label, an optional hint, the error (named, in words) and the input, tied together for assistive technology. */
function textField(
  ctx: FieldContext,
  spec: {
    name: string;
    label: string;
    hint?: string;
    type?: 'text' | 'email';
    autocomplete?: string;
    required?: boolean;
    multiline?: boolean;
  },
): Html {
  const id = inputId(ctx.formId, spec.name);
  const problem = problemOf(ctx, spec.name);
  const described = [spec.hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ');
  const attrs = h`id="${id}" name="${spec.name}"${described ? h` aria-describedby="${described}"` : h``}${
    problem ? h` aria-invalid="true"` : h``
  }${spec.required ? h` required` : h``}${spec.autocomplete ? h` autocomplete="${spec.autocomplete}"` : h``}`;
  const control = spec.multiline
    ? h`<textarea ${attrs} rows="3" maxlength="1000">${postedValue(ctx, spec.name)}</textarea>`
    : h`<input ${attrs} type="${spec.type ?? 'text'}" value="${postedValue(ctx, spec.name)}"${
        spec.type === 'email' ? h` spellcheck="false"` : h``
      }>`;
  return h`<div class="field"><label for="${id}">${spec.label}</label>${
    spec.hint ? h`<p class="hint" id="${id}-hint">${spec.hint}</p>` : h``
  }${problem ? h`<p class="field-error" id="${id}-error">${problemText(ctx.lang, spec.name)}</p>` : h``}${control}</div>`;
}

function select(
  ctx: FieldContext,
  spec: { name: string; label: string; options: readonly { value: string; label: string }[]; required?: boolean },
): Html {
  const id = inputId(ctx.formId, spec.name);
  const problem = problemOf(ctx, spec.name);
  const chosen = postedValue(ctx, spec.name);
  return h`<div class="field"><label for="${id}">${spec.label}</label>${
    problem ? h`<p class="field-error" id="${id}-error">${problemText(ctx.lang, spec.name)}</p>` : h``
  }<select id="${id}" name="${spec.name}"${problem ? h` aria-invalid="true" aria-describedby="${id}-error"` : h``}${
    spec.required ? h` required` : h``
  }>${spec.options.map(
    (o) => h`<option value="${o.value}"${o.value === chosen ? h` selected` : h``}>${o.label}</option>`,
  )}</select></div>`;
}

const hidden = (name: string, value: string) => h`<input type="hidden" name="${name}" value="${value}">`;

/** The error summary: first in the page, focused, each problem a link to its input (GOV.UK's pattern). */
function errorSummary(lang: Lang, state: FormState | undefined, formId: (state: FormState) => string): Html {
  if (!state || state.problems.length === 0) return h``;
  return h`<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${tc(lang, 'center.errors.title')}</h2><ul>${state.problems.map(
    (p) => h`<li><a href="#${inputId(formId(state), p.path)}">${problemText(lang, p.path)}</a></li>`,
  )}</ul></div>`;
}

export function periodText(lang: Lang, deadline: Deadline): string {
  const key = `center.period.${deadline.period.unit}` as CenterKey;
  return tc(lang, key, { n: deadline.period.length });
}

function deadlines(lang: Lang, offer: CenterOffer, right: RightOffer): Html {
  if (right.deadlines.length === 0) return h`<p>${tc(lang, 'center.deadline.none', { company: offer.company })}</p>`;
  return h`${right.deadlines.map(
    (d) =>
      h`<p>${tc(lang, 'center.deadline', { period: periodText(lang, d), law: d.lawName })} <span class="source">(${d.period.source})</span></p>`,
  )}`;
}

const NO_PROOF: ReadonlySet<RequestType> = new Set(['opt_out', 'limit_sensitive']);

function regulationInput(ctx: FieldContext, offer: CenterOffer, lawNames: Record<string, string>): Html {
  if (offer.jurisdictions.length === 1) return hidden('regulation', offer.jurisdictions[0] ?? '');
  return select(ctx, {
    name: 'regulation',
    label: tc(ctx.lang, 'center.field.regulation'),
    options: offer.jurisdictions.map((law) => ({ value: law, label: lawNames[law] ?? law })),
    required: true,
  });
}

/** The inputs a right needs beyond who asks: what to stop, why, which consent, what to correct. */
function rightInputs(ctx: FieldContext, type: RequestType, offer: CenterOffer): Html {
  const lang = ctx.lang;
  switch (type) {
    case 'opt_out':
    case 'objection':
      return select(ctx, {
        name: 'scope',
        label: tc(lang, 'center.field.scope'),
        options: OptOutScope.options.map((s) => ({ value: s, label: tc(lang, `center.scope.${s}`) })),
        required: true,
      });
    case 'restriction':
      return select(ctx, {
        name: 'ground',
        label: tc(lang, 'center.field.ground'),
        options: [
          { value: '', label: tc(lang, 'center.field.ground.none') },
          ...RestrictionGround.options.map((g) => ({ value: g, label: tc(lang, `center.ground.${g}`) })),
        ],
      });
    case 'withdraw_consent':
      return select(ctx, {
        name: 'purpose',
        label: tc(lang, 'center.field.purpose'),
        options: offer.purposes.map((p) => ({ value: p, label: p.replace(/_/g, ' ') })),
        required: true,
      });
    case 'correction':
      return h`${select(ctx, {
        name: 'corrections.0.attribute',
        label: tc(lang, 'center.field.attribute'),
        options: offer.correctable.map((a) => ({ value: a, label: a.replace(/_/g, ' ') })),
        required: true,
      })}${textField(ctx, { name: 'corrections.0.value', label: tc(lang, 'center.field.value'), required: true })}${textField(
        ctx,
        {
          name: 'corrections.0.note',
          label: tc(lang, 'center.field.note'),
          multiline: true,
        },
      )}`;
    default:
      return h``;
  }
}

function rightForm(
  lang: Lang,
  offer: CenterOffer,
  kind: KindOffer & { handling: 'answer' },
  right: RightOffer,
  lawNames: Record<string, string>,
  state?: FormState,
): Html {
  const formId = `${kind.kind}:${right.type}`;
  const ctx: FieldContext = { lang, formId, ...(state ? { state } : {}) };
  const headingId = inputId(formId, 'title');
  return h`<section class="right" aria-labelledby="${headingId}">
<h3 id="${headingId}">${tc(lang, `center.right.${right.type}.title`)}</h3>
<p>${tc(lang, `center.right.${right.type}.what`)}</p>
<p>${tc(lang, NO_PROOF.has(right.type) ? 'center.next.direct' : 'center.next.verify')}</p>
${deadlines(lang, offer, right)}
<form method="post" action="${action(lang, '/privacy/requests')}" novalidate>
${hidden('form', formId)}${hidden('type', right.type)}${hidden('relationship', kind.kind)}
<fieldset><legend>${tc(lang, `center.right.${right.type}.title`)}</legend>
${regulationInput(ctx, offer, lawNames)}${rightInputs(ctx, right.type, offer)}
${textField(ctx, {
  name: 'subject.email',
  label: tc(lang, 'center.field.email'),
  hint: tc(lang, 'center.field.email.hint'),
  type: 'email',
  autocomplete: 'email',
  required: true,
})}${textField(ctx, { name: 'subject.name', label: tc(lang, 'center.field.name'), autocomplete: 'name' })}
</fieldset>
<button type="submit">${tc(lang, 'center.submit')}</button>
</form></section>`;
}

function kindSection(
  lang: Lang,
  offer: CenterOffer,
  kind: KindOffer,
  lawNames: Record<string, string>,
  state?: FormState,
): Html {
  const heading = tc(lang, `center.kind.${kind.kind}`, { company: offer.company });
  const id = `kind-${kind.kind}`;
  if (kind.handling === 'refer_to_controller')
    return h`<section aria-labelledby="${id}"><h2 id="${id}">${heading}</h2><p>${tc(lang, 'center.refer', {
      company: offer.company,
    })}</p>${
      kind.controllers.length
        ? h`<ul>${kind.controllers.map((c) => h`<li>${tc(lang, 'center.refer.contact', { name: c.name, contact: c.contact })}</li>`)}</ul>`
        : h``
    }</section>`;
  return h`<section aria-labelledby="${id}"><h2 id="${id}">${heading}</h2>${kind.rights.map((right) =>
    rightForm(lang, offer, kind, right, lawNames, state),
  )}</section>`;
}

/**
 * The GPC notice: shown when the browser sent `Sec-GPC: 1`; else present but hidden, for the script to reveal. Where the
 * profile answers under the CCPA, it holds the opt-out itself (11 CCR §7025(c)(1): the signal is a request to opt out
 * of sale/sharing, for the browser and the consumer known to it): one address, no confirmation (§7026(d)).
 */
function gpcNotice(lang: Lang, gpc: boolean, offer: CenterOffer, state?: FormState): Html {
  const ctx: FieldContext = { lang, formId: 'gpc:opt_out', ...(state ? { state } : {}) };
  const optOut = offer.jurisdictions.includes('ccpa')
    ? h`<form method="post" action="${action(lang, '/privacy/requests')}" novalidate>${hidden('form', 'gpc:opt_out')}${hidden(
        'type',
        'opt_out',
      )}${hidden('scope', 'sale_sharing')}${hidden('regulation', 'ccpa')}${textField(ctx, {
        name: 'subject.email',
        label: tc(lang, 'center.field.email'),
        type: 'email',
        autocomplete: 'email',
        required: true,
      })}<button type="submit">${tc(lang, 'center.gpc.record')}</button></form>`
    : h``;
  return h`<div class="notice" id="gpc-notice" role="status"${gpc || state?.id === 'gpc:opt_out' ? h`` : h` hidden`}><p><strong>${tc(
    lang,
    'center.gpc',
  )}</strong></p><p>${tc(lang, 'center.gpc.more')}</p>${optOut}</div>`;
}

function agentSection(lang: Lang, offer: CenterOffer): Html {
  if (!offer.agents.allowed || offer.rights.length === 0) return h``;
  const ctx: FieldContext = { lang, formId: 'agent-start' };
  return h`<section aria-labelledby="agent-title"><h2 id="agent-title">${tc(lang, 'center.agent.title')}</h2>
<p>${tc(lang, 'center.agent.intro')}</p>${offer.agents.powerOfAttorney ? h`<p>${tc(lang, 'center.agent.poa')}</p>` : h``}
<form method="post" action="${action(lang, '/privacy/agent')}"><fieldset><legend>${tc(lang, 'center.agent.step1')}</legend>
${select(ctx, {
  name: 'contentType',
  label: tc(lang, 'center.agent.contentType'),
  options: [
    { value: 'application/pdf', label: 'PDF' },
    { value: 'image/png', label: 'PNG' },
    { value: 'image/jpeg', label: 'JPEG' },
  ],
  required: true,
})}</fieldset><button type="submit">${tc(lang, 'center.agent.continue')}</button></form></section>`;
}

export interface CenterPageInput {
  lang: Lang;
  offer: CenterOffer;
  lawNames: Record<string, string>;
  gpc: boolean;
  state?: FormState;
  status?: number;
}

/** GET /privacy: one form per right the profile offers, per kind of subject; the agent's way in; the GPC notice. */
export function centerPage(input: CenterPageInput): APIGatewayProxyStructuredResultV2 {
  const { lang, offer } = input;
  const body = h`${errorSummary(lang, input.state, (s) => s.id)}<p>${tc(lang, 'center.intro', { company: offer.company })}</p>
<p><a href="${action(lang, '/privacy/status')}">${tc(lang, 'center.status.link')}</a>${
    offer.policyUrl ? h` · <a href="${offer.policyUrl}">${tc(lang, 'center.policy')}</a>` : h``
  }</p>
${gpcNotice(lang, input.gpc, offer, input.state)}
${offer.kinds.map((kind) => kindSection(lang, offer, kind, input.lawNames, input.state))}
${agentSection(lang, offer)}`;
  return layoutPage({
    path: '/privacy',
    status: input.status ?? 200,
    lang,
    title: tc(lang, 'center.title'),
    body,
    area: 'subject',
    scripts: [CENTER_SCRIPT],
  });
}

export interface AgentPageInput {
  lang: Lang;
  offer: CenterOffer;
  lawNames: Record<string, string>;
  /** the presigned POST to upload the document with; none once it is uploaded (a re-shown step 2) */
  upload?: PresignedUpload;
  documentKey: string;
  state?: FormState;
  status?: number;
}

/**
 * The agent's two steps on one page, without JavaScript: the upload is a plain multipart form whose action is the
 * bucket (S3 answers a form POST with 204 No Content, so the browser stays on this page), then the request itself,
 * naming the uploaded key. The presigned POST's policy admits no `success_action_redirect` (s3-agent-documents.ts), so
 * the page cannot be sent back here; it says instead that a page that stays as it is means the upload worked.
 */
export function agentPage(input: AgentPageInput): APIGatewayProxyStructuredResultV2 {
  const { lang, offer } = input;
  const ctx: FieldContext = { lang, formId: 'agent', ...(input.state ? { state: input.state } : {}) };
  const upload = input.upload;
  const uploadForm = upload
    ? h`<form method="post" action="${upload.url}" enctype="multipart/form-data"><fieldset><legend>${tc(
        lang,
        'center.agent.upload.legend',
      )}</legend>${Object.entries(upload.fields).map(([name, value]) => hidden(name, value))}
<div class="field"><label for="agent-file">${tc(lang, 'center.agent.upload.file')}</label><input id="agent-file" type="file" name="file" accept="${
        upload.fields['Content-Type'] ?? ''
      }" required></div><p>${tc(lang, 'center.agent.upload.after')}</p></fieldset><button type="submit">${tc(
        lang,
        'center.agent.upload.button',
      )}</button></form>`
    : h`<p>${tc(lang, 'center.agent.uploaded')}</p>`;
  const authorities = offer.agents.powerOfAttorney
    ? (['signed_permission', 'power_of_attorney'] as const)
    : (['signed_permission'] as const);
  const requestForm = h`<form method="post" action="${action(lang, '/privacy/requests')}" novalidate>
${hidden('form', 'agent')}${hidden('agent.document', input.documentKey)}
<fieldset><legend>${tc(lang, 'center.agent.request.legend')}</legend>
${select(ctx, {
  name: 'type',
  label: tc(lang, 'center.agent.right'),
  options: offer.rights.map((r) => ({ value: r, label: tc(lang, `center.right.${r}.title`) })),
  required: true,
})}${regulationInput(ctx, offer, input.lawNames)}
${textField(ctx, { name: 'subject.email', label: tc(lang, 'center.agent.subjectEmail'), type: 'email', autocomplete: 'off', required: true })}
${textField(ctx, { name: 'subject.name', label: tc(lang, 'center.agent.subjectName'), autocomplete: 'off' })}
${textField(ctx, { name: 'agent.email', label: tc(lang, 'center.agent.email'), type: 'email', autocomplete: 'email', required: true })}
${textField(ctx, { name: 'agent.name', label: tc(lang, 'center.agent.name'), autocomplete: 'name', required: true })}
${select(ctx, {
  name: 'agent.authority',
  label: tc(lang, 'center.agent.authority'),
  options: authorities.map((a) => ({ value: a, label: tc(lang, `center.agent.authority.${a}`) })),
  required: true,
})}</fieldset><button type="submit">${tc(lang, 'center.submit')}</button></form>`;
  const body = h`${errorSummary(lang, input.state, () => 'agent')}<p>${tc(lang, 'center.agent.intro')}</p>${uploadForm}${requestForm}
<p><a href="${action(lang, '/privacy')}">${tc(lang, 'center.back')}</a></p>`;
  return layoutPage({
    path: '/privacy',
    status: input.status ?? 200,
    lang,
    title: tc(lang, 'center.agent.pageTitle'),
    body,
    area: 'subject',
    // the upload form posts to the bucket: its origin, and only it, joins the CSP's form-action
    formActions: upload ? [new URL(upload.url).origin] : [],
    // a cross-origin form POST carries `Origin: null` under `same-origin`; the bucket (the twin's S3 guard) is told
    // the API's origin instead (no path: this page's URL carries nothing, but the policy says so anyway)
    headers: { 'referrer-policy': 'strict-origin-when-cross-origin' },
  });
}

export type SentKind = 'verify' | 'direct' | 'agent';

/**
 * After the form post: the same page whether or not we hold anything about the address (DESIGN.md §2: the intake looks
 * no one up, and the page says nothing it could learn). The reference and the status code are shown once; the cookie
 * (set by the handler) lets this browser follow the request without them.
 */
export function sentPage(input: {
  lang: Lang;
  kind: SentKind;
  requestId: string;
  statusToken: string;
  gpcHonoured: boolean;
  setCookie: string;
}): APIGatewayProxyStructuredResultV2 {
  const { lang } = input;
  const what = { verify: 'center.sent.verify', direct: 'center.sent.direct', agent: 'center.sent.agent' } as const;
  const body = h`<p>${tc(lang, what[input.kind])}</p>${
    input.gpcHonoured ? h`<div class="notice" role="status"><p>${tc(lang, 'center.gpc.done')}</p></div>` : h``
  }<dl class="facts"><dt>${tc(lang, 'center.sent.reference')}</dt><dd><code>${input.requestId}</code></dd><dt>${tc(
    lang,
    'center.sent.token',
  )}</dt><dd><code>${input.statusToken}</code></dd></dl><p>${tc(lang, 'center.sent.keep')}</p>
<p><a href="${action(lang, '/privacy/status')}">${tc(lang, 'center.sent.follow')}</a></p>`;
  return withCookies(
    layoutPage({ path: '/privacy', status: 200, lang, title: tc(lang, 'center.sent.title'), body, area: 'subject' }),
    [input.setCookie],
  );
}

/** The form that opens a request's status with its reference and code (no token in a URL: it is POSTed). */
export function lookupPage(input: {
  lang: Lang;
  notFound?: boolean;
  values?: URLSearchParams;
  headers?: Record<string, string>;
}): APIGatewayProxyStructuredResultV2 {
  const { lang } = input;
  const problems = input.notFound ? [{ path: 'reference', message: 'not found' }] : [];
  const ctx: FieldContext = {
    lang,
    formId: 'lookup',
    ...(input.values ? { state: { id: 'lookup', values: input.values, problems } } : {}),
  };
  const body = h`${
    input.notFound
      ? h`<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title"><h2 id="error-summary-title">${tc(
          lang,
          'center.errors.title',
        )}</h2><ul><li><a href="#${inputId('lookup', 'reference')}">${tc(lang, 'center.status.notFound')}</a></li></ul></div>`
      : h``
  }<p>${tc(lang, 'center.status.lookup.intro')}</p>
<form method="post" action="${action(lang, '/privacy/status')}"><fieldset><legend>${tc(lang, 'center.status.lookup.title')}</legend>
<div class="field"><label for="${inputId('lookup', 'reference')}">${tc(lang, 'center.status.reference')}</label><input id="${inputId(
    'lookup',
    'reference',
  )}" name="reference" type="text" autocomplete="off" spellcheck="false" required value="${postedValue(ctx, 'reference')}"${
    input.notFound ? h` aria-invalid="true"` : h``
  }></div>
<div class="field"><label for="${inputId('lookup', 'token')}">${tc(lang, 'center.status.token')}</label><input id="${inputId(
    'lookup',
    'token',
  )}" name="token" type="password" autocomplete="off" required></div>
</fieldset><button type="submit">${tc(lang, 'center.status.show')}</button></form>
<p><a href="${action(lang, '/privacy')}">${tc(lang, 'center.back')}</a></p>`;
  return layoutPage({
    path: '/privacy/status',
    status: input.notFound ? 404 : 200,
    lang,
    title: tc(lang, 'center.status.lookup.title'),
    body,
    area: 'subject',
    ...(input.headers ? { headers: input.headers } : {}),
  });
}

const PROCESSING: ReadonlySet<RequestStatus> = new Set([
  'locating',
  'erasing',
  'confirming',
  'assembling',
  'delivering',
  'retrying',
]);
const DONE: ReadonlySet<RequestStatus> = new Set(['completed', 'partially_completed']);

export function formatDate(lang: Lang, iso: string): string {
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

type Step = { key: CenterKey; at?: string; reached: boolean };

/** The timeline: received, confirmed, processing, and how it ended (or where it waits), with dates where known. */
export function timeline(view: RequestView): Step[] {
  const s = view.status;
  const ended = DONE.has(s) || ['rejected', 'cancelled', 'expired'].includes(s);
  const steps: Step[] = [{ key: 'center.step.received', at: view.receivedAt, reached: true }];
  if (s === 'cancelled' || s === 'expired')
    return [...steps, { key: `center.step.${s}`, at: view.completedAt ?? view.updatedAt, reached: true }];
  steps.push({
    key: 'center.step.verified',
    ...(view.verifiedAt ? { at: view.verifiedAt } : {}),
    reached: !!view.verifiedAt,
  });
  if (view.held) steps.push({ key: 'center.step.held', at: view.updatedAt, reached: true });
  if (s === 'rejected')
    return [...steps, { key: 'center.step.denied', at: view.completedAt ?? view.updatedAt, reached: true }];
  steps.push({ key: 'center.step.processing', reached: PROCESSING.has(s) || ended });
  steps.push({ key: 'center.step.done', ...(view.completedAt ? { at: view.completedAt } : {}), reached: DONE.has(s) });
  return steps;
}

/** What the subject may do next: cancel while no one confirmed it, wait, appeal a refusal that may be appealed. */
function nextSteps(lang: Lang, view: RequestView, cancellable: boolean): Html {
  const s = view.status;
  const items: Html[] = [];
  if (cancellable)
    items.push(
      h`<p>${tc(lang, 'center.next.confirm')}</p><form method="post" action="${action(lang, '/privacy/cancel')}"><button type="submit" class="secondary">${tc(
        lang,
        'center.next.cancel',
      )}</button></form>`,
    );
  else if (s === 'rejected') {
    items.push(h`<p>${tc(lang, 'center.next.denied')}</p>`);
    if (view.appealUntil && Date.parse(view.appealUntil) > Date.now())
      items.push(h`<p>${tc(lang, 'center.next.appeal', { date: formatDate(lang, view.appealUntil) })}</p>`);
  } else if (DONE.has(s)) items.push(h`<p>${tc(lang, 'center.next.done')}</p>`);
  else if (view.held) items.push(h`<p>${tc(lang, 'center.next.held')}</p>`);
  else if (s === 'cancelled' || s === 'expired') items.push(h`<p>${tc(lang, 'center.next.again')}</p>`);
  else items.push(h`<p>${tc(lang, 'center.next.working')}</p>`);
  return h`${items}`;
}

export function statusPage(input: {
  lang: Lang;
  view: RequestView;
  cancellable: boolean;
  notice?: string;
  status?: number;
}): APIGatewayProxyStructuredResultV2 {
  const { lang, view } = input;
  const steps = timeline(view);
  const current = steps.filter((s) => s.reached).length - 1;
  const body = h`${input.notice ? h`<div class="notice" role="status"><p>${input.notice}</p></div>` : h``}
<p>${tc(lang, 'center.status.right', { right: tc(lang, `center.right.${view.type as RequestType}.title`) })}</p>
<p>${tc(lang, 'center.sent.reference')}: <code>${view.requestId}</code></p>
${
  isTerminal(view.status)
    ? h``
    : h`<p><strong>${tc(lang, 'center.status.due', { date: formatDate(lang, view.dueDate) })}</strong></p>`
}
<h2>${tc(lang, 'center.status.timeline')}</h2><ol class="timeline">${steps.map(
    (step, i) =>
      h`<li class="${step.reached ? 'reached' : 'pending'}"${i === current ? h` aria-current="step"` : h``}><span class="step">${tc(
        lang,
        step.key,
      )}</span>${
        step.at
          ? h` — <span class="when"><time datetime="${step.at}">${formatDate(lang, step.at)}</time></span>`
          : step.reached
            ? h``
            : h` — <span class="when">${tc(lang, 'center.status.notYet')}</span>`
      }</li>`,
  )}</ol>
<h2>${tc(lang, 'center.next.title')}</h2>${nextSteps(lang, view, input.cancellable)}
<form method="post" action="${action(lang, '/privacy/forget')}"><button type="submit" class="secondary">${tc(
    lang,
    'center.next.forget',
  )}</button></form>
<p><a href="${action(lang, '/privacy')}">${tc(lang, 'center.back')}</a></p>`;
  return layoutPage({
    path: '/privacy/status',
    status: input.status ?? 200,
    lang,
    title: tc(lang, 'center.status.title'),
    body,
    area: 'subject',
  });
}

/** A short page: a heading, a sentence, the way back. */
export function messagePage(input: {
  lang: Lang;
  status: number;
  title: string;
  message: string;
  headers?: Record<string, string>;
}): APIGatewayProxyStructuredResultV2 {
  const { lang } = input;
  const body = h`<p>${input.message}</p><p><a href="${action(lang, '/privacy')}">${tc(lang, 'center.back')}</a></p>`;
  return layoutPage({
    path: '/privacy',
    status: input.status,
    lang,
    title: input.title,
    body,
    area: 'subject',
    ...(input.headers ? { headers: input.headers } : {}),
  });
}
