import { createRequire } from 'node:module';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { guardServer, type LocalCredentials, type RequestGuard } from './http';

/**
 * Start and stop the local stand-ins for AWS services, on loopback only, on ports the OS picks
 * unless one is asked for. Used by the local twin and by integration tests alike.
 * Each is behind the guard of ./http: a foreign Host or any Origin is refused (403) before the emulator sees the
 * request; given `credentials`, so is a request signed with another access key id (none of them checks the secret).
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

/** The guard for an emulator of an AWS API that every legitimate caller signs. */
function signedApiGuard(credentials: LocalCredentials | undefined): RequestGuard {
  return credentials ? { accessKeyId: credentials.accessKeyId, requireCredential: true } : {};
}

/**
 * DynamoDB: dynalite on LevelDB at `path`, or in memory when no path is given. dynalite checks that a request is
 * signed but not with what: the guard checks the access key id.
 */
export async function startDynamoDb(
  options: { path?: string; port?: number; credentials?: LocalCredentials } = {},
): Promise<RunningEmulator> {
  const dynalite = require('dynalite') as (opts: Record<string, unknown>) => HttpServer;
  if (options.path) mkdirSync(options.path, { recursive: true });
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  guardServer(server, signedApiGuard(options.credentials));
  const port = await listen(server, options.port ?? 0);
  return { endpoint: `http://${HOST}:${port}`, stop: () => closeServer(server) };
}

interface S3rverAccounts {
  DUMMY_ACCOUNT: {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
    revokeAccessKey(accessKeyId: string): void;
  };
}

/**
 * S3: s3rver storing objects under `directory`. It enforces presigned expiry, and refuses an access key id it does
 * not know; it has no option for keys, so `credentials` are added to its (process-wide) key registry, and the guard
 * refuses any other key id, S3RVER included, and unsigned requests. It verifies no SigV4 signature (only SigV2).
 */
export async function startS3(options: {
  directory: string;
  port?: number;
  credentials?: LocalCredentials;
  /** the origins whose pages may post a presigned upload form (the twin's API: RequestGuard.formUploadOrigins) */
  formUploadOrigins?: () => readonly string[];
}): Promise<RunningEmulator> {
  const S3rver = require('s3rver') as new (
    opts: Record<string, unknown>,
  ) => {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    httpServer: HttpServer;
  };
  const accounts = require('s3rver/lib/models/account') as S3rverAccounts;
  const { credentials } = options;
  mkdirSync(options.directory, { recursive: true });
  if (credentials) accounts.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  const s3rver = new S3rver({ address: HOST, port: options.port ?? 0, directory: options.directory, silent: true });
  const address = await s3rver.run();
  // agents upload their permission documents through a presigned POST, signed inside the form (s3-agent-documents.ts)
  guardServer(s3rver.httpServer, {
    ...signedApiGuard(credentials),
    admitFormUploads: true,
    ...(options.formUploadOrigins ? { formUploadOrigins: options.formUploadOrigins } : {}),
  });
  return {
    endpoint: `http://${HOST}:${address.port}`,
    stop: async () => {
      await s3rver.close();
      if (credentials) accounts.DUMMY_ACCOUNT.revokeAccessKey(credentials.accessKeyId);
    },
  };
}

/**
 * SES: aws-ses-v2-local; `GET {endpoint}/store` lists the mail sent. Mail lives in memory only. It wants an
 * Authorization header on its API but checks nothing in it: the guard checks the access key id of a signed request.
 * Its mail viewer (`/`, `/store`) is unsigned and stays open to this machine (see README); its own page may call it.
 */
export async function startSes(
  options: { port?: number; credentials?: LocalCredentials } = {},
): Promise<RunningEmulator> {
  const mod = require('aws-ses-v2-local') as { default: (cfg: { host: string; port: number }) => Promise<HttpServer> };
  const server = await mod.default({ host: HOST, port: options.port ?? 0 });
  guardServer(server, { allowOwnOrigin: true, accessKeyId: options.credentials?.accessKeyId });
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
