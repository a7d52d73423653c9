import { describe, expect, it } from 'vitest';
import { connectedSystems, manualSystems, SystemsConfig } from '../../../connectors/config';
import { ConnectorConfigError } from '../../../connectors/errors';
import { createConnector } from '../../../connectors/registry';
import { AnswerNotice, answersFor } from '../../../functions/answer-notice/answer-notice';
import { MAX_UPLOADED_RECORDS, uploadedRecords } from '../../../functions/answer-notice/uploaded-records';
import { manualOutcome } from '../../../functions/assemble-export/assemble-export';
import { manualReviewReasons } from '../../../functions/assemble-receipt/assemble-receipt';
import { ValidationError } from '../../../functions/core/domain/errors';
import { manualFor, noticeTarget, ownersFor } from '../../../functions/core/recipients';
import { NotifyRecipient } from '../../../functions/notify-recipient/notify-recipient';
import { PlanRequest } from '../../../functions/plan-request/plan-request';
import { aRequest, MemoryDocuments, MemoryMailer, MemoryRequests } from '../../support/fakes';
import { MemoryCallbacks, MemoryNotices, MemoryWebhooks } from '../../support/notice-fakes';

const T0 = new Date('2026-11-02T10:00:00.000Z');
const REQUEST_ID = '0b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b6c';

const SYSTEMS = SystemsConfig.parse({
  version: 1,
  systems: [
    {
      id: 'customers',
      type: 's3-objects',
      bucket: 'customer-records',
      format: 'jsonl',
      identity: { email: { field: 'email' } },
      holds: { categories: ['identifiers'], purpose: 'p' },
      erasure: { strategy: 'delete' },
      owner: { name: 'Platform team', contact: { email: 'platform@example.com' } },
    },
    {
      id: 'paper-files',
      type: 'manual',
      description: 'the signed forms in the Brighton office',
      owner: { name: 'Records office', contact: { email: 'records@example.com' } },
      answerWithin: 'P5D',
      holds: { categories: ['identifiers', 'signatures'], purpose: 'membership' },
      erasure: { strategy: 'anonymize', reason: 'kept for audit', fields: { name: { action: 'remove' } } },
    },
    {
      id: 'vendor-portal',
      type: 'manual',
      description: 'the events vendor’s portal',
      owner: { name: 'Events vendor', contact: { email: 'dpo@events.example' } },
      holds: { categories: ['identifiers'], purpose: 'events' },
      erasure: { strategy: 'delete' },
      portability: { provided: 'all' },
    },
  ],
});

const file = (content: string, filename = 'records.csv', mimetype = 'text/csv') => ({
  content: Buffer.from(content, 'utf8'),
  filename,
  mimetype,
});

describe('Schema: ManualSystem', () => {
  it('defaults the deadline and upload limit, and keeps manual systems out of the connected ones', () => {
    // Assess
    expect(manualSystems(SYSTEMS).map((s) => [s.id, s.answerWithin, s.maxUploadBytes])).toEqual([
      ['paper-files', 'P5D', 1024 * 1024],
      ['vendor-portal', 'P14D', 1024 * 1024],
    ]);
    expect(connectedSystems(SYSTEMS).map((s) => s.id)).toEqual(['customers']);
  });

  it('refuses a manual system without an owner, or with a connector’s fields', () => {
    // Prepare
    const base = { id: 'x', type: 'manual', description: 'd', holds: { categories: ['c'], purpose: 'p' } };
    const erasure = { strategy: 'delete' };

    // Act
    const ownerless = SystemsConfig.safeParse({ version: 1, systems: [{ ...base, erasure }] });
    const withTable = SystemsConfig.safeParse({
      version: 1,
      systems: [{ ...base, erasure, owner: { name: 'o', contact: { email: 'o@example.com' } }, table: 't' }],
    });

    // Assess
    expect(ownerless.success).toBe(false);
    expect(withTable.success).toBe(false);
  });

  it('has no connector: building one is a configuration error naming the system', () => {
    // Prepare
    const [manual] = manualSystems(SYSTEMS);
    if (!manual) throw new TypeError('no manual system');

    // Act & Assess
    expect(() => createConnector(manual, {} as never)).toThrow(ConnectorConfigError);
  });
});

