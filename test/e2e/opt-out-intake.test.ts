import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../infra/local/client';
import { REQUESTS_TABLE } from '../../infra/local/twin';
import { startTestTwin, type TestTwin } from './support';

/**
 * Intake of the rights that need no verification (CCPA regs §7026(d), §7027(e)) and of the Global Privacy Control
 * signal (§7025), through the twin's HTTP API. What the intake guarantees: the request is recorded as needing no
 * verification, bound to the identifier given, its execution is started at once, and no verification mail goes out.
 * (Writing the flags is the workflow's step, tested with it.)
 */
describe('End to end: opt-out of sale/sharing without verification, and Sec-GPC', () => {
  let t: TestTwin;

  beforeAll(async () => {
    t = await startTestTwin();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.twin.endpoints.api}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  async function stored(requestId: string): Promise<Record<string, unknown> | undefined> {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.twin.endpoints.dynamodb }));
    const { Item } = await client.send(
      new GetCommand({ TableName: REQUESTS_TABLE, Key: { pk: `REQUEST#${requestId}` } }),
    );
    return Item;
  }

  /** Whether the request's execution (named by its id) was started on the twin's Step Functions. */
  function started(requestId: string): boolean {
    const arn = `${t.twin.runner.stateMachineArn.replace(':stateMachine:', ':execution:')}:${requestId}`;
    try {
      return t.twin.runner.describe(arn).name === requestId;
    } catch {
      return false;
    }
  }

  /** Verification mails to `email` (the workflow may mail its answer later: that is not what these tests are about). */
  async function verificationMailsTo(email: string) {
    return (await t.client.mails()).filter((m) => m.to.includes(email) && /confirm/i.test(m.subject));
  }

  it('records an opt-out of sale/sharing as needing no verification, starts it at once, and mails nothing', async () => {
    // Prepare
    const email = 'opt.out@example.com';

    // Act
    const response = await post({ type: 'opt_out', scope: 'sale_sharing', regulation: 'ccpa', subject: { email } });

    // Assess
    expect(response.status).toBe(202);
    const body = (await response.json()) as { requestId: string; status: string; statusToken: string };
    expect(body).toEqual({ requestId: expect.any(String), status: 'verified', statusToken: expect.any(String) });
    expect(await stored(body.requestId)).toMatchObject({
      type: 'opt_out',
      scope: 'sale_sharing',
      verification: 'not_required',
      verified: { email },
    });
    expect(started(body.requestId)).toBe(true);
    await sleep(300);
    expect(await verificationMailsTo(email)).toEqual([]);
  });

  it('answers an unknown identifier exactly as a known one (same status, same fields)', async () => {
    // Act
    const known = await post({
      type: 'limit_sensitive',
      regulation: 'ccpa',
      subject: { email: 'ada.lovelace@example.com' },
    });
    const unknown = await post({
      type: 'limit_sensitive',
      regulation: 'ccpa',
      subject: { email: 'nobody@example.net' },
    });

    // Assess
    expect(known.status).toBe(unknown.status);
    const [a, b] = [(await known.json()) as object, (await unknown.json()) as object];
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect((a as { status: string }).status).toBe((b as { status: string }).status);
  });

  it('honours Sec-GPC: 1 on another request as an opt-out of sale/sharing for that identifier, and says so', async () => {
    // Prepare
    const email = 'gpc.user@example.com';

    // Act
    const response = await post({ type: 'access', regulation: 'ccpa', subject: { email } }, { 'Sec-GPC': '1' });

    // Assess
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      requestId: string;
      status: string;
      gpc: { honoured: boolean; requestId: string };
    };
    expect(body.status).toBe('pending_verification');
    expect(body.gpc).toEqual({ honoured: true, requestId: expect.any(String) });
    expect(body.gpc.requestId).not.toBe(body.requestId);
    expect(await stored(body.gpc.requestId)).toMatchObject({
      type: 'opt_out',
      scope: 'sale_sharing',
      verification: 'not_required',
      verified: { email },
    });
    expect(started(body.gpc.requestId)).toBe(true);
    // the access request still waits for its link; the opt-out sent none
    expect(started(body.requestId)).toBe(false);
    const mails = await t.client.waitForMail(email, body.requestId, /confirm/i);
    expect(mails.text).toContain(body.requestId);
    expect((await verificationMailsTo(email)).filter((m) => m.text.includes(body.gpc.requestId))).toEqual([]);
  });

  it('says the signal was honoured without recording more when the request already is that opt-out', async () => {
    // Act
    const response = await post(
      { type: 'opt_out', scope: 'sale_sharing', regulation: 'ccpa', subject: { email: 'both@example.com' } },
      { 'Sec-GPC': '1' },
    );

    // Assess
    const body = (await response.json()) as { requestId: string; gpc: unknown };
    expect(body.gpc).toEqual({ honoured: true });
  });
});
