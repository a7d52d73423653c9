import { createHash } from 'node:crypto';
import { type FakeApi, type FakeAnswer, startFakeApi } from './fake-server';

/** A list member as Mailchimp returns it (the fields the pipeline reads and writes). */
export interface MailchimpMember {
  id: string;
  email_address: string;
  status: 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending';
  merge_fields: Record<string, string>;
  list_id: string;
}

/** Mailchimp's subscriber hash: MD5 of the lower-cased address. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.toLowerCase()).digest('hex');
}

const problem = (status: number, title: string, detail: string): FakeAnswer => ({
  status,
  body: { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: '' },
});

/**
 * A local stand-in for Mailchimp Marketing's list members, as documented
 * (https://mailchimp.com/developer/marketing/api/list-members/): a member is addressed by its subscriber hash;
 * `GET /3.0/lists/{list}/members/{hash}` (404 "Resource Not Found"); `GET /3.0/lists/{list}/members?count&offset` →
 * `{ members, list_id, total_items }` (count at most 1000); `PATCH …/{hash}` with `merge_fields` and `status`;
 * `POST …/{hash}/actions/delete-permanent` → 204, the member gone for good (and refused re-adding, as in Mailchimp);
 * basic authentication with any user and the API key, else 401 "API Key Invalid".
 */
export class MailchimpFake {
  private readonly members = new Map<string, MailchimpMember>();
  private constructor(
    public readonly api: FakeApi,
    public readonly listId: string,
  ) {}

  public static async start(listId = 'a1b2c3d4e5'): Promise<MailchimpFake> {
    let fake: MailchimpFake | undefined;
    const api = await startFakeApi(
      (key) => `Basic ${Buffer.from(`anystring:${key}`).toString('base64')}`,
      () =>
        problem(
          401,
          'API Key Invalid',
          'Your API key may be invalid, or you’ve attempted to access the wrong datacenter.',
        ),
      (request) => fake?.handle(request.method, request.url, request.body) ?? problem(503, 'Starting', ''),
    );
    fake = new MailchimpFake(api, listId);
    return fake;
  }

  /** Adds members (one per address: Mailchimp keys them by the hash of the lower-cased address). */
  public seed(
    members: readonly { email: string; status?: MailchimpMember['status']; merge_fields?: Record<string, string> }[],
  ): void {
    for (const m of members) {
      const id = subscriberHash(m.email);
      this.members.set(id, {
        id,
        email_address: m.email,
        status: m.status ?? 'subscribed',
        merge_fields: m.merge_fields ?? {},
        list_id: this.listId,
      });
    }
  }

  public all(): MailchimpMember[] {
    return [...this.members.values()].map((m) => structuredClone(m));
  }

  private handle(method: string, url: URL, body: string): FakeAnswer {
    const prefix = `/3.0/lists/${this.listId}/members`;
    const path = url.pathname;
    if (!path.startsWith(prefix))
      return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    const rest = path.slice(prefix.length);
    if (rest === '' && method === 'GET') {
      const count = Math.min(Number(url.searchParams.get('count') ?? 10), 1000);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const all = [...this.members.values()];
      return {
        status: 200,
        body: { members: all.slice(offset, offset + count), list_id: this.listId, total_items: all.length },
      };
    }
    const match = /^\/([0-9a-f]{32})(\/actions\/delete-permanent)?$/.exec(rest);
    const member = match ? this.members.get(match[1] ?? '') : undefined;
    if (!match || !member) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    if (match[2] && method === 'POST') {
      this.members.delete(member.id);
      return { status: 204 };
    }
    if (method === 'GET') return { status: 200, body: member };
    if (method === 'PATCH') {
      const changes = JSON.parse(body) as Partial<MailchimpMember>;
      if (changes.status) member.status = changes.status;
      if (changes.merge_fields) member.merge_fields = { ...member.merge_fields, ...changes.merge_fields };
      return { status: 200, body: member };
    }
    return problem(405, 'Method Not Allowed', 'The requested method is not allowed.');
  }
}
