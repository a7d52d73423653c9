import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { localJsonPath, REPO_ROOT, type TwinEndpoints } from '../../infra/local/twin';
import { startTestTwin, type TestTwin } from './support';

const run = promisify(execFile);
const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const mode = (path: string) => statSync(path).mode & 0o777;

/** A GET with a forged Host, as a page on a rebound name would send it. */
function forgedHost(url: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: '/', headers: { host: `rebound.example:${port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The twin as a deployment on someone's machine: a private data directory, credentials made at each start and
 * handed to the tools through local.json only, and servers that refuse what a web page could send them.
 * (Its own file: one twin per process, since handler modules keep their clients.)
 */
describe('End to end: the local twin as a deployment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-deploy-'));
  const dataDir = join(dir, 'data');
  let t: TestTwin;

  beforeAll(async () => {
    // Prepare: data left by an older version, readable by everyone
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'hash-key'), 'ab'.repeat(32), { mode: 0o644 });
    writeFileSync(localJsonPath(dataDir), '{}\n', { mode: 0o644 });
    t = await startTestTwin({ dataDir });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Method: data directory', () => {
    it('is 0700, and the files that hold secrets are 0600, even when they existed with looser modes', () => {
      // Assess
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'hash-key'))).toBe(0o600);
      expect(mode(localJsonPath(dataDir))).toBe(0o600);
    });
  });

  describe('Method: credentials', () => {
    it('are random, given to the functions, written to local.json only, and the only ones the emulators accept', async () => {
      // Prepare
      const local = JSON.parse(readFileSync(localJsonPath(dataDir), 'utf8')) as TwinEndpoints & {
        credentials: { accessKeyId: string; secretAccessKey: string };
      };
      const { dynamodb, s3 } = t.twin.endpoints;
      const fixed = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
      const region = 'us-east-1';
      const written = structuredClone(local.credentials);

      // Act
      const withTwinKeys = await new DynamoDBClient({
        region,
        endpoint: dynamodb,
        credentials: local.credentials,
      }).send(new ListTablesCommand({}));
      const dynamoWithFixed = await new DynamoDBClient({ region, endpoint: dynamodb, credentials: fixed })
        .send(new ListTablesCommand({}))
        .catch((error: unknown) => error);
      const s3WithFixed = await new S3Client({ region, endpoint: s3, credentials: fixed, forcePathStyle: true })
        .send(new ListBucketsCommand({}))
        .catch((error: unknown) => error);

      // Assess
      expect(written.accessKeyId).toMatch(/^TWIN[0-9A-F]{16}$/);
      expect(written.secretAccessKey.length).toBeGreaterThanOrEqual(40);
      expect(written).toEqual(t.twin.credentials);
      expect(process.env.AWS_ACCESS_KEY_ID).toBe(written.accessKeyId);
      expect(process.env.AWS_SECRET_ACCESS_KEY).toBe(written.secretAccessKey);
      expect(withTwinKeys.TableNames?.length).toBeGreaterThan(0);
      expect(dynamoWithFixed).toMatchObject({ $metadata: { httpStatusCode: 403 } });
      expect(s3WithFixed).toMatchObject({ $metadata: { httpStatusCode: 403 } });
    });

    it('npm run reapply-deletions signs with the running twin credentials from local.json, not S3RVER', async () => {
      // Act: another process, with S3RVER in its environment as an old setup would have
      const { stdout, stderr } = await run(TSX, ['infra/local/reapply-deletions.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, DSAR_DATA_DIR: dataDir, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      });

      // Assess
      expect(stderr).toContain('against the local twin');
      expect(stdout).toContain('every system done');
    });

    it('npm run demo signs with the running twin credentials from local.json, not S3RVER', async () => {
      // Act
      const { stdout } = await run(TSX, ['infra/local/demo.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, DSAR_DATA_DIR: dataDir, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      });

      // Assess
      expect(stdout).toContain('Using the local twin already running');
      expect(stdout).toContain('Demo complete');
    });
  });

  describe('Method: Host', () => {
    it('every HTTP endpoint of the running twin refuses a forged Host, and the SMTP listener is on loopback', async () => {
      // Prepare: a rebound name reaches HTTP servers only; SMTP carries no Host (it is kept to loopback instead)
      const endpoints = Object.values(t.twin.endpoints);
      const web = endpoints.filter((url) => url.startsWith('http'));
      const other = endpoints.filter((url) => !url.startsWith('http'));

      // Act
      const statuses = await Promise.all(web.map(forgedHost));

      // Assess
      expect(web.length).toBeGreaterThan(5);
      expect(statuses).toEqual(web.map(() => 403));
      expect(other.map((url) => new URL(url).hostname)).toEqual(other.map(() => '127.0.0.1'));
      expect(other.map((url) => new URL(url).protocol)).toEqual(['smtp:']);
    });
  });
});
