import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AuditEvent } from '../core/audit/chain';
import { auditRow } from '../core/audit/rows';
import type { MetricsRow } from '../core/domain/operator-views';
import type { RequestRecord } from '../core/domain/request-record';
import { waitingFor } from '../core/domain/queue';
import { type Html, h, layoutPage } from '../core/http/layout';
import { type Lang, t } from '../core/i18n/catalog';
import { type Action, type ConsoleRow, QUEUE_FILTERS, type QueueFilter } from './console';

/**
 * The console's pages, in the one layout (functions/core/http/layout.ts): no script, plain links and forms, every
 * value escaped by `h`. A request shows its id, right, law, status, dates, decision reasons, per-system results and its
 * audit history — never the subject's address (the task does not need it; `npx dsar show` masks it likewise).
 */

export interface PageContext {
  lang: Lang;
  /** what the header says is signed in (the e-mail, or the sub; `local-operator` in the twin) */
  label: string;
  /** the synchronizer token every form carries */
  csrf: string;
}

/**
 * `same-origin`, not the default `no-referrer`: under `no-referrer` a browser sends `Origin: null` on the console's own
 * form posts, and the console checks the Origin of every POST. Console URLs carry request ids only, never a token.
 */
const HEADERS = { 'referrer-policy': 'same-origin' };

function nav(ctx: PageContext): Html {
  return h`<nav aria-label="${t(ctx.lang, 'console.nav')}"><ul class="console-nav">
<li><a href="/console">${t(ctx.lang, 'console.queue.title')}</a></li>
<li><a href="/console/metrics">${t(ctx.lang, 'console.metrics.title')}</a></li>
<li>${t(ctx.lang, 'console.signedInAs', { who: ctx.label })}
<form method="post" action="/console/sign-out" class="inline"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit" class="secondary">${t(ctx.lang, 'console.signOut')}</button></form></li>
</ul></nav>`;
}

function page(
  ctx: PageContext,
  title: string,
  path: string,
  body: Html,
  status = 200,
): APIGatewayProxyStructuredResultV2 {
  return layoutPage({
    lang: ctx.lang,
    area: 'operator',
    title,
    path,
    status,
    headers: HEADERS,
    body: h`${nav(ctx)}${body}`,
  });
}

/** Days left in words as well as numbers: a late request is marked by text, not by colour alone. */
function daysLeftCell(lang: Lang, row: Pick<ConsoleRow, 'daysLeft' | 'ended'>): Html {
  if (row.ended) return h`<td>${t(lang, 'console.queue.ended')}</td>`;
  if (row.daysLeft < 0)
    return h`<td class="late"><strong>${t(lang, 'console.queue.late', { days: -row.daysLeft })}</strong></td>`;
  return h`<td>${t(lang, 'console.queue.daysLeft', { days: row.daysLeft })}</td>`;
}

function waitsFor(lang: Lang, row: ConsoleRow): string {
  if (row.ended) return '—';
  if (row.failed) return t(lang, 'console.waits.retry');
  if (row.waitingFor === 'operator') return t(lang, 'console.waits.operator');
  if (row.waitingFor === 'subject') return t(lang, 'console.waits.subject');
  if (row.status === 'pending_verification' || row.status === 'received') return t(lang, 'console.waits.confirmation');
  return t(lang, 'console.waits.pipeline');
}

export function queuePage(ctx: PageContext, filter: QueueFilter, rows: readonly ConsoleRow[]) {
  const { lang } = ctx;
  const filters = QUEUE_FILTERS.map((f) =>
    f === filter
      ? h`<li><span aria-current="page">${t(lang, `console.filter.${f}`)}</span></li>`
      : h`<li><a href="/console?status=${f}">${t(lang, `console.filter.${f}`)}</a></li>`,
  );
  const body = h`<nav aria-label="${t(lang, 'console.filter.label')}"><ul class="filters">${filters}</ul></nav>
${
  rows.length === 0
    ? h`<p>${t(lang, 'console.queue.empty')}</p>`
    : h`<table>
<caption>${t(lang, 'console.queue.caption', { filter: t(lang, `console.filter.${filter}`), count: rows.length })}</caption>
<thead><tr><th scope="col">${t(lang, 'console.col.request')}</th><th scope="col">${t(lang, 'console.col.right')}</th><th scope="col">${t(lang, 'console.col.law')}</th><th scope="col">${t(lang, 'console.col.status')}</th><th scope="col">${t(lang, 'console.col.due')}</th><th scope="col">${t(lang, 'console.col.daysLeft')}</th><th scope="col">${t(lang, 'console.col.waitsFor')}</th></tr></thead>
<tbody>${rows.map(
        (row) =>
          h`<tr><td><a href="/console/requests/${row.requestId}">${row.requestId}</a></td><td>${row.type}</td><td>${row.regulation}</td><td>${row.status}</td><td>${row.dueDate}</td>${daysLeftCell(lang, row)}<td>${waitsFor(lang, row)}</td></tr>`,
      )}</tbody>
</table>`
}`;
  return page(ctx, t(lang, 'console.queue.title'), '/console', body);
}

