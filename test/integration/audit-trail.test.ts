import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAuditLog } from '../../functions/core/adapters/dynamo-audit-log';
import { DynamoRequestRepository } from '../../functions/core/adapters/dynamo-request-repository';
import { actingAs } from '../../functions/core/audit/actor';
import { verifyChain } from '../../functions/core/audit/chain';
import type { RequestRecord } from '../../functions/core/domain/request-record';
import { EXIT, type LocalEndpoints, main } from '../../infra/cli/commands';
import { createTableAndWait, startDynamoDb, type RunningEmulator } from '../../infra/local/emulators';
import { auditTable } from '../../infra/local/tables';

const REQUESTS = 'DsarRequests';
const AUDIT = 'DsarAudit';
const credentials = { accessKeyId: 'auditKey', secretAccessKey: 'auditSecret' };
const EMAIL = 'ann.example@example.com';
const NAME = 'Ann Example';

describe('Audit trail: DynamoRequestRepository with DynamoAuditLog (dynalite)', () => {
  let dynalite: RunningEmulator;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  let local: LocalEndpoints;
  let repository: DynamoRequestRepository;
  let audit: DynamoAuditLog;
  const requestId = '6b1f2c3d-0000-4000-8000-000000000001';

  /** `dsar audit <id>` against this dynalite; its exit code and what it printed. */
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['audit', ...args, '--table', AUDIT],
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      { local },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(async () => {
    dynalite = await startDynamoDb({ credentials });
    local = { dynamodb: dynalite.endpoint, s3: 'http://127.0.0.1:1', credentials };
    client = new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials });
    documents = DynamoDBDocumentClient.from(client);
    await createTableAndWait(client, {
      TableName: REQUESTS,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    await createTableAndWait(client, auditTable(AUDIT));
    audit = new DynamoAuditLog(documents, AUDIT);
    repository = new DynamoRequestRepository(documents, REQUESTS, { audit });

    // A deletion request: received, verified by its subject, planned, answered, and its subject forgotten.
    const now = new Date().toISOString();
    const record: RequestRecord = {
      requestId,
      type: 'deletion',
      regulation: 'gdpr',
      subject: { email: EMAIL, name: NAME },
      subjectHash: 'f'.repeat(64),
      status: 'pending_verification',
      receivedAt: now,
      dueDate: '2026-12-01',
      updatedAt: now,
    };
    await actingAs('intake', () => repository.create(record));
    await actingAs('subject', () =>
      repository.advance(requestId, 'verified', { verified: { email: EMAIL }, verifiedAt: now }),
    );
    await actingAs('workflow', () =>
      repository.update(requestId, { done: [{ systemId: 'crm', outcome: 'erased', records: 2 }] }),
    );
    await actingAs('workflow', () => repository.advance(requestId, 'completed', { completedAt: now }));
    await actingAs('workflow', () => repository.forgetSubject(requestId));
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynalite?.stop();
  });

  it('holds every change in order, each with its actor, and the chain verifies', async () => {
    // Act
    const history = await audit.history(requestId);
    const report = verifyChain(requestId, history);

    // Assess
    expect(report).toMatchObject({ intact: true, problems: [] });
    expect(report.events.map((e) => [e.seq, e.kind, e.actor, e.from, e.to])).toEqual([
      [1, 'created', 'intake', undefined, 'pending_verification'],
      [2, 'status', 'subject', 'pending_verification', 'verified'],
      [3, 'updated', 'workflow', undefined, undefined],
      [4, 'status', 'workflow', 'verified', 'completed'],
      [5, 'forgotten', 'workflow', undefined, undefined],
    ]);
    expect(report.events[1]?.fields).toEqual(['verified', 'verifiedAt']);
    expect(report.events[4]?.fields).toEqual(['subject', 'subjectForgottenAt', 'verified']);
  });

  it('never holds personal data: no address, no name, no value of a field', async () => {
    // Act
    const text = JSON.stringify(await audit.history(requestId));

    // Assess
    expect(text).not.toContain('@');
    expect(text).not.toContain(NAME);
    expect(text).not.toContain('Ann');
    expect(text).not.toContain('crm');
  });

  it('`dsar audit` prints the history and "chain intact", exit 0', async () => {
    // Act
    const { code, out } = await cli(requestId);

    // Assess
    expect(code).toBe(EXIT.ok);
    expect(out).toContain('pending_verification → verified');
    expect(out).toMatch(/^2\s+\S+\s+subject\s+status/m);
    expect(out).toContain('chain intact (5 events)');
  });

  it('`dsar audit` says so when the request has no events, exit 2', async () => {
    // Act
    const { code, err } = await cli('6b1f2c3d-0000-4000-8000-00000000ffff');

    // Assess
    expect(code).toBe(EXIT.usage);
    expect(err).toContain('no audit events');
  });

  it('names an event tampered with in the table, and `dsar audit` exits 1', async () => {
    // Prepare: someone with table access rewrites event 4 to say the request was rejected
    await documents.send(
      new UpdateCommand({
        TableName: AUDIT,
        Key: { requestId, seq: 4 },
        UpdateExpression: 'SET #to = :to',
        ExpressionAttributeNames: { '#to': 'to' },
        ExpressionAttributeValues: { ':to': 'rejected' },
      }),
    );

    // Act
    const report = verifyChain(requestId, await audit.history(requestId));
    const { code, out } = await cli(requestId, '--json');

    // Assess
    expect(report.problems).toEqual(['event 4: hash does not match its content']);
    expect(code).toBe(EXIT.problems);
    expect(JSON.parse(out)).toMatchObject({ intact: false, problems: ['event 4: hash does not match its content'] });
  });

  it('keeps appending after the tampered event (the chain goes on from what is stored)', async () => {
    // Prepare
    const before = await documents.send(
      new QueryCommand({
        TableName: AUDIT,
        KeyConditionExpression: 'requestId = :id',
        ExpressionAttributeValues: { ':id': requestId },
      }),
    );

    // Act: a repeat of forgetting records nothing; an append from elsewhere gets the next number
    await repository.forgetSubject(requestId);
    const next = await audit.append(requestId, { kind: 'updated', actor: 'operator' });

    // Assess
    expect(before.Items).toHaveLength(5);
    expect(next.seq).toBe(6);
  });
  it("forgets an agent's name and address with the subject, and keeps the document's key (dynalite: `agent` is a reserved word)", async () => {
    // Prepare
    const agentRequestId = '6b1f2c3d-0000-4000-8000-0000000000a1';
    const now = new Date().toISOString();
    const document = 'agent-documents/0b5e2f4c-1d3a-4e6b-9f70-8a1c2d3e4f50';
    await repository.create({
      requestId: agentRequestId,
      type: 'access',
      regulation: 'ccpa',
      subject: { email: EMAIL },
      subjectHash: 'e'.repeat(64),
      agent: { email: 'agent@helpers.example', name: 'Helpers LLC' },
      agentAuthority: { authority: 'signed_permission', document },
      status: 'rejected',
      receivedAt: now,
      dueDate: '2026-12-01',
      updatedAt: now,
    });

    // Act
    await repository.forgetSubject(agentRequestId);
    const stored = await repository.load(agentRequestId);
    const events = await audit.history(agentRequestId);

    // Assess
    expect(stored.agent).toBeUndefined();
    expect(stored.subject).toBeUndefined();
    expect(stored.agentAuthority).toEqual({ authority: 'signed_permission', document });
    expect(events.at(-1)?.fields).toEqual(['agent', 'subject', 'subjectForgottenAt']);
  });
  it("sets the right of a verified unclear mail only, audited by field names, and forgets the mail's words with the subject", async () => {
    // Prepare
    const mailedId = '6b1f2c3d-0000-4000-8000-0000000000b1';
    const clearId = '6b1f2c3d-0000-4000-8000-0000000000b2';
    const now = new Date().toISOString();
    const base = {
      type: 'access' as const,
      regulation: 'ccpa' as const,
      subject: { email: EMAIL },
      subjectHash: 'd'.repeat(64),
      channel: 'email' as const,
      status: 'verified' as const,
      receivedAt: now,
      dueDate: '2026-12-01',
      updatedAt: now,
    };
    await repository.create({ ...base, requestId: mailedId, typeUnclear: true, mailText: 'Question\nmy stuff?' });
    await repository.create({ ...base, requestId: clearId });
    const right = { type: 'deletion' as const, dueDate: '2026-12-15' };

    // Act
    await actingAs('operator', () => repository.setRight(mailedId, right));
    const refused = await actingAs('operator', () => repository.setRight(clearId, right)).catch((e: unknown) => e);
    await repository.advance(mailedId, 'cancelled');
    await repository.forgetSubject(mailedId);
    const stored = await repository.load(mailedId);
    const events = await audit.history(mailedId);

    // Assess
    expect(refused).toMatchObject({ name: 'StatusConflictError' });
    expect((await repository.load(clearId)).type).toBe('access');
    expect(stored).toMatchObject({ type: 'deletion', dueDate: '2026-12-15', typeUnclear: true });
    expect(stored.mailText).toBeUndefined();
    expect(events.find((e) => e.actor === 'operator')).toMatchObject({ kind: 'updated', fields: ['dueDate', 'type'] });
    expect(JSON.stringify(events)).not.toContain('my stuff');
  });
});
