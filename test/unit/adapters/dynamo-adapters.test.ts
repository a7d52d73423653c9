import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTokenStore } from '../../../functions/core/adapters/dynamo-token-store';
import { DynamoRequestRepository } from '../../../functions/core/adapters/dynamo-request-repository';
import { RequestNotFoundError, StatusConflictError } from '../../../functions/core/domain/errors';
import { hashToken } from '../../../functions/core/tokens';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const ddb = mockClient(client);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const storedRequest = (status: string) => ({
  requestId: 'r1',
  type: 'access',
  regulation: 'gdpr',
  subject: { email: 'a@b.co' },
  status,
  receivedAt: 'x',
  dueDate: 'y',
  updatedAt: 'z',
});

describe('Class: DynamoTokenStore', () => {
  beforeEach(() => ddb.reset());

  describe('Method: issue', () => {
    it('stores only the hash of a 256-bit token, with its purpose and expiry', async () => {
      // Prepare
      ddb.on(PutCommand).resolves({});
      const store = new DynamoTokenStore(client, 'T', () => new Date('2026-01-01T00:00:00Z'));

      // Act
      const token = await store.issue('verify', 'r1', 60);

      // Assess
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      const item = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
      expect(item).toMatchObject({
        pk: `TOKEN#${hashToken(token)}`,
        purpose: 'verify',
        requestId: 'r1',
        expiresAt: Date.parse('2026-01-01T00:01:00Z'),
      });
      expect(JSON.stringify(item)).not.toContain(token);
    });
  });

  describe('Method: consume', () => {
    it('marks the token used in one conditional write (unused, unexpired, same purpose)', async () => {
      // Prepare
      ddb.on(UpdateCommand).resolves({ Attributes: { requestId: 'r1' } });
      const store = new DynamoTokenStore(client, 'T');
      const token = 'a'.repeat(43);

      // Act
      const requestId = await store.consume('download', token);

      // Assess
      expect(requestId).toBe('r1');
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input?.ConditionExpression).toContain('attribute_not_exists(usedAt)');
      expect(input?.ConditionExpression).toContain('purpose = :purpose');
      expect(input?.ConditionExpression).toContain('expiresAt > :nowMs');
      expect(input?.ExpressionAttributeValues?.[':purpose']).toBe('download');
    });

    it('answers undefined for a used, expired or foreign token', async () => {
      // Prepare
      ddb.on(UpdateCommand).rejects(conditionFailed());

      // Act
      const requestId = await new DynamoTokenStore(client, 'T').consume('verify', 'b'.repeat(43));

      // Assess
      expect(requestId).toBeUndefined();
    });

    it('never queries the table for a malformed token', async () => {
      // Act
      const requestId = await new DynamoTokenStore(client, 'T').consume('verify', '<script>');

      // Assess
      expect(requestId).toBeUndefined();
      expect(ddb.calls()).toHaveLength(0);
    });
  });
});

