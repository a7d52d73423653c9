import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { dependencyErrors } from './dependency-errors';

/**
 * SDK clients, created once per cold start and injected into adapters. Endpoints come from the standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code talks to AWS or to the local emulators without knowing which.
 * S3 emulators need path-style addressing: `DSAR_S3_FORCE_PATH_STYLE=true`.
 * Each carries the dependency-error middleware (./dependency-errors.ts): a transient failure that outlives the SDK's
 * own retries reaches the adapters, and the workflow, as DependencyUnavailableError.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let sourceDocumentClient: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let ses: SESv2Client | undefined;
let sfn: SFNClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  if (!documentClient) {
    // The document client shares the base client's middleware stack, so the plugin covers both.
    const base = new DynamoDBClient({});
    base.middlewareStack.use(dependencyErrors('DynamoDB'));
    documentClient = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  }
  return documentClient;
}

/**
 * The document client the connectors read and erase source tables with. Numbers arrive as NumberValue (their exact
 * digits), so a 20-digit id is neither rounded in an export nor in the key of a delete; the pipeline's own records,
 * read through `dynamoDocumentClient`, hold only small numbers. No dependency-error middleware here: the connectors
 * translate their SDK errors at their own edge, into connector errors the per-system Maps retry or report.
 */
export function dynamoSourceClient(): DynamoDBDocumentClient {
  sourceDocumentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: true },
  });
  return sourceDocumentClient;
}

export function s3Client(): S3Client {
  if (!s3) {
    s3 = new S3Client({ forcePathStyle: process.env.DSAR_S3_FORCE_PATH_STYLE === 'true' });
    s3.middlewareStack.use(dependencyErrors('S3'));
  }
  return s3;
}

export function sesClient(): SESv2Client {
  if (!ses) {
    ses = new SESv2Client({});
    ses.middlewareStack.use(dependencyErrors('SES'));
  }
  return ses;
}

export function sfnClient(): SFNClient {
  if (!sfn) {
    sfn = new SFNClient({});
    sfn.middlewareStack.use(dependencyErrors('StepFunctions'));
  }
  return sfn;
}
