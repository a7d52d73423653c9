import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { DeletionReceipt } from '../../functions/core/domain/receipt-format';
import { linkIn, NOTICE_SUBJECT } from '../../infra/local/client';
import { DEMO_ERASED_PERSON, DEMO_PERSON } from '../../infra/local/demo-company';
import { runRequest, startTestTwinWithSystems, type TestTwin } from './support';

/**
 * A system only a person can reach, through the twin: the default systems plus `paper-files`, whose owner (the
 * records office) is mailed a notice with a single-use link, answers it (with the records, for an access request), and
 * whose answer — or silence — shows on the export or the receipt.
 */
const OWNER = 'records-office@demo-company.example';
const PAPER_FILES = {
  id: 'paper-files',
  type: 'manual',
  description: 'the signed membership forms kept in the Brighton office',
  owner: { name: 'Records office', contact: { email: OWNER } },
  answerWithin: 'PT20S',
  holds: { categories: ['identifiers', 'signatures'], purpose: 'membership records', retention: 'P6Y' },
  erasure: { strategy: 'delete' },
};

describe('End to end: a manual system in the twin', () => {
  let t: TestTwin;

  beforeAll(async () => {
    t = await startTestTwinWithSystems((systems) => {
      systems.systems.push(PAPER_FILES);
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('access: the owner sends the records as CSV through the link, and they are in the export as that system', async () => {
    // Prepare: the owner answers as soon as the notice arrives
    const ownerAnswers = (async () => {
      const notice = await waitForNotice(t, OWNER);
      return t.client.answerNoticeWithRecords(linkIn(notice, '/notices'), {
        name: 'forms.csv',
        type: 'text/csv',
        content: 'form,signed_on,email,password\nM-1042,2019-03-02,ada.lovelace@example.com,hunter2\n',
      });
    })();

    // Act
    const run = await runRequest(
      t.client,
      { type: 'access', regulation: 'gdpr', subject: DEMO_PERSON },
      {
        answerNotices: false,
      },
    );
    const answered = await ownerAnswers;
    const document = ExportDocument.parse(
      JSON.parse((await t.client.download(linkIn(run.delivery, '/download'))).body),
    );

    // Assess
    expect(answered.status).toBe(200);
    expect(run.final).toMatchObject({ status: 'completed' });
    const paper = document.systems.find((s) => s.id === 'paper-files');
    expect(paper).toMatchObject({ status: 'found', recordCount: 1, categories: ['identifiers', 'signatures'] });
    // the default deny-list applies to an owner's upload as to any system: the password is withheld, and said so
    expect(paper?.records).toEqual([{ form: 'M-1042', signed_on: '2019-03-02', email: DEMO_PERSON.email }]);
    expect(paper?.withheld.map((w) => w.field)).toEqual(['password']);
    expect(document.systems.find((s) => s.id === 'customers')?.recordCount).toBe(1);
  });

  it('access: an upload that is not CSV or JSON is refused with what to fix, and the link still works', async () => {
    // Prepare
    const submitted = runRequest(
      t.client,
      { type: 'access', regulation: 'gdpr', subject: DEMO_PERSON },
      {
        answerNotices: false,
      },
    );
    const notice = await waitForNotice(t, OWNER, 1);
    const link = linkIn(notice, '/notices');

    // Act
    const bad = await t.client.answerNoticeWithRecords(link, {
      name: 'forms.csv',
      type: 'text/csv',
      content: 'form,email\nM-1,a@example.com,extra\n',
    });
    const good = await t.client.answerNoticeWithRecords(link, {
      name: 'forms.json',
      type: 'application/json',
      content: JSON.stringify([{ form: 'M-1042', email: DEMO_PERSON.email }]),
    });
    const run = await submitted;

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.page).toContain('CSV');
    expect(good.status).toBe(200);
    expect(run.final).toMatchObject({ status: 'completed' });
  });

  it('deletion: the owner answering done is on the receipt; an owner who never answers leaves it incomplete', async () => {
    // Act: the first deletion's notices are answered `done`; in the second the owner's is left to time out
    const done = await runRequest(t.client, { type: 'deletion', regulation: 'gdpr', subject: DEMO_ERASED_PERSON });
    const silent = await runRequest(
      t.client,
      { type: 'deletion', regulation: 'gdpr', subject: { email: 'nobody.here@example.com' } },
      { except: [OWNER], until: ['retrying'] },
    );
    const receiptOf = async (delivery: typeof done.delivery) =>
      DeletionReceipt.parse(JSON.parse((await t.client.download(linkIn(delivery, '/download'))).body));
    const first = await receiptOf(done.delivery);
    const second = await receiptOf(silent.delivery);

    // Assess
    expect(first.notices).toContainEqual(
      expect.objectContaining({ recipient: 'Records office (owner of paper-files)', answer: 'done' }),
    );
    expect(first.summary.complete).toBe(true);
    expect(second.notices).toContainEqual(
      expect.objectContaining({ recipient: 'Records office (owner of paper-files)', answer: 'timed_out' }),
    );
    expect(second.summary.complete).toBe(false);
    expect(second.summary.reviewReasons).toContainEqual({
      system: 'paper-files',
      reason: 'its owner did not answer by the deadline: the change there is not confirmed',
    });
    // answered for now, saying what is not confirmed; a deletion not confirmed everywhere is tried again later
    expect(silent.final).toMatchObject({ status: 'retrying' });
  }, 120_000);
});

/** The `nth` notice mailed to `to` (0 = the first) once it has arrived. */
async function waitForNotice(t: TestTwin, to: string, nth = 0) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const notices = (await t.client.mails()).filter((m) => m.to.includes(to) && NOTICE_SUBJECT.test(m.subject));
    const mail = notices[nth];
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no notice #${nth} to ${to}`);
}