const REASONED = ['deny', 'clarify', 'cancel', 'extend'] as const satisfies readonly Action[];
type Reasoned = (typeof REASONED)[number];
const isReasoned = (action: Action): action is Reasoned => (REASONED as readonly Action[]).includes(action);

function actionForm(ctx: PageContext, requestId: string, action: Action): Html {
  const { lang } = ctx;
  const id = `reason-${action}`;
  return h`<form method="post" action="/console/requests/${requestId}/${action}" class="action">
<input type="hidden" name="csrf" value="${ctx.csrf}">
<h3>${t(lang, `console.action.${action}.title`)}</h3>
<p class="hint" id="${id}-hint">${t(lang, `console.action.${action}.hint`)}</p>
${
  isReasoned(action)
    ? h`<label for="${id}">${t(lang, `console.action.${action}.label`)}</label>
<textarea id="${id}" name="reason" required maxlength="1000" aria-describedby="${id}-hint"></textarea>`
    : h``
}
<button type="submit"${action === 'deny' || action === 'cancel' ? h` class="danger"` : h``}>${t(lang, `console.action.${action}.button`)}</button>
</form>`;
}

export interface RequestPageInput {
  record: RequestRecord;
  events: readonly AuditEvent[];
  intact: boolean;
  problems: readonly string[];
  actions: readonly Action[];
  /** what the last action did (after its redirect), or the use case's refusal */
  notice?: { kind: 'ok' | 'error'; text: string };
}

function fact(label: string, value: Html | string | undefined): Html {
  return value === undefined || value === '' ? h`` : h`<dt>${label}</dt><dd>${value}</dd>`;
}

export function requestPage(ctx: PageContext, input: RequestPageInput, status = 200) {
  const { lang } = ctx;
  const { record } = input;
  const clock = record.clock;
  const decision = record.decision;
  const systems = record.done ?? record.outcomes;
  const notice = input.notice
    ? input.notice.kind === 'ok'
      ? h`<div class="notice ok" role="status"><p>${input.notice.text}</p></div>`
      : h`<div class="error-summary" role="alert" tabindex="-1"><h2>${t(lang, 'console.error.title')}</h2><p>${input.notice.text}</p></div>`
    : h``;
  const body = h`${notice}
<dl class="facts">
${fact(t(lang, 'console.col.request'), record.requestId)}
${fact(t(lang, 'console.col.right'), record.type)}
${fact(t(lang, 'console.col.law'), record.regulation)}
${fact(t(lang, 'console.col.status'), record.status)}
${fact(t(lang, 'console.fact.received'), record.receivedAt)}
${fact(t(lang, 'console.fact.verified'), record.verifiedAt)}
${fact(t(lang, 'console.col.due'), record.dueDate)}
${fact(
  t(lang, 'console.fact.extension'),
  clock?.extension.extendedOn ? `${clock.extension.extendedOn} → ${clock.extension.extendedTo ?? ''}` : undefined,
)}
${fact(t(lang, 'console.fact.clock'), clock ? `${clock.pack} ${clock.packVersion}` : undefined)}
${fact(t(lang, 'console.col.waitsFor'), waitingFor(record) === '-' ? undefined : waitingFor(record))}
${fact(
  t(lang, 'console.fact.decision'),
  decision
    ? `${decision.outcome} — ${decision.reasons.map((r) => r.code).join(', ') || t(lang, 'console.fact.noReasons')} (${decision.by ?? 'policy'}, ${decision.profile.id} ${decision.profile.version})`
    : undefined,
)}
${fact(t(lang, 'console.fact.attention'), record.attention ? `${record.attention.step}: ${record.attention.error} (${record.attention.at})` : undefined)}
</dl>
<h2>${t(lang, 'console.systems.title')}</h2>
${
  systems && Object.keys(systems).length
    ? h`<table><caption class="visually-hidden">${t(lang, 'console.systems.title')}</caption>
<thead><tr><th scope="col">${t(lang, 'console.systems.system')}</th><th scope="col">${t(lang, 'console.systems.result')}</th></tr></thead>
<tbody>${Object.entries(systems).map(([system, result]) => h`<tr><td>${system}</td><td>${typeof result === 'string' ? result : JSON.stringify(result)}</td></tr>`)}</tbody></table>`
    : h`<p>${t(lang, 'console.systems.none')}</p>`
}
<h2>${t(lang, 'console.actions.title')}</h2>
${input.actions.length ? input.actions.map((a) => actionForm(ctx, record.requestId, a)) : h`<p>${t(lang, 'console.actions.none')}</p>`}
<h2>${t(lang, 'console.history.title')}</h2>
<p class="${input.intact ? 'notice ok' : 'notice warn'}">${
    input.intact
      ? t(lang, 'console.history.intact', { count: input.events.length })
      : t(lang, 'console.history.broken', { problems: input.problems.join('; ') })
  }</p>
<table><caption class="visually-hidden">${t(lang, 'console.history.title')}</caption>
<thead><tr><th scope="col">#</th><th scope="col">${t(lang, 'console.history.at')}</th><th scope="col">${t(lang, 'console.history.actor')}</th><th scope="col">${t(lang, 'console.history.kind')}</th><th scope="col">${t(lang, 'console.history.change')}</th><th scope="col">${t(lang, 'console.history.fields')}</th></tr></thead>
<tbody>${input.events.map((event) => {
    const row = auditRow(event);
    return h`<tr><td>${row.seq}</td><td>${row.at}</td><td>${row.actor}</td><td>${row.kind}</td><td>${row.change}</td><td>${row.fields}</td></tr>`;
  })}</tbody></table>`;
  return page(
    ctx,
    t(lang, 'console.request.title', { id: record.requestId }),
    `/console/requests/${record.requestId}`,
    body,
    status,
  );
}

