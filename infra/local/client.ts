/**
 * A small client of the pipeline's HTTP API and the local mail store, used by the demo and the end-to-end tests:
 * it does what a data subject does (submit, open the mail, follow the links) and nothing more.
 */
export interface Mail {
  messageId: string;
  to: string[];
  subject: string;
  text: string;
  at: number;
}

interface StoredMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
  at: number;
}

export class PipelineClient {
  public constructor(
    private readonly api: string,
    private readonly mailStore: string,
  ) {}

  public async submit(body: unknown, idempotencyKey?: string): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${this.api}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  public async status(
    requestId: string,
    statusToken: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${this.api}/requests/${requestId}`, {
      headers: { authorization: `Bearer ${statusToken}` },
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  /** Poll until the request reaches one of `statuses` (or fail after `timeoutMs`). */
  public async waitForStatus(
    requestId: string,
    statusToken: string,
    statuses: string[],
    timeoutMs = 60_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      last = (await this.status(requestId, statusToken)).json;
      if (statuses.includes(String(last.status))) return last;
      await sleep(100);
    }
    throw new Error(`request ${requestId} did not reach ${statuses.join('|')} in time (last: ${String(last.status)})`);
  }

  public async mails(): Promise<Mail[]> {
    const response = await fetch(`${this.mailStore}/store`);
    const { emails } = (await response.json()) as { emails: StoredMail[] };
    return emails.map((m) => ({
      messageId: m.messageId,
      to: m.destination.to,
      subject: m.subject,
      text: m.body.text ?? '',
      at: m.at,
    }));
  }

  /** Wait for a mail to `to` whose text mentions `reference` (the request id) and whose subject matches. */
  public async waitForMail(to: string, reference: string, subject: RegExp, timeoutMs = 60_000): Promise<Mail> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = (await this.mails()).find(
        (m) => m.to.includes(to) && m.text.includes(reference) && subject.test(m.subject),
      );
      if (found) return found;
      await sleep(100);
    }
    throw new Error(`no mail matching ${subject} for request ${reference} arrived in time`);
  }

  /** GET a link without following redirects. */
  public async open(link: string): Promise<Response> {
    return fetch(link, { redirect: 'manual' });
  }

  /**
   * Follow a link from a mail as a person does: open the page (which changes nothing), then press its button, i.e.
   * POST the form it holds. Returns both answers; the second is not followed if it redirects.
   */
  public async confirm(link: string): Promise<{ page: Response; confirmed: Response }> {
    const page = await this.open(link);
    const html = await page.text();
    const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
    const token = /name="token" value="([^"]*)"/.exec(html)?.[1];
    if (action === undefined || token === undefined)
      throw new Error(`the page behind the link (${page.status}) has no form`);
    const confirmed = await fetch(new URL(action, link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
    return { page, confirmed };
  }

  /**
   * Follow a download link and press Download: the API answers 303 to a short-lived presigned URL, which serves the
   * document; or, for a document of several files, a page with one button per file — then the button of `format` (the
   * first when none is asked for) is pressed, which answers that 303.
   */
  public async download(link: string, format?: string): Promise<{ redirectedTo: string; body: string; bytes: Buffer }> {
    const { confirmed } = await this.confirm(link);
    let answer = confirmed;
    if (confirmed.status === 200) {
      const files = filesOffered(await confirmed.text());
      const file = format === undefined ? files[0] : files.find((f) => f.format === format);
      if (!file) throw new Error(`the files page offers no ${format ?? 'file'}`);
      answer = await this.pressFile(link, file);
    }
    return this.fetchRedirect(answer);
  }

  /** Follow a download link and fetch every file its page offers, by format (`json`, `html`, `zip`). */
  public async downloadFiles(link: string): Promise<Map<string, { body: string; bytes: Buffer }>> {
    const { confirmed } = await this.confirm(link);
    const fetched = new Map<string, { body: string; bytes: Buffer }>();
    if (confirmed.status !== 200) {
      fetched.set('single', await this.fetchRedirect(confirmed));
      return fetched;
    }
    for (const file of filesOffered(await confirmed.text()))
      fetched.set(file.format, await this.fetchRedirect(await this.pressFile(link, file)));
    return fetched;
  }

  private pressFile(link: string, file: { token: string; format: string }): Promise<Response> {
    return fetch(new URL('download', link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: file.token, format: file.format }).toString(),
      redirect: 'manual',
    });
  }

  private async fetchRedirect(answer: Response): Promise<{ redirectedTo: string; body: string; bytes: Buffer }> {
    const location = answer.headers.get('location');
    if (answer.status !== 303 || !location) throw new Error(`download answered ${answer.status}, not a redirect`);
    const document = await fetch(location);
    if (!document.ok) throw new Error(`presigned URL answered ${document.status}`);
    const bytes = Buffer.from(await document.arrayBuffer());
    return { redirectedTo: location, body: bytes.toString('utf8'), bytes };
  }

  /**
   * Answer, as each recipient's staff would, every notice mailed about `requestId` until `until` settles (the request
   * ended). Recipients are told only after the stores changed, and the request waits for their answers.
   */
  public async answerNoticesUntil(
    requestId: string,
    until: Promise<unknown>,
    answer: 'done' | 'not_held' = 'done',
    /** addresses whose notices are left unanswered (a recipient who never answers) */
    except: readonly string[] = [],
  ): Promise<Mail[]> {
    const answered = new Map<string, Mail>();
    let ended = false;
    const settled = until.then(
      () => {
        ended = true;
      },
      () => {
        ended = true;
      },
    );
    while (!ended) {
      for (const mail of await this.mails()) {
        if (answered.has(mail.messageId) || !mail.text.includes(requestId) || !NOTICE_SUBJECT.test(mail.subject))
          continue;
        if (mail.to.some((to) => except.includes(to))) continue;
        answered.set(mail.messageId, mail);
        await this.answerNotice(linkIn(mail, '/notices'), answer);
      }
      await Promise.race([settled, sleep(100)]);
    }
    return [...answered.values()];
  }

  /**
   * Answer a recipient's notice as its staff would: open the link from the notice mail (a page that changes nothing),
   * then press one of its answers. Returns the status of the answer.
   */
  public async answerNotice(link: string, answer: 'done' | 'not_held' | 'exception', reason = ''): Promise<number> {
    const page = await this.open(link);
    const html = await page.text();
    const token = /name="token" value="([^"]*)"/.exec(html)?.[1];
    if (token === undefined) throw new Error(`the notice page behind the link (${page.status}) has no form`);
    const answered = await fetch(new URL('/notices', link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, answer, reason }).toString(),
      redirect: 'manual',
    });
    return answered.status;
  }

  /**
   * Answer a manual system's notice for an access request as its owner would: open the link, then send the form with
   * `found` and the records as a file (multipart, as a browser sends a file field). Returns the answer's status and page.
   */
  public async answerNoticeWithRecords(
    link: string,
    file: { name: string; type: string; content: string },
  ): Promise<{ status: number; page: string }> {
    const page = await this.open(link);
    const html = await page.text();
    const token = /name="token" value="([^"]*)"/.exec(html)?.[1];
    if (token === undefined || !html.includes('type="file"'))
      throw new Error(`the notice page behind the link (${page.status}) has no upload form`);
    const form = new FormData();
    form.set('token', token);
    form.set('answer', 'found');
    form.set('records', new Blob([file.content], { type: file.type }), file.name);
    const answered = await fetch(new URL('/notices', link), { method: 'POST', body: form, redirect: 'manual' });
    return { status: answered.status, page: await answered.text() };
  }
}

/** The files a download's files page offers: each form's own token and format. */
function filesOffered(html: string): { token: string; format: string }[] {
  return [...html.matchAll(/name="token" value="([^"]+)"><input type="hidden" name="format" value="([^"]+)"/g)].map(
    ([, token = '', format = '']) => ({ token, format }),
  );
}

/** The subject line of a notice to a recipient (functions/notify-recipient/notice-content.ts). */
export const NOTICE_SUBJECT = /please act and answer/i;

/** The first link to this API's `route` in a mail's text. */
export function linkIn(mail: Mail, route: '/verify' | '/download' | '/notices' | '/appeal'): string {
  const match = new RegExp(`https?://\\S+${route}\\?token=[A-Za-z0-9_-]+`).exec(mail.text);
  if (!match) throw new Error(`mail "${mail.subject}" has no ${route} link`);
  return match[0];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
