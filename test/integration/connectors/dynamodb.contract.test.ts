import { type AttributeDefinition, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { SystemConfig } from '../../../connectors/config';
import { DynamoDbConnector } from '../../../connectors/dynamodb/dynamodb-connector';
import { createTableAndWait, startDynamoDb } from '../../../infra/local/emulators';
import { connectorContract, type ContractHarness } from '../../contract/connector-contract';

const KEY = 'contract-test-key';

/**
 * The DynamoDB connector against dynalite, on its fastest and its slowest read path: a GSI on the email attribute
 * (exact key match: the subject is stored lower-cased, as the workflow verifies it) and a Scan of the whole table.
 * Each seed gets a table of its own; dynalite listens on loopback and is stopped after the suite.
 */
function harness(path: 'index' | 'scan'): () => Promise<ContractHarness> {
  return async () => {
    const dynalite = await startDynamoDb();
    const base = new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const client = DynamoDBDocumentClient.from(base);
    let tables = 0;
    return {
      exactMatch: path === 'index',
      async seed(records, erasure, options) {
        const table = `contract-${path}-${(tables += 1)}`;
        const definitions: AttributeDefinition[] = [{ AttributeName: 'id', AttributeType: 'S' }];
        if (path === 'index') definitions.push({ AttributeName: 'email', AttributeType: 'S' });
        await createTableAndWait(base, {
          TableName: table,
          AttributeDefinitions: definitions,
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexes:
            path === 'index'
              ? [
                  {
                    IndexName: 'byEmail',
                    KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
                    Projection: { ProjectionType: 'ALL' },
                  },
                ]
              : undefined,
        });
        for (let i = 0; i < records.length; i += 25) {
          const batch = records.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
          await client.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
        }
        const system = SystemConfig.parse({
          id: 'contract',
          type: 'dynamodb',
          table,
          key: { partition: 'id' },
          identity: {
            [options.identityKind ?? 'email']:
              path === 'index' ? { attribute: 'email', index: 'byEmail' } : { attribute: 'email' },
          },
          holds: { categories: ['identifiers'], purpose: 'contract tests' },
          erasure,
          ...options.changes,
        });
        if (system.type !== 'dynamodb') throw new Error('unexpected system type');
        return {
          connector: new DynamoDbConnector(system, client, { anonymizationKey: KEY }),
          async snapshot() {
            const items = new Map<string, unknown>();
            for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true })) {
              for (const item of page.Items ?? []) items.set(String(item.id), item);
            }
            return items;
          },
        };
      },
      async close() {
        base.destroy();
        await dynalite.stop();
      },
    };
  };
}

connectorContract('DynamoDB, GSI path (dynalite)', harness('index'));
connectorContract('DynamoDB, Scan path (dynalite)', harness('scan'));
