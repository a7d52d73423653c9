import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { createTableAndWait, startDynamoDb, startS3, startSes, type RunningEmulator } from './emulators';
import { HandlerLoader } from './handlers';
import { LocalStepFunctions } from './sfn-runner';
import { type SfnFaults, startSfnServer } from './sfn-server';
import { startApiServer } from './api-server';
import { startSmtpServer } from './smtp-server';
import { createBucket, DEMO_ERASED_PERSON, DEMO_PERSON, demoPeople, seedDemoCompany } from './demo-company';
import { startLocalPostgres } from './pglite';
import { AUDIT_TABLE, REQUESTS_TABLE, SUPPRESSION_TABLE, TOKENS_TABLE, auditTable } from './tables';
import { startLocalSaas } from './saas/local-saas';
import { loadSystems } from '../../functions/core/systems';
import { extractWorkflow, synthTemplate } from './asl';
import { API_ROUTES, CONSOLE_AUTHORIZER } from '../constructs/api-routes';
import { consoleSignIn } from './console-credential';
import { FUNCTION_ENV } from '../../functions/core/env';
import { loadProfile } from '../config';
import { brokenPromises } from '../../functions/core/policy/promises';
import type { LocalCredentials, LocalServer } from './http';
import { privateDirectory, tightenFile, twinCredentials, writePrivateFile } from './secrets';
import type { SweepReport } from '../../functions/sweep/sweep';
import { localSweeper } from './sweeper';
import type { ReminderReport } from '../../functions/remind-operators/remind-operators';
import { localReminder, reminderWindow } from './reminder';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { moveLegacySuppression } from '../../functions/core/adapters/dynamo-suppression-list';
import { WEBHOOK_SECRETS_ENV } from '../../functions/core/adapters/webhook-sender';

/**
 * The local twin: the whole pipeline on one machine. Real emulators for DynamoDB, S3 and SES; the state machine
 * taken from the synthesized CloudFormation template and run by aws-local-stepfunctions; the same handler modules
 * behind a local HTTP API. Data lives on disk under `dataDir`, so requests survive a restart: on start, every
 * request not yet finished is resumed from its record (every step is safe to run twice).
 */
export interface TwinOptions {
  /** where data lives (default `.dsar` in the repo) */
  dataDir?: string;
  /**
   * API port. Mailed links point at it, so it is remembered with the data and reused by a start that does not ask
   * for one (8787 the first time). A port given here (1–65535) wins over the remembered one and is remembered in its
   * place (links mailed before the move keep pointing at the old port). `0` asks for no
   * particular port: the remembered one if there is one, else any free port (tests on fresh data dirs), which is
   * then remembered like any other, so a restart on the same data keeps the links working.
   */
  apiPort?: number;
  /** systems configuration file (default `infra/config/systems.json`) */
  systemsFile?: string;
  /**
   * the company profile the policy step decides by: a shipped profile's id (`softpire`) or a path to one; validated at
   * start (a bad profile stops the twin with every problem named). None: the open profile.
   */
  profile?: string;
  /** seed the demo company's systems (default true) */
  seedDemo?: boolean;
  /** CDK context for the synth (e.g. verificationWindowHours) */
  context?: Record<string, unknown>;
  /** shorten workflow retry waits (tests) */
  retryIntervalMs?: number;
  /** keep DynamoDB in memory instead of on disk (tests) */
  inMemory?: boolean;
  /** the sweeper (the cloud's EventBridge schedule, locally): how often (default 60 s) and its patience (tests) */
  sweep?: { intervalMs?: number; startAfterSeconds?: number };
  /**
   * the operators' reminder (the cloud's daily schedule, locally): how long after start the first digest goes out
   * (default 10 s) and how often after that (default a day); shorter in tests
   */
  remind?: { firstAfterMs?: number; intervalMs?: number };
  /** failures injected into the local Step Functions API (tests only) */
  faults?: SfnFaults;
  /** awaited before the first sweep resumes unfinished requests: lets a test hold the resume open (tests only) */
  beforeResume?: () => Promise<void>;
  /**
   * HMAC keys of the recipients' webhooks, by the secret name the systems config gives (`notify.webhook.secret`). Merged
   * over `<dataDir>/webhook-secrets.json` (0600, the same shape), which an operator of the twin keeps; the cloud reads
   * the same names from Secrets Manager.
   */
  webhookSecrets?: Record<string, string>;
}

