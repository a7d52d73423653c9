import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { startDynamoDb, startS3, startSes, type RunningEmulator } from '../../infra/local/emulators';
import { startApiServer } from '../../infra/local/api-server';
import { startSfnServer } from '../../infra/local/sfn-server';
import { LocalStepFunctions } from '../../infra/local/sfn-runner';
import { HandlerLoader } from '../../infra/local/handlers';
import { REPO_ROOT } from '../../infra/local/twin';
import { newCredentials } from '../../infra/local/secrets';
import type { LocalServer } from '../../infra/local/http';

const ARN = 'arn:aws:states:local:000000000000:stateMachine:Guarded';
/** The origin whose pages may post an upload form to S3 (the twin's API: the privacy center's agent page). */
const PAGE_ORIGIN = 'http://127.0.0.1:9';
const REGION = 'us-east-1';

/** A SigV4 Authorization header naming `accessKeyId` (the guard reads the key id; no emulator checks the rest). */
const signedWith = (accessKeyId: string) =>
  `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20250101/${REGION}/s3/aws4_request, SignedHeaders=host, Signature=00`;

/** A raw request, headers exactly as given (Host included): what a page or a rebinding attacker can send. */
function raw(
  url: string,
  headers: Record<string, string>,
  options: { method?: string; path?: string; setHost?: boolean } = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path: options.path ?? '/', method: options.method ?? 'GET', headers, setHost: options.setHost },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const codeOf = (body: string) => (JSON.parse(body) as { error?: { code?: string } }).error?.code;