describe('Function: manualFor', () => {
  it('asks every manual system for every right that searches or changes, only the marked ones for portability', () => {
    // Act & Assess
    expect(manualFor(SYSTEMS, 'access')).toEqual([
      { recipientId: 'system:paper-files', answerWithinSeconds: 5 * 86_400 },
      { recipientId: 'system:vendor-portal', answerWithinSeconds: 14 * 86_400 },
    ]);
    expect(manualFor(SYSTEMS, 'deletion').map((r) => r.recipientId)).toEqual([
      'system:paper-files',
      'system:vendor-portal',
    ]);
    expect(manualFor(SYSTEMS, 'portability').map((r) => r.recipientId)).toEqual(['system:vendor-portal']);
    expect(manualFor(SYSTEMS, 'categories')).toEqual([]);
    expect(manualFor(SYSTEMS, 'disclosures')).toEqual([]);
  });

  it('is not told twice: a manual system’s owner is never also listed as the owner of a system that cannot change', () => {
    // Act
    const owners = ownersFor(SYSTEMS, { attributes: ['name'], flags: [] });

    // Assess
    expect(owners.map((o) => o.recipientId)).toEqual(['owner:customers']);
  });

  it('plans the manual systems as notices and never as systems to search', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ type: 'access', status: 'verified', verified: { email: 'ada@example.com' } }));

    // Act
    const plan = await new PlanRequest(requests, SYSTEMS).execute(REQUEST_ID);

    // Assess
    expect(plan.systems).toEqual([{ systemId: 'customers' }]);
    expect(plan.recipients.map((r) => r.recipientId)).toEqual(['system:paper-files', 'system:vendor-portal']);
  });
});

describe('Function: noticeTarget', () => {
  it('names the manual system’s owner and carries what the owner is asked to look in', () => {
    // Act
    const target = noticeTarget(SYSTEMS, 'system:paper-files');

    // Assess
    expect(target).toMatchObject({
      name: 'Records office',
      system: 'paper-files',
      answerWithin: 'P5D',
      notify: { email: 'records@example.com' },
      manual: { description: 'the signed forms in the Brighton office', maxUploadBytes: 1024 * 1024 },
    });
    expect(noticeTarget(SYSTEMS, 'system:customers')).toBeUndefined();
    expect(noticeTarget(SYSTEMS, 'system:nope')).toBeUndefined();
  });
});

describe('Class: NotifyRecipient (manual system)', () => {
  it.each([
    ['access', /Find every record about this person in the signed forms in the Brighton office/],
    ['deletion', /remove what identifies them \(name\): kept for audit/],
  ] as const)('asks the owner to do the %s by hand, with the subject’s address and the link', async (type, asked) => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ type, status: 'locating', verified: { email: 'ada@example.com' } }));
    const mailer = new MemoryMailer();
    const notify = new NotifyRecipient({
      requests,
      notices: new MemoryNotices(() => T0),
      mailer,
      webhooks: new MemoryWebhooks(),
      callbacks: new MemoryCallbacks(),
      systems: SYSTEMS,
      apiUrl: 'https://dsar.example.com',
      now: () => T0,
    });

    // Act
    await notify.execute({ requestId: REQUEST_ID, recipientId: 'system:paper-files', taskToken: 't-1' });

    // Assess
    const [mail] = mailer.sent;
    expect(mail?.to).toBe('records@example.com');
    expect(mail?.text).toMatch(asked);
    expect(mail?.text).toContain('can only be reached by a person');
    expect(mail?.text).toContain('ada@example.com');
    expect(mail?.text).toMatch(/notices\?token=/);
  });
});