export interface TwinEndpoints {
  api: string;
  mail: string;
  dynamodb: string;
  s3: string;
  ses: string;
  stepfunctions: string;
  /** requests by email: the SMTP listener (`smtp://127.0.0.1:<port>`), SES receiving's stand-in */
  smtp: string;
}

export interface Twin {
  endpoints: TwinEndpoints;
  /** what the emulators accept from this start on; also in local.json (0600) for `npm run demo`/`reapply-deletions` */
  credentials: LocalCredentials;
  /** request ids resumed at start */
  resumed: string[];
  /** run the sweeper once now (it also runs on its timer) */
  sweep(): Promise<SweepReport>;
  /** mail the operators' digest now (it also goes out on its timer) */
  remind(): Promise<ReminderReport>;
  runner: LocalStepFunctions;
  /**
   * The operator console: its sign-in URL, and the operator credential on the start that made it (the first on this
   * data) — the caller shows it once; it is stored only hashed and cannot be read again.
   */
  console: { url: string; credential?: string };
  stop(): Promise<void>;
}

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.dsar');
/**
 * The demo company's whole estate — DynamoDB, S3, Postgres, a SaaS API and a manual system — that `npm run demo` and
 * `npm run dev` run on by default. `infra/config/systems.json` stays the cloud deployment's file (and the tests'
 * default): it names no local servers.
 */
export const DEMO_ESTATE_FILE = join(REPO_ROOT, 'infra/config/demo-estate.json');
export const DEFAULT_API_PORT = 8787;
export { AUDIT_TABLE, REQUESTS_TABLE, SUPPRESSION_TABLE, TOKENS_TABLE } from './tables';
const DOCUMENTS_BUCKET = 'dsar-documents';
/** where the SMTP listener stores raw mail, as SES's S3 action does in the cloud (its own bucket there too) */
const INBOUND_MAIL_BUCKET = 'dsar-inbound-mail';
const STATE_MACHINE_ARN = 'arn:aws:states:local:000000000000:stateMachine:DsarRequestWorkflow';

export function localJsonPath(dataDir = DEFAULT_DATA_DIR): string {
  return join(dataDir, 'local.json');
}

/**
 * Ports chosen at the first start are kept with the data and reused: mailed links point at the API's port, and
 * the functions' SDK clients (created once per process) keep pointing at the right emulators across a restart.
 * The API's port alone can be moved by asking for another one (TwinOptions.apiPort); every start saves what it used.
 */
class PortBook {
  private readonly file: string;
  private readonly known: Record<string, number>;

  public constructor(dataDir: string) {
    this.file = join(dataDir, 'ports.json');
    this.known = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, number>) : {};
  }

  public get(name: string, fallback = 0): number {
    return this.known[name] ?? fallback;
  }

  public save(urls: Record<string, string>): void {
    for (const [name, url] of Object.entries(urls)) this.known[name] = Number(new URL(url).port);
    writeFileSync(this.file, `${JSON.stringify(this.known, null, 2)}\n`);
  }
}

/** The port to open the API on: an explicit port wins, otherwise the remembered one (see TwinOptions.apiPort). */
function apiPortFor(ports: PortBook, requested: number | undefined): number {
  if (requested !== undefined && requested !== 0) return requested;
  return ports.get('api', requested ?? DEFAULT_API_PORT);
}

/** The deployment's hash key, made once and kept with the data (never committed), readable by its owner only. */
function hashKey(dataDir: string): string {
  const file = join(dataDir, 'hash-key');
  if (!existsSync(file)) writePrivateFile(file, randomBytes(32).toString('hex'));
  tightenFile(file);
  return readFileSync(file, 'utf8').trim();
}