describe('Local runtime: the loopback guard in front of every server of the twin', () => {
  const credentials = newCredentials();
  const wrong = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const directory = mkdtempSync(join(tmpdir(), 'dsar-guard-'));
  let dynamodb: RunningEmulator;
  let s3: RunningEmulator;
  let ses: RunningEmulator;
  let runner: LocalStepFunctions;
  let sfn: LocalServer;
  let api: LocalServer;
  let endpoints: Record<string, string>;

  beforeAll(async () => {
    dynamodb = await startDynamoDb({ credentials });
    s3 = await startS3({ directory, credentials, formUploadOrigins: () => [PAGE_ORIGIN] });
    ses = await startSes({ credentials });
    const loader = new HandlerLoader(REPO_ROOT);
    runner = new LocalStepFunctions(
      { definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, tasks: {} },
      loader,
      ARN,
    );
    sfn = await startSfnServer(runner, 0, credentials);
    api = await startApiServer(
      [{ method: 'GET', path: '/things/{id}', handler: 'test/fixtures/handlers/echo.ts' }],
      loader,
    );
    endpoints = {
      dynamodb: dynamodb.endpoint,
      s3: s3.endpoint,
      ses: ses.endpoint,
      stepfunctions: sfn.url,
      api: api.url,
    };
  });
  afterAll(async () => {
    await api?.stop();
    await sfn?.stop();
    await runner?.stop();
    await ses?.stop();
    await s3?.stop();
    await dynamodb?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  const names = ['dynamodb', 's3', 'ses', 'stepfunctions', 'api'];

  describe('Method: Host', () => {
    it.each(names)('%s refuses a Host that is not its loopback address and port (DNS rebinding)', async (name) => {
      // Prepare
      const url = endpoints[name] ?? '';
      const port = new URL(url).port;
      const authorization = signedWith(credentials.accessKeyId);

      // Act
      const rebound = await raw(url, { host: `attacker.example:${port}`, authorization });
      const otherPort = await raw(url, { host: '127.0.0.1:1', authorization });
      const noHost = await raw(url, { authorization }, { setHost: false });

      // Assess
      for (const answer of [rebound, otherPort]) {
        expect(answer.status).toBe(403);
        expect(codeOf(answer.body)).toBe('forbidden_host');
        expect(answer.body).not.toContain('attacker');
      }
      // an HTTP/1.1 request without Host is answered 400 by Node itself, before any listener
      expect(noHost.status).toBe(400);
    });
  });

  describe('Method: Origin', () => {
    it.each(names)('%s refuses a request from a foreign origin', async (name) => {
      // Prepare
      const url = endpoints[name] ?? '';
      const host = new URL(url).host;
      const authorization = signedWith(credentials.accessKeyId);

      // Act
      const foreign = await raw(url, { host, origin: 'http://attacker.example', authorization }, { method: 'POST' });
      const opaque = await raw(url, { host, origin: 'null', authorization }, { method: 'POST' });
      const otherPort = await raw(url, { host, origin: 'http://127.0.0.1:1', authorization }, { method: 'POST' });

      // Assess
      for (const answer of [foreign, opaque, otherPort]) {
        expect(answer.status).toBe(403);
        expect(codeOf(answer.body)).toBe('forbidden_origin');
      }
    });

    it('the API accepts its own origin (its pages post forms), by address or by localhost', async () => {
      // Prepare
      const port = new URL(api.url).port;

      // Act
      const own = await raw(
        api.url,
        { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` },
        { path: '/things/1' },
      );
      const named = await raw(
        api.url,
        { host: `localhost:${port}`, origin: `http://localhost:${port}` },
        { path: '/things/1' },
      );

      // Assess
      expect(own.status).toBe(200);
      expect(named.status).toBe(200);
    });

    it('the API accepts a form its own page posted under no-referrer (Origin: null, Sec-Fetch-Site: same-origin) and no other opaque origin', async () => {
      // Prepare
      const host = new URL(api.url).host;

      // Act
      const ownPage = await raw(
        api.url,
        { host, origin: 'null', 'sec-fetch-site': 'same-origin' },
        { path: '/things/1' },
      );
      const otherSite = await raw(
        api.url,
        { host, origin: 'null', 'sec-fetch-site': 'cross-site' },
        { path: '/things/1' },
      );
      const nearby = await raw(api.url, { host, origin: 'null', 'sec-fetch-site': 'same-site' }, { path: '/things/1' });

      // Assess
      expect(ownPage.status).toBe(200);
      expect(codeOf(otherSite.body)).toBe('forbidden_origin');
      expect(codeOf(nearby.body)).toBe('forbidden_origin');
    });

    it("s3 admits an upload form from the API's origin only, and nothing else from it", async () => {
      // Prepare
      const url = endpoints.s3 ?? '';
      const form = { host: new URL(url).host, 'content-type': 'multipart/form-data; boundary=x' };

      // Act
      const fromApi = await raw(url, { ...form, origin: PAGE_ORIGIN }, { method: 'POST', path: '/some-bucket' });
      const fromElsewhere = await raw(
        url,
        { ...form, origin: 'http://127.0.0.1:1' },
        { method: 'POST', path: '/some-bucket' },
      );
      const notAnUpload = await raw(
        url,
        { host: form.host, origin: PAGE_ORIGIN, authorization: signedWith(credentials.accessKeyId) },
        { path: '/some-bucket' },
      );

      // Assess
      expect(fromApi.status).not.toBe(403);
      expect(codeOf(fromElsewhere.body)).toBe('forbidden_origin');
      expect(codeOf(notAnUpload.body)).toBe('forbidden_origin');
    });

    it('the emulators that serve no page refuse even their own origin', async () => {
      // Prepare
      const host = new URL(dynamodb.endpoint).host;

      // Act
      const answer = await raw(dynamodb.endpoint, {
        host,
        origin: `http://${host}`,
        authorization: signedWith(credentials.accessKeyId),
      });

      // Assess
      expect(answer.status).toBe(403);
      expect(codeOf(answer.body)).toBe('forbidden_origin');
    });
  });

  describe('Method: credentials', () => {
    it.each(['dynamodb', 's3', 'ses', 'stepfunctions'])(
      '%s refuses a request signed with another access key id, S3RVER included',
      async (name) => {
        // Prepare
        const url = endpoints[name] ?? '';

        // Act
        const answer = await raw(
          url,
          { host: new URL(url).host, authorization: signedWith('S3RVER') },
          { method: 'POST' },
        );

        // Assess
        expect(answer.status).toBe(403);
        expect(codeOf(answer.body)).toBe('unknown_access_key');
      },
    );

    it.each(['dynamodb', 's3', 'stepfunctions'])('%s refuses an unsigned request', async (name) => {
      // Prepare
      const url = endpoints[name] ?? '';

      // Act
      const answer = await raw(url, { host: new URL(url).host }, { method: 'POST' });

      // Assess
      expect(answer.status).toBe(403);
      expect(codeOf(answer.body)).toBe('missing_credentials');
    });

    it('s3 admits an unsigned browser-based upload (POST to a bucket, multipart/form-data): its credential is in the form', async () => {
      // Prepare
      const url = endpoints.s3 ?? '';
      const headers = { host: new URL(url).host, 'content-type': 'multipart/form-data; boundary=x' };

      // Act
      const form = await raw(url, headers, { method: 'POST', path: '/some-bucket' });
      const toObject = await raw(url, headers, { method: 'POST', path: '/some-bucket/some-key' });
      const withQuery = await raw(url, headers, { method: 'POST', path: '/some-bucket?delete' });
      const notForm = await raw(url, { host: new URL(url).host }, { method: 'POST', path: '/some-bucket' });

      // Assess: past the guard (s3rver answers it, whatever it says), and only that shape
      expect(form.status).not.toBe(403);
      expect(form.body).not.toContain('missing_credentials');
      expect(codeOf(toObject.body)).toBe('missing_credentials');
      expect(codeOf(withQuery.body)).toBe('missing_credentials');
      expect(codeOf(notForm.body)).toBe('missing_credentials');
    });

    it('the SDK with the twin credentials works against every emulator; with S3RVER it is refused', async () => {
      // Prepare
      const client = (creds: typeof credentials) => ({ region: REGION, credentials: creds });
      const s3Good = new S3Client({ ...client(credentials), endpoint: s3.endpoint, forcePathStyle: true });
      const sfnGood = new SFNClient({ ...client(credentials), endpoint: sfn.url });

      // Act
      const tables = await new DynamoDBClient({ ...client(credentials), endpoint: dynamodb.endpoint }).send(
        new ListTablesCommand({}),
      );
      await s3Good.send(new CreateBucketCommand({ Bucket: 'guarded' }));
      await s3Good.send(new PutObjectCommand({ Bucket: 'guarded', Key: 'k', Body: 'v' }));
      const object = await (
        await s3Good.send(new GetObjectCommand({ Bucket: 'guarded', Key: 'k' }))
      ).Body?.transformToString();
      const sent = await new SESv2Client({ ...client(credentials), endpoint: ses.endpoint }).send(
        new SendEmailCommand({
          FromEmailAddress: 'dsar@example.com',
          Destination: { ToAddresses: ['someone@example.com'] },
          Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
        }),
      );
      const settled = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);
      const sfnAnswer = await settled(
        sfnGood.send(new StartExecutionCommand({ stateMachineArn: `${ARN}x`, name: 'n' })),
      );
      const refusedDynamo = await settled(
        new DynamoDBClient({ ...client(wrong), endpoint: dynamodb.endpoint }).send(new ListTablesCommand({})),
      );
      const refusedS3 = await settled(
        new S3Client({ ...client(wrong), endpoint: s3.endpoint, forcePathStyle: true }).send(
          new GetObjectCommand({ Bucket: 'guarded', Key: 'k' }),
        ),
      );

      // Assess
      expect(tables.TableNames).toEqual([]);
      expect(object).toBe('v');
      expect(sent.MessageId).toBeTruthy();
      expect(sfnAnswer).toBeInstanceOf(StateMachineDoesNotExist);
      expect(refusedDynamo).toMatchObject({ $metadata: { httpStatusCode: 403 } });
      expect(refusedS3).toMatchObject({ $metadata: { httpStatusCode: 403 } });
    });

    it('the mail viewer stays readable unsigned on loopback (README: what the twin does not protect)', async () => {
      // Act
      const store = await raw(ses.endpoint, { host: new URL(ses.endpoint).host }, { path: '/store' });

      // Assess
      expect(store.status).toBe(200);
    });
  });
});
