import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../../../functions/core/adapters/dynamo-audit-log';
import { DynamoRequestRepository } from '../../../functions/core/adapters/dynamo-request-repository';
import { actingAs } from '../../../functions/core/audit/actor';
import { type AuditEvent, GENESIS_HASH, nextEvent, verifyChain } from '../../../functions/core/audit/chain';
import { AuditAppendConflictError } from '../../../functions/core/audit/errors';
import { logger } from '../../../functions/core/logger';
import type { AuditLog } from '../../../functions/core/ports';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const ddb = mockClient(client);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const at = new Date('2026-03-01T10:00:00Z');
const event = (seq: number): AuditEvent => {
  let last: AuditEvent | undefined;
  for (let i = 1; i <= seq; i++) last = nextEvent('r1', last, { kind: 'updated', actor: 'workflow' }, at);
  return last as AuditEvent;
};
const stored = (status: string) => ({
  pk: 'REQUEST#r1',
  kind: 'request',
  requestId: 'r1',
  type: 'deletion',
  regulation: 'gdpr',
  subject: { email: 'ann@example.com', name: 'Ann Example' },
  status,
  receivedAt: 'x',
  dueDate: 'y',
  updatedAt: 'z',
});

/** An AuditLog that keeps what it is given. */
function recorder(): AuditLog & { entries: { requestId: string; kind: string; actor: string }[] } {
  const entries: { requestId: string; kind: string; actor: string; from?: string; to?: string; fields?: string[] }[] =
    [];
  return {
    entries,
    append: async (requestId, entry) => {
      entries.push({ requestId, ...entry });
      return event(entries.length);
    },
    history: async () => [],
  };
}

describe('Class: DynamoAuditLog', () => {
  beforeEach(() => ddb.reset());

  describe('Method: append', () => {
    it('writes the first event as sequence 1, chained to the genesis value, only if it does not exist', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: [] });
      ddb.on(PutCommand).resolves({});

      // Act
      const written = await new DynamoAuditLog(client, 'Audit', () => at).append('r1', {
        kind: 'created',
        actor: 'intake',
        to: 'pending_verification',
      });

      // Assess
      const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
      expect(input?.TableName).toBe('Audit');
      expect(input?.ConditionExpression).toBe('attribute_not_exists(requestId)');
      expect(input?.Item).toEqual(written);
      expect(written).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, at: at.toISOString() });
      expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      });
    });

    it('re-reads the head after losing a concurrent append and writes the next number after it', async () => {
      // Prepare: the head is event 2; a concurrent append takes 3 first, so the second read finds 3
      ddb
        .on(QueryCommand)
        .resolvesOnce({ Items: [event(2)] })
        .resolvesOnce({ Items: [event(3)] });
      ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});

      // Act
      const written = await new DynamoAuditLog(client, 'Audit', () => at).append('r1', {
        kind: 'status',
        actor: 'workflow',
        from: 'locating',
        to: 'erasing',
      });

      // Assess
      const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as AuditEvent);
      expect(puts.map((p) => p.seq)).toEqual([3, 4]);
      expect(written).toMatchObject({ seq: 4, prevHash: event(3).hash });
      expect(verifyChain('r1', [event(1), event(2), event(3), written]).intact).toBe(true);
    });

    it('gives up with AuditAppendConflictError after five lost races', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: [event(1)] });
      ddb.on(PutCommand).rejects(conditionFailed());

      // Act
      const result = new DynamoAuditLog(client, 'Audit').append('r1', { kind: 'updated', actor: 'workflow' });

      // Assess
      await expect(result).rejects.toBeInstanceOf(AuditAppendConflictError);
      expect(ddb.commandCalls(PutCommand)).toHaveLength(5);
    });

    it('does not retry what is not a lost race', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: [] });
      ddb.on(PutCommand).rejects(new Error('throttled'));

      // Act
      const result = new DynamoAuditLog(client, 'Audit').append('r1', { kind: 'updated', actor: 'workflow' });

      // Assess
      await expect(result).rejects.toThrow('throttled');
      expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    });
  });

  it('never updates or deletes an event: appending only puts, conditionally', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    const log = new DynamoAuditLog(client, 'Audit');

    // Act
    await log.append('r1', { kind: 'created', actor: 'intake' });
    await log.history('r1');

    // Assess
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
    for (const put of ddb.commandCalls(PutCommand))
      expect(put.args[0].input.ConditionExpression).toContain('attribute_not_exists');
  });
});