/** The twin operator's webhook keys (`<dataDir>/webhook-secrets.json`, `{ "<name>": "<key>" }`), if any. */
function webhookSecretsFile(dataDir: string): Record<string, string> {
  const file = join(dataDir, 'webhook-secrets.json');
  if (!existsSync(file)) return {};
  tightenFile(file);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** The stack's four tables (requests, tokens, suppression list, audit trail), same key schema as in the cloud. */
async function ensureTables(client: DynamoDBClient): Promise<void> {
  for (const table of [REQUESTS_TABLE, TOKENS_TABLE, SUPPRESSION_TABLE, AUDIT_TABLE]) {
    try {
      await client.send(new DescribeTableCommand({ TableName: table }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await createTableAndWait(client, table === AUDIT_TABLE ? auditTable(table) : keyedByPk(table));
    }
  }
}

const keyedByPk = (table: string): CreateTableCommandInput => ({
  TableName: table,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
});

/** Point this process's AWS SDK and handler settings at the twin: no call can reach a real AWS account. */
function configureEnvironment(settings: Record<string, string>): void {
  Object.assign(process.env, settings);
}

export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  // Requests, records and keys lie unencrypted under dataDir: no other user of the machine may enter it.
  privateDirectory(dataDir);
  const credentials = twinCredentials();
  const systemsFile = resolve(options.systemsFile ?? join(REPO_ROOT, 'infra/config/systems.json'));
  const profile = options.profile === undefined ? undefined : loadProfile(options.profile);
  // The handlers read the profile from DSAR_PROFILE_FILE (set below), as in the cloud. It is not handed to the synth:
  // the CDK app refuses a deployment whose backups outlive the profile's deletion promise, while the twin — also a
  // demo of every profile over the demo estate — says so and runs.
  for (const problem of profile ? brokenPromises(profile.profile, loadSystems(systemsFile)) : [])
    process.stderr.write(`Warning: ${problem}\n`);
  const context = { systemsConfig: systemsFile, ...options.context };

  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
  };
  try {
    const ports = new PortBook(dataDir);
    const dynamodb: RunningEmulator = await startDynamoDb({
      path: options.inMemory ? undefined : join(dataDir, 'dynamodb'),
      port: ports.get('dynamodb'),
      credentials,
    });
    started.push(dynamodb);
    // the privacy center's agent page posts the presigned upload form from the API's origin (known once it listens)
    let apiOrigin: string | undefined;
    const s3 = await startS3({
      directory: join(dataDir, 's3'),
      port: ports.get('s3'),
      credentials,
      formUploadOrigins: () => (apiOrigin ? [apiOrigin, apiOrigin.replace('127.0.0.1', 'localhost')] : []),
    });
    started.push(s3);
    const ses = await startSes({ port: ports.get('ses'), credentials });
    started.push(ses);
    // a PGlite server for each Postgres system the configuration names as local (none in the default configuration)
    const postgres = await startLocalPostgres(loadSystems(systemsFile), {
      dataDir: options.inMemory ? undefined : dataDir,
      seedOrders: options.seedDemo !== false ? [DEMO_PERSON, DEMO_ERASED_PERSON, ...demoPeople(40)] : undefined,
    });
    started.push(postgres);
    // a fake API for each HTTP system the configuration names as local (seeded with the demo's people)
    const saas = await startLocalSaas(loadSystems(systemsFile), {
      seed: options.seedDemo !== false ? demoPeople(60) : undefined,
    });
    started.push(saas);

    configureEnvironment({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      DSAR_S3_FORCE_PATH_STYLE: 'true',
    });
    const dynamoClient = new DynamoDBClient({});
    const s3Client = new S3Client({ forcePathStyle: true });
    await ensureTables(dynamoClient);
    // data kept by an earlier version holds its suppression list in the requests table: move it where re-apply reads
    const moved = await moveLegacySuppression(
      DynamoDBDocumentClient.from(dynamoClient),
      REQUESTS_TABLE,
      SUPPRESSION_TABLE,
    );
    if (moved > 0) process.stderr.write(`Moved ${moved} suppression-list entries into their own table.\n`);
    await createBucket(s3Client, DOCUMENTS_BUCKET);
    await createBucket(s3Client, INBOUND_MAIL_BUCKET);
    if (options.seedDemo !== false) await seedDemoCompany(dynamoClient, s3Client);

    const template = synthTemplate(context);
    const workflow = extractWorkflow(template);
    const loader = new HandlerLoader(REPO_ROOT);
    const runner = new LocalStepFunctions(workflow, loader, STATE_MACHINE_ARN, {
      retryIntervalMs: options.retryIntervalMs,
      // Names and messages only: error messages never carry personal data (a rule of the functions and connectors).
      onFailure: (e) => process.stderr.write(`workflow ${e.name} failed: ${e.error ?? ''} ${e.cause ?? ''}\n`),
    });
    const sfn = await startSfnServer(runner, ports.get('stepfunctions'), credentials, options.faults);
    started.push({ stop: () => sfn.stop() }, { stop: () => runner.stop() });

    // the console's sign-in: one operator credential and a signing key, made on the first start on this data
    const operatorSignIn = consoleSignIn(dataDir);
    configureEnvironment(operatorSignIn.env);
    const api: LocalServer = await startApiServer(
      API_ROUTES,
      loader,
      apiPortFor(ports, options.apiPort),
      CONSOLE_AUTHORIZER,
    );
    apiOrigin = api.url;
    started.push({ stop: () => api.stop() });
    // requests by email: stopped before the runner, whose stop drains the invocations the listener started
    const smtp = await startSmtpServer({ port: ports.get('smtp'), s3: s3Client, bucket: INBOUND_MAIL_BUCKET, loader });
    started.push(smtp);
    const settings = workflowSettings(template);
    configureEnvironment({
      AWS_ENDPOINT_URL_SFN: sfn.url,
      [FUNCTION_ENV.TABLE]: REQUESTS_TABLE,
      [FUNCTION_ENV.TOKENS_TABLE]: TOKENS_TABLE,
      [FUNCTION_ENV.SUPPRESSION_TABLE]: SUPPRESSION_TABLE,
      [FUNCTION_ENV.AUDIT_TABLE]: AUDIT_TABLE,
      [FUNCTION_ENV.BUCKET]: DOCUMENTS_BUCKET,
      [FUNCTION_ENV.INBOUND_MAIL_BUCKET]: INBOUND_MAIL_BUCKET,
      [FUNCTION_ENV.STATE_MACHINE_ARN]: STATE_MACHINE_ARN,
      [FUNCTION_ENV.API_URL]: api.url,
      [FUNCTION_ENV.SYSTEMS_FILE]: systemsFile,
      // empty: the open profile (functions/core/wiring.ts reads an empty value as none)
      [FUNCTION_ENV.PROFILE_FILE]: profile?.path ?? '',
      [FUNCTION_ENV.HASH_KEY]: hashKey(dataDir),
      // always set, so the twin never asks Secrets Manager for a webhook key (functions/core/adapters/webhook-sender.ts)
      [WEBHOOK_SECRETS_ENV]: JSON.stringify({ ...webhookSecretsFile(dataDir), ...options.webhookSecrets }),
      ...settings,
    });

    ports.save({
      dynamodb: dynamodb.endpoint,
      s3: s3.endpoint,
      ses: ses.endpoint,
      stepfunctions: sfn.url,
      api: api.url,
      smtp: smtp.url,
    });
    const endpoints: TwinEndpoints = {
      api: api.url,
      mail: ses.endpoint,
      dynamodb: dynamodb.endpoint,
      s3: s3.endpoint,
      ses: ses.endpoint,
      stepfunctions: sfn.url,
      smtp: smtp.url,
    };
    writePrivateFile(
      localJsonPath(dataDir),
      `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), ...endpoints, systemsFile, profile: profile?.path, postgres: postgres.urls, apis: saas.apis, credentials }, null, 2)}\n`,
    );

    // Resume: the sweeper, run at once with no patience (nothing runs in a fresh process, so every confirmed request that
    // has not ended is started again; every step is re-entrant), then on a timer like the cloud's schedule.
    await options.beforeResume?.();
    const sweeper = localSweeper(Number(process.env[FUNCTION_ENV.DOWNLOAD_TTL_SECONDS]), options.sweep ?? {});
    const resumed = (await sweeper.now()).recovered;
    started.push({ stop: () => sweeper.stop() });
    const reminder = localReminder({ withinDays: reminderWindow(template), ...options.remind });
    started.push({ stop: () => reminder.stop() });

    return {
      endpoints,
      credentials,
      resumed,
      runner,
      console: { url: `${api.url}/console/sign-in`, credential: operatorSignIn.credential },
      sweep: () => sweeper.sweep(),
      remind: () => reminder.remind(),
      stop: async () => {
        await stopAll();
        writePrivateFile(localJsonPath(dataDir), '{}\n');
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The settings the stack gives its functions, read from the synthesized template so local and cloud agree. */
function workflowSettings(template: object): Record<string, string> {
  const resources =
    (
      template as {
        Resources?: Record<
          string,
          { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
        >;
      }
    ).Resources ?? {};
  const wanted: string[] = [
    FUNCTION_ENV.SENDER,
    FUNCTION_ENV.VERIFICATION_TTL_SECONDS,
    FUNCTION_ENV.DOWNLOAD_TTL_SECONDS,
  ];
  const out: Record<string, string> = {};
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    for (const [name, value] of Object.entries(resource.Properties?.Environment?.Variables ?? {})) {
      if (wanted.includes(name) && typeof value === 'string') out[name] = value;
    }
  }
  return out;
}
