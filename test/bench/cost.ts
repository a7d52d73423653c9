import type { Tally } from './operation-counter';
import { fmtUsd, type Row } from './measure';

/**
 * From counted operations to dollars. "Cents per request" is a product promise: this is where it is checked.
 *
 * Public us-east-1 LIST PRICES (on-demand, before any free tier), written down by hand — verify them against the AWS
 * pricing pages before quoting a figure. Notably DynamoDB on-demand was announced halved in November 2024
 * (to $0.625 per million WRU and $0.125 per million RRU); the older, higher figures are kept here as a conservative bound.
 */
export const LAMBDA_USD_PER_GB_SECOND = 0.0000166667; // x86, first pricing tier
export const LAMBDA_USD_PER_REQUEST = 0.2 / 1_000_000;
export const STEP_FUNCTIONS_USD_PER_TRANSITION = 0.025 / 1_000; // Standard workflows
export const DYNAMODB_USD_PER_WRU = 1.25 / 1_000_000; // on-demand write request unit
export const DYNAMODB_USD_PER_RRU = 0.25 / 1_000_000; // on-demand read request unit
export const S3_USD_PER_PUT = 0.005 / 1_000; // PUT, COPY, POST, LIST (multipart parts included)
export const S3_USD_PER_GET = 0.0004 / 1_000; // GET, HEAD and all other requests (a presigned GET URL counts as one GET)
export const SES_USD_PER_MESSAGE = 0.1 / 1_000; // outbound email, per recipient
export const API_GATEWAY_HTTP_USD_PER_REQUEST = 1.0 / 1_000_000; // HTTP API, first 300 million a month
/** The stack's functions are assumed to run with 512 MB. */
export const LAMBDA_MEMORY_GB = 512 / 1024;
/** Gartner's widely quoted cost of answering one DSAR by hand. */
export const MANUAL_USD_PER_REQUEST = 1_400;

const S3_PUT_TIER = new Set([
  'PutObject',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'ListObjectsV2',
  'ListObjects',
  'ListBuckets',
  'ListParts',
]);
const S3_FREE = new Set(['DeleteObject', 'DeleteObjects', 'AbortMultipartUpload']);

export interface Usage {
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  apiRequests: number;
  transitions: number;
  readUnits: number;
  writeUnits: number;
  s3PutTier: number;
  s3GetTier: number;
  sesMessages: number;
  /** StartExecution, SendTaskSuccess: not billed beyond the transitions they cause */
  stepFunctionsApiCalls: number;
}

export interface UsageOptions {
  /** handlers behind API routes (each call is also an API Gateway request) */
  apiHandlers: ReadonlySet<string>;
  /** handlers whose calls are left out (the benchmark's own status polling) */
  excluded: ReadonlySet<string>;
}

export function usageOf(tally: Tally, options: UsageOptions): Usage {
  const usage: Usage = {
    lambdaInvocations: 0,
    lambdaGbSeconds: 0,
    apiRequests: 0,
    transitions: tally.transitions,
    readUnits: 0,
    writeUnits: 0,
    s3PutTier: 0,
    s3GetTier: 0,
    sesMessages: 0,
    stepFunctionsApiCalls: 0,
  };
  for (const [name, handler] of Object.entries(tally.handlers)) {
    if (options.excluded.has(name)) continue;
    usage.lambdaInvocations += handler.invocations;
    usage.lambdaGbSeconds += (handler.billedMs / 1000) * LAMBDA_MEMORY_GB;
    if (options.apiHandlers.has(name)) usage.apiRequests += handler.invocations;
    usage.readUnits += handler.readUnits;
    usage.writeUnits += handler.writeUnits;
    for (const [key, n] of Object.entries(handler.calls)) {
      const [service, operation = ''] = key.split(':');
      if (service === 's3' && S3_PUT_TIER.has(operation)) usage.s3PutTier += n;
      else if (service === 's3' && !S3_FREE.has(operation)) usage.s3GetTier += n;
      else if (service === 'ses' && operation.startsWith('SendEmail')) usage.sesMessages += n;
      else if (service === 'sfn') usage.stepFunctionsApiCalls += n;
    }
  }
  return usage;
}

export function scaleUsage(usage: Usage, factor: number): Usage {
  const scaled = { ...usage };
  for (const key of Object.keys(scaled) as (keyof Usage)[]) scaled[key] *= factor;
  return scaled;
}

const qty = (n: number, digits = 1) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));

/** One row per billed item: quantity per request, list price, dollars per request; and the total. */
export function costTable(usage: Usage): { rows: Row[]; total: number } {
  const items: [string, string, string, number][] = [
    ['Lambda requests', qty(usage.lambdaInvocations), '$0.20 / 1M', usage.lambdaInvocations * LAMBDA_USD_PER_REQUEST],
    [
      'Lambda compute (512 MB)',
      `${usage.lambdaGbSeconds.toFixed(3)} GB-s`,
      '$0.0000166667 / GB-s',
      usage.lambdaGbSeconds * LAMBDA_USD_PER_GB_SECOND,
    ],
    [
      'Step Functions transitions',
      qty(usage.transitions),
      '$0.025 / 1k',
      usage.transitions * STEP_FUNCTIONS_USD_PER_TRANSITION,
    ],
    ['DynamoDB write units', qty(usage.writeUnits), '$1.25 / 1M WRU', usage.writeUnits * DYNAMODB_USD_PER_WRU],
    ['DynamoDB read units', qty(usage.readUnits), '$0.25 / 1M RRU', usage.readUnits * DYNAMODB_USD_PER_RRU],
    ['S3 PUT/LIST requests', qty(usage.s3PutTier), '$0.005 / 1k', usage.s3PutTier * S3_USD_PER_PUT],
    ['S3 GET/HEAD requests', qty(usage.s3GetTier), '$0.0004 / 1k', usage.s3GetTier * S3_USD_PER_GET],
    ['SES messages', qty(usage.sesMessages), '$0.10 / 1k', usage.sesMessages * SES_USD_PER_MESSAGE],
    [
      'API Gateway HTTP requests',
      qty(usage.apiRequests),
      '$1.00 / 1M',
      usage.apiRequests * API_GATEWAY_HTTP_USD_PER_REQUEST,
    ],
    ['Step Functions API calls', qty(usage.stepFunctionsApiCalls), 'not billed', 0],
  ];
  const total = items.reduce((sum, [, , , usd]) => sum + usd, 0);
  const rows: Row[] = items.map(([label, quantity, price, usd]) => [
    label,
    quantity,
    price,
    fmtUsd(usd),
    `${((usd / total) * 100).toFixed(1)}%`,
  ]);
  rows.push(['total', '', '', fmtUsd(total), '100%']);
  return { rows, total };
}