describe('Class: DynamoRequestRepository', () => {
  beforeEach(() => ddb.reset());

  describe('Method: advance', () => {
    it('writes conditionally on the earlier statuses allowed to move there', async () => {
      // Prepare
      ddb.on(UpdateCommand).resolves({
        Attributes: {
          requestId: 'r1',
          type: 'access',
          regulation: 'gdpr',
          subject: { email: 'a@b.co' },
          status: 'verified',
          receivedAt: 'x',
          dueDate: 'y',
          updatedAt: 'z',
        },
      });

      // Act
      await new DynamoRequestRepository(client, 'T').advance('r1', 'verified', { verifiedAt: 'now' });

      // Assess
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      const allowed = Object.entries(input?.ExpressionAttributeValues ?? {})
        .filter(([k]) => k.startsWith(':from'))
        .map(([, v]) => v as string);
      expect(allowed.sort()).toEqual(['pending_verification', 'received']);
      expect(input?.ConditionExpression).toMatch(/^attribute_exists\(pk\) AND #status IN \(/);
    });

    it('gives a request that ends an expiry 24 months out, and none to one still open', async () => {
      // Prepare
      const attributes = {
        requestId: 'r1',
        type: 'access',
        regulation: 'gdpr',
        subject: { email: 'a@b.co' },
        status: 'completed',
        receivedAt: 'x',
        dueDate: 'y',
        updatedAt: 'z',
      };
      ddb.on(UpdateCommand).resolves({ Attributes: attributes });
      const repository = new DynamoRequestRepository(client, 'T');

      // Act
      await repository.advance('r1', 'completed');
      await repository.advance('r1', 'locating');

      // Assess
      const [ending, open] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
      const ttlOf = (input: typeof ending) =>
        Object.entries(input?.ExpressionAttributeNames ?? {}).find(([, name]) => name === 'ttl');
      const ttlName = ttlOf(ending)?.[0];
      const ttlValue = Number(
        ending?.ExpressionAttributeValues?.[
          ending.UpdateExpression?.match(new RegExp(`${ttlName} = (:v\\d+)`))?.[1] ?? ''
        ],
      );
      expect(ttlValue - Date.now() / 1000).toBeGreaterThan(730 * 86_400);
      expect(ttlOf(open)).toBeUndefined();
    });

    it('turns a lost condition on a move that is not forward into StatusConflictError', async () => {
      // Prepare: a verified request cannot expire
      ddb.on(UpdateCommand).rejects(conditionFailed());
      ddb.on(GetCommand).resolves({ Item: { pk: 'REQUEST#r1', ...storedRequest('verified') } });

      // Act
      const result = new DynamoRequestRepository(client, 'T').advance('r1', 'expired');

      // Assess
      await expect(result).rejects.toBeInstanceOf(StatusConflictError);
    });

    it('is a no-op for a request already at or past the status, returning it unchanged', async () => {
      // Prepare: a re-run step finds the request already moved on (or ended)
      ddb.on(UpdateCommand).rejects(conditionFailed());
      ddb.on(GetCommand).resolves({ Item: { pk: 'REQUEST#r1', ...storedRequest('assembling') } });

      // Act
      const same = await new DynamoRequestRepository(client, 'T').advance('r1', 'assembling', { documentKey: 'k' });
      const behind = await new DynamoRequestRepository(client, 'T').advance('r1', 'locating');

      // Assess
      expect(same.status).toBe('assembling');
      expect(same.documentKey).toBeUndefined();
      expect(behind.status).toBe('assembling');
    });

    it('says RequestNotFoundError when there is no record at all', async () => {
      // Prepare
      ddb.on(UpdateCommand).rejects(conditionFailed());
      ddb.on(GetCommand).resolves({});

      // Act
      const result = new DynamoRequestRepository(client, 'T').advance('r1', 'locating');

      // Assess
      await expect(result).rejects.toBeInstanceOf(RequestNotFoundError);
    });
  });

  describe('Method: create', () => {
    it('returns the first request for a repeated idempotency key with the same body', async () => {
      // Prepare
      ddb.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
        if (input.Item.pk.startsWith('IDEMPOTENCY#')) throw conditionFailed();
        return {};
      });
      ddb
        .on(GetCommand, { Key: { pk: 'IDEMPOTENCY#k' } })
        .resolves({ Item: { pk: 'IDEMPOTENCY#k', requestId: 'first', fingerprint: 'f' } });
      ddb.on(GetCommand, { Key: { pk: 'REQUEST#first' } }).resolves({
        Item: {
          requestId: 'first',
          type: 'access',
          regulation: 'gdpr',
          subject: { email: 'a@b.co' },
          status: 'locating',
          receivedAt: 'x',
          dueDate: 'y',
          updatedAt: 'z',
        },
      });
      const record = {
        requestId: 'second',
        type: 'access' as const,
        regulation: 'gdpr' as const,
        subject: { email: 'a@b.co' },
        status: 'received' as const,
        receivedAt: 'x',
        dueDate: 'y',
        updatedAt: 'z',
      };

      // Act
      const result = await new DynamoRequestRepository(client, 'T').create(record, { keyHash: 'k', fingerprint: 'f' });

      // Assess
      expect(result).toEqual({ outcome: 'duplicate', requestId: 'first' });
      expect(ddb.commandCalls(PutCommand).some((c) => c.args[0].input.Item?.pk === 'REQUEST#second')).toBe(false);
    });
  });

  describe('Method: claimDelivery', () => {
    it('claims in one conditional write: free, or an earlier attempt, on an open request', async () => {
      // Prepare
      ddb.on(UpdateCommand).resolves({});
      const repository = new DynamoRequestRepository(client, 'T');

      // Act
      const won = await repository.claimDelivery('r1', 0, '2026-11-02T10:00:00.000Z');

      // Assess
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(won).toBe(true);
      expect(input?.UpdateExpression).toBe('SET delivery = :delivery, updatedAt = :now');
      expect(input?.ConditionExpression).toContain('(attribute_not_exists(delivery) OR delivery.attempt < :attempt)');
      expect(input?.ConditionExpression).not.toContain(':seen');
      expect(input?.ExpressionAttributeValues).toMatchObject({
        ':delivery': { attempt: 0, claimedAt: '2026-11-02T10:00:00.000Z' },
        ':attempt': 0,
      });
      expect(Object.values(input?.ExpressionAttributeValues ?? {})).not.toContain('completed');
    });

    it('takes over only the exact stale claim it saw, and only if it was never mailed', async () => {
      // Prepare
      ddb.on(UpdateCommand).resolves({});
      const repository = new DynamoRequestRepository(client, 'T');

      // Act
      await repository.claimDelivery('r1', 1, '2026-11-02T10:05:00.000Z', '2026-11-02T10:00:00.000Z');

      // Assess
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input?.ConditionExpression).toContain(
        'OR (delivery.attempt = :attempt AND delivery.claimedAt = :seen AND attribute_not_exists(delivery.mailedAt))',
      );
      expect(input?.ExpressionAttributeValues?.[':seen']).toBe('2026-11-02T10:00:00.000Z');
    });

    it('answers false when another claim holds, and refuses a finished request', async () => {
      // Prepare
      ddb.on(UpdateCommand).rejects(conditionFailed());
      ddb
        .on(GetCommand)
        .resolvesOnce({ Item: storedRequest('delivering') })
        .resolvesOnce({ Item: storedRequest('completed') });
      const repository = new DynamoRequestRepository(client, 'T');

      // Act
      const held = await repository.claimDelivery('r1', 0, 'now');
      const finished = repository.claimDelivery('r1', 0, 'now');

      // Assess
      expect(held).toBe(false);
      await expect(finished).rejects.toBeInstanceOf(StatusConflictError);
    });
  });
});