const METRIC_COLUMNS = [
  'received',
  'compliedInWhole',
  'compliedInPart',
  'denied',
  'deniedBy',
  'withdrawnOrUnverified',
  'open',
  'medianDays',
  'meanDays',
] as const;

export function metricsPage(ctx: PageContext, year: number, rows: readonly MetricsRow[]) {
  const { lang } = ctx;
  const body = h`<form method="get" action="/console/metrics" class="inline">
<label for="year">${t(lang, 'console.metrics.year')}</label>
<input id="year" name="year" type="number" min="2000" max="9999" value="${String(year)}" inputmode="numeric">
<button type="submit">${t(lang, 'console.metrics.show')}</button>
</form>
<p class="hint">${t(lang, 'console.metrics.hint')}</p>
${
  rows.length === 0
    ? h`<p>${t(lang, 'console.metrics.none', { year })}</p>`
    : h`<table><caption>${t(lang, 'console.metrics.caption', { year })}</caption>
<thead><tr><th scope="col">${t(lang, 'console.col.right')}</th>${METRIC_COLUMNS.map((c) => h`<th scope="col">${t(lang, `console.metrics.${c}`)}</th>`)}</tr></thead>
<tbody>${rows.map((row) => h`<tr><th scope="row">${row.right}</th>${METRIC_COLUMNS.map((c) => h`<td>${row[c] === null || row[c] === '' ? '—' : String(row[c])}</td>`)}</tr>`)}</tbody></table>`
}`;
  return page(ctx, t(lang, 'console.metrics.title'), '/console/metrics', body);
}

/** A refusal page (403 CSRF, 404 no request): says what happened, changes nothing. */
export function refusalPage(ctx: PageContext, status: number, title: string, text: string) {
  return page(
    ctx,
    title,
    '/console',
    h`<div class="error-summary" role="alert"><p>${text}</p></div><p><a href="/console">${t(ctx.lang, 'console.back')}</a></p>`,
    status,
  );
}

/** The twin's sign-in: the operator credential the twin printed at its first start. */
export function localSignInPage(lang: Lang, error?: string, status = 200) {
  const body = h`${error ? h`<div class="error-summary" role="alert" tabindex="-1"><p>${error}</p></div>` : h``}
<form method="post" action="/console/sign-in">
<label for="credential">${t(lang, 'console.signIn.credential')}</label>
<p class="hint" id="credential-hint">${t(lang, 'console.signIn.hint')}</p>
<input id="credential" name="credential" type="password" autocomplete="current-password" required aria-describedby="credential-hint"${error ? h` aria-invalid="true"` : h``}>
<button type="submit">${t(lang, 'console.signIn.button')}</button>
</form>`;
  return layoutPage({
    lang,
    area: 'operator',
    title: t(lang, 'console.signIn.title'),
    path: '/console/sign-in',
    status,
    headers: HEADERS,
    body,
  });
}

/** After the managed login: a link onward (a redirect chain begun on another site would not carry a SameSite=Strict cookie). */
export function signedInPage(lang: Lang, cookies: string[]) {
  const response = layoutPage({
    lang,
    area: 'operator',
    title: t(lang, 'console.signedIn.title'),
    path: '/console/callback',
    headers: HEADERS,
    body: h`<p><a href="/console">${t(lang, 'console.signedIn.continue')}</a></p>`,
  });
  return { ...response, cookies };
}
