import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../../../infra/local/lambda-context';
import { PROFILES_DIR } from '../../../infra/config';

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const OPERATORS = ['dpo@softpire.example', 'privacy@softpire.example'];
let handler: Handler;
let dir: string;

/** An open request due on `dueDate`, as the table holds it. */
const item = (n: number, dueDate: string) => ({
  pk: `REQUEST#r-${n}`,
  kind: 'request',
  requestId: `00000000-0000-4000-8000-00000000000${n}`,
  type: 'access',
  regulation: 'gdpr',
  subject: { email: `person${n}@example.com` },
  status: 'locating',
  receivedAt: '2020-01-01T10:00:00.000Z',
  dueDate,
  updatedAt: '2020-01-01T10:00:00.000Z',
});

describe('Handler: remind-operators', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dsar-remind-'));
    const profile = JSON.parse(readFileSync(join(PROFILES_DIR, 'softpire.json'), 'utf8'));
    profile.operators = OPERATORS;
    writeFileSync(join(dir, 'profile.json'), JSON.stringify(profile));
    process.env.DSAR_TABLE = 'Requests';
    process.env.DSAR_SENDER = 'dsar@softpire.example';
    process.env.DSAR_PROFILE_FILE = join(dir, 'profile.json');
    ({ handler } = (await import('../../../functions/remind-operators/handler')) as unknown as { handler: Handler });
  });
  afterAll(() => {
    delete process.env.DSAR_PROFILE_FILE;
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    ddb.reset();
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
  });

  it('scans the requests and sends each operator one digest through SES, returning counts only', async () => {
    // Prepare: one overdue request (due in 2020), one far off
    ddb.on(ScanCommand).resolves({ Items: [item(1, '2020-02-01'), item(2, '2999-01-01')] });

    // Act
    const report = await handler({ withinDays: 7 }, lambdaContext('remind'));

    // Assess
    expect(report).toEqual({ overdue: 1, dueSoon: 0, waiting: 0, mailed: 2 });
    const sent = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(sent.map((m) => m.Destination?.ToAddresses)).toEqual(OPERATORS.map((to) => [to]));
    expect(JSON.stringify(sent)).not.toContain('person');
    expect(ddb.commandCalls(ScanCommand)[0]?.args[0].input).toMatchObject({ TableName: 'Requests' });
  });

  it('takes the default window of 7 days when invoked by hand with no payload', async () => {
    // Prepare: due in 5 days from now
    const inFive = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    ddb.on(ScanCommand).resolves({ Items: [item(1, inFive)] });

    // Act
    const report = await handler(null, lambdaContext('remind'));

    // Assess
    expect(report).toEqual({ overdue: 0, dueSoon: 1, waiting: 0, mailed: 2 });
  });

  it.each([{ withinDays: 0 }, { withinDays: 91 }, { withinDays: '7' }])('refuses a window of %o', async (input) => {
    // Act & Assess
    await expect(handler(input, lambdaContext('remind'))).rejects.toMatchObject({ name: 'InvalidTaskInputError' });
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });
});