describe('Class: DynamoRequestRepository (audit trail)', () => {
  beforeEach(() => ddb.reset());

  it('records a move with the status it came from, the patched field names and the acting actor', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({ Attributes: stored('verified') });
    const audit = recorder();
    const repository = new DynamoRequestRepository(client, 'T', { audit });

    // Act
    const after = await actingAs('workflow', () => repository.advance('r1', 'locating', { restarts: 1 }));

    // Assess
    expect(after.status).toBe('locating');
    expect(after.restarts).toBe(1);
    expect(audit.entries).toEqual([
      { requestId: 'r1', kind: 'status', actor: 'workflow', from: 'verified', to: 'locating', fields: ['restarts'] },
    ]);
  });

  it('records nothing for a move that was a no-op (a re-run step)', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: stored('assembling') });
    const audit = recorder();

    // Act
    await new DynamoRequestRepository(client, 'T', { audit }).advance('r1', 'locating');

    // Assess
    expect(audit.entries).toEqual([]);
  });

  it('records an extension as `extended`, other updates as `updated`, by field name only', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const audit = recorder();
    const repository = new DynamoRequestRepository(client, 'T', { audit, actor: () => 'operator' });

    // Act
    await repository.update('r1', { extension: { reason: 'Ann Example asked for a lot', at: 'now' }, dueDate: 'd' });
    await repository.update('r1', { documentKey: 'exports/r1.json' });

    // Assess
    expect(audit.entries).toEqual([
      { requestId: 'r1', kind: 'extended', actor: 'operator', fields: ['dueDate', 'extension'] },
      { requestId: 'r1', kind: 'updated', actor: 'operator', fields: ['documentKey'] },
    ]);
    expect(JSON.stringify(audit.entries)).not.toMatch(/Ann|exports\//);
  });

  it('records forgetting once, naming the fields that went, and not a repeat', async () => {
    // Prepare
    ddb
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { subject: { email: 'ann@example.com' }, verified: { email: 'ann@example.com' } } })
      .resolvesOnce({ Attributes: { subjectForgottenAt: 'earlier' } });
    const audit = recorder();
    const repository = new DynamoRequestRepository(client, 'T', { audit, actor: () => 'workflow' });

    // Act
    await repository.forgetSubject('r1');
    await repository.forgetSubject('r1');

    // Assess
    expect(audit.entries).toEqual([
      { requestId: 'r1', kind: 'forgotten', actor: 'workflow', fields: ['subjectForgottenAt', 'subject', 'verified'] },
    ]);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ReturnValues).toBe('UPDATED_OLD');
  });

  it('records a won delivery claim, and nothing for a lost one', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: stored('delivering') });
    const audit = recorder();
    const repository = new DynamoRequestRepository(client, 'T', { audit });

    // Act
    const won = await repository.claimDelivery('r1', 0, 'now');
    const lost = await repository.claimDelivery('r1', 0, 'now');

    // Assess
    expect([won, lost]).toEqual([true, false]);
    expect(audit.entries).toEqual([{ requestId: 'r1', kind: 'delivery', actor: 'system', fields: ['delivery'] }]);
  });

  it('keeps the change when the event cannot be appended, and logs it by name only', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const audit: AuditLog = {
      append: async () => {
        throw new AuditAppendConflictError('r1', 5);
      },
      history: async () => [],
    };
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    // Act
    const result = new DynamoRequestRepository(client, 'T', { audit }).update('r1', { documentKey: 'k' });

    // Assess
    await expect(result).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith(
      'audit event not recorded',
      expect.objectContaining({
        requestId: 'r1',
        kind: 'updated',
        error: expect.objectContaining({ name: 'AuditAppendConflictError' }),
      }),
    );
    error.mockRestore();
  });
});
