import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/**
 * Start and stop the local stand-ins for AWS services, on loopback only, on ports the OS picks
 * unless one is asked for. Used by the local twin and by integration tests alike.
 */
const require = createRequire(import.meta.url);

export interface RunningEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

/** DynamoDB: dynalite on LevelDB at `path`, or in memory when no path is given. */
export async function startDynamoDb(options: { path?: string; port?: number } = {}): Promise<RunningEmulator> {
  const dynalite = require('dynalite') as (opts: Record<string, unknown>) => Server;
  if (options.path) mkdirSync(options.path, { recursive: true });
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, options.port ?? 0);
  return { endpoint: `http://${HOST}:${port}`, stop: () => closeServer(server) };
}

/** S3: s3rver storing objects under `directory`. It does not check signatures but does enforce presigned expiry. */
export async function startS3(options: { directory: string; port?: number }): Promise<RunningEmulator> {
  const S3rver = require('s3rver') as new (
    opts: Record<string, unknown>,
  ) => {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  };
  mkdirSync(options.directory, { recursive: true });
  const s3rver = new S3rver({ address: HOST, port: options.port ?? 0, directory: options.directory, silent: true });
  const address = await s3rver.run();
  return { endpoint: `http://${HOST}:${address.port}`, stop: () => s3rver.close() };
}

/** SES: aws-ses-v2-local; `GET {endpoint}/store` lists the mail sent. Mail lives in memory only. */
export async function startSes(options: { port?: number } = {}): Promise<RunningEmulator> {
  const mod = require('aws-ses-v2-local') as { default: (cfg: { host: string; port: number }) => Promise<Server> };
  const server = await mod.default({ host: HOST, port: options.port ?? 0 });
  const port = (server.address() as AddressInfo).port;
  return { endpoint: `http://${HOST}:${port}`, stop: () => closeServer(server) };
}

/**
 * CreateTable, then wait until the table is ACTIVE: like DynamoDB, dynalite answers writes to a CREATING table
 * with ResourceNotFoundException, even when it flips to ACTIVE on the next tick.
 */
export async function createTableAndWait(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(input));
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: input.TableName });
}