describe('Class: AnswerNotice (manual system)', () => {
  async function noticeFor(type: 'access' | 'deletion') {
    const requests = new MemoryRequests();
    await requests.create(aRequest({ type, status: 'locating', verified: { email: 'ada@example.com' } }));
    const notices = new MemoryNotices(() => T0);
    const callbacks = new MemoryCallbacks();
    const documents = new MemoryDocuments();
    await notices.open(REQUEST_ID, 'system:paper-files', 't-1', '2026-11-07T10:00:00.000Z');
    const token = await notices.issueLink(REQUEST_ID, 'system:paper-files', 3600);
    const answers = new AnswerNotice({ notices, callbacks, systems: SYSTEMS, requests, documents, now: () => T0 });
    return { answers, notices, callbacks, documents, token };
  }

  it('offers found / not held / exception for an access request, done / not held / exception otherwise', () => {
    // Prepare
    const manual = noticeTarget(SYSTEMS, 'system:paper-files');
    const owner = noticeTarget(SYSTEMS, 'owner:customers');

    // Act & Assess
    expect(answersFor(manual, 'access')).toEqual(['found', 'not_held', 'exception']);
    expect(answersFor(manual, 'portability')).toEqual(['found', 'not_held', 'exception']);
    expect(answersFor(manual, 'deletion')).toEqual(['done', 'not_held', 'exception']);
    expect(answersFor(owner, 'access')).toEqual(['done', 'not_held', 'exception']);
  });

  it('stores the uploaded records as the system’s part (secrets withheld) and completes the task with the count kept aside', async () => {
    // Prepare
    const { answers, notices, callbacks, documents, token } = await noticeFor('access');

    // Act
    const result = await answers.execute(
      token,
      'found',
      undefined,
      file('form,email,password\nM-1,ada@example.com,hunter2\nM-2,ada@example.com,x\n'),
    );

    // Assess
    expect(result).toEqual({ recipientId: 'system:paper-files', answer: 'found' });
    expect(callbacks.completed).toEqual([
      { taskToken: 't-1', output: { recipientId: 'system:paper-files', answer: 'found' } },
    ]);
    expect(await notices.get(REQUEST_ID, 'system:paper-files')).toMatchObject({ answer: 'found', records: 2 });
    const part = documents.objects.get(`parts/${REQUEST_ID}/paper-files.jsonl`)?.body ?? '';
    expect(part).toContain('{"form":"M-1","email":"ada@example.com"}');
    expect(part).not.toContain('hunter2');
  });

  it('refuses a bad file or a wrong answer without spending the link, so the owner can send again', async () => {
    // Prepare
    const { answers, notices, token } = await noticeFor('access');

    // Act
    const ragged = answers.execute(token, 'found', undefined, file('a,b\n1,2,3\n'));
    const done = answers.execute(token, 'done', undefined);
    const second = await answers.execute(token, 'not_held', undefined);

    // Assess
    await expect(ragged).rejects.toBeInstanceOf(ValidationError);
    await expect(done).rejects.toBeInstanceOf(ValidationError);
    expect(second.answer).toBe('not_held');
    expect((await notices.get(REQUEST_ID, 'system:paper-files'))?.answer).toBe('not_held');
  });

  it('refuses `found` for a deletion (there is nothing to send)', async () => {
    // Prepare
    const { answers, token } = await noticeFor('deletion');

    // Act
    const found = answers.execute(token, 'found', undefined, file('a\n1\n'));

    // Assess
    await expect(found).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('Function: uploadedRecords', () => {
  it('reads a JSON array of objects and a CSV file with a header row (BOM and blank lines tolerated)', () => {
    // Act & Assess
    expect(uploadedRecords(file('[{"a":1},{"a":{"b":2}}]', 'r.json', 'application/json'), 1024)).toEqual([
      { a: 1 },
      { a: { b: 2 } },
    ]);
    expect(uploadedRecords(file('\uFEFFa,b\n1,"x, y"\n\n2,z\n'), 1024)).toEqual([
      { a: '1', b: 'x, y' },
      { a: '2', b: 'z' },
    ]);
  });

  it.each([
    ['no file', undefined],
    ['an empty file', file('')],
    ['a header without rows', file('a,b\n')],
    ['JSON that is not an array of objects', file('[1,2]', 'r.json', 'application/json')],
    ['broken JSON', file('[{"a":', 'r.json', 'application/json')],
    ['a ragged CSV row', file('a,b\n1,2,3\n')],
    ['a file cut at the parser’s limit', { ...file('a\n1\n'), truncated: true }],
  ])('refuses %s with a problem on `records`', (_name, upload) => {
    // Act
    const read = () => uploadedRecords(upload, 1024);

    // Assess
    expect(read).toThrow(ValidationError);
    expect(() => read()).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: 'records' })] }));
  });

  it('refuses a file over the system’s limit and more records than MAX_UPLOADED_RECORDS', () => {
    // Prepare
    const many = `a\n${'1\n'.repeat(MAX_UPLOADED_RECORDS + 1)}`;

    // Act & Assess
    expect(() => uploadedRecords(file('a\n1\n'), 3)).toThrow(/larger than 3 bytes/);
    expect(() => uploadedRecords(file(many), 10 * 1024 * 1024)).toThrow(/more than 10000 records/);
  });
});

describe('Function: manualOutcome', () => {
  it.each([
    ['found', 3, { status: 'found', recordCount: 3, partKey: `parts/${REQUEST_ID}/paper-files.jsonl` }],
    ['not_held', undefined, { status: 'not_found', recordCount: 0 }],
    ['exception', undefined, { status: 'failed', error: 'OwnerException' }],
    ['timed_out', undefined, { status: 'failed', error: 'NoAnswerByDeadline' }],
    ['not_sent', undefined, { status: 'failed', error: 'OwnerNotReachable' }],
    ['failed', undefined, { status: 'failed', error: 'NoticeFailed' }],
  ])('turns %s into an export section', (answer, records, expected) => {
    // Act & Assess
    expect(manualOutcome(REQUEST_ID, 'paper-files', answer, records)).toMatchObject({
      systemId: 'paper-files',
      ...expected,
    });
  });
});

describe('Function: manualReviewReasons', () => {
  it('holds a receipt for review unless each manual system’s owner answered done or not held', () => {
    // Act
    const reasons = manualReviewReasons([
      { recipientId: 'system:paper-files', answer: 'timed_out' },
      { recipientId: 'system:vendor-portal', answer: 'done' },
      { recipientId: 'newsletter', answer: 'timed_out' },
      { recipientId: 'owner:customers', answer: 'exception' },
    ]);

    // Assess: a recipient's or an owner's silence is on the receipt, but only a manual system's blocks completion
    expect(reasons).toEqual([
      {
        system: 'paper-files',
        reason: 'its owner did not answer by the deadline: the change there is not confirmed',
      },
    ]);
  });
});