describe('Class: DynamoRequestRepository (rights)', () => {
  beforeEach(() => ddb.reset());

  describe('Method: forgetSubject', () => {
    it('removes the corrected values and an agent together with the subject and what was verified', async () => {
      // Prepare
      ddb.on(UpdateCommand).resolves({});
      const repository = new DynamoRequestRepository(client, 'Requests');

      // Act
      await repository.forgetSubject('r1');

      // Assess: by placeholder (`agent` is a reserved word), each naming the field
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      const expression = input?.UpdateExpression ?? '';
      const removed = expression.slice(expression.indexOf('REMOVE') + 'REMOVE'.length).split(',');
      const names = removed.map((f) => input?.ExpressionAttributeNames?.[f.trim()] ?? f.trim());
      expect(names).toEqual(expect.arrayContaining(['subject', 'verified', 'corrections', 'agent']));
      expect(names).not.toContain('agentAuthority');
    });
  });

  describe('Method: findOpen', () => {
    it('keys open requests by what they are about: an opt-out of marketing is not one of sale/sharing', async () => {
      // Prepare
      ddb.on(PutCommand).resolves({});
      ddb.on(GetCommand).resolves({});
      const repository = new DynamoRequestRepository(client, 'Requests');

      // Act
      await repository.markOpen('h1', 'opt_out:marketing', 'r1', new Date('2026-12-01T00:00:00Z'));
      const other = await repository.findOpen('h1', 'opt_out:sale_sharing');

      // Assess
      expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item?.pk).toBe('OPEN#opt_out:marketing#h1');
      expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({ pk: 'OPEN#opt_out:sale_sharing#h1' });
      expect(other).toBeUndefined();
    });

    it('takes repeats into a request that needed no verification until it ends', async () => {
      // Prepare
      ddb
        .on(GetCommand, { Key: { pk: 'OPEN#opt_out:sale_sharing#h1' } })
        .resolves({ Item: { pk: 'OPEN#opt_out:sale_sharing#h1', requestId: 'r1' } });
      ddb.on(GetCommand, { Key: { pk: 'REQUEST#r1' } }).resolves({
        Item: { ...storedRequest('locating'), type: 'opt_out', scope: 'sale_sharing', verification: 'not_required' },
      });
      const repository = new DynamoRequestRepository(client, 'Requests');

      // Act
      const open = await repository.findOpen('h1', 'opt_out:sale_sharing');

      // Assess
      expect(open?.requestId).toBe('r1');
    });
  });
});
