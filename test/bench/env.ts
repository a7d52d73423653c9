/**
 * Imported first by bench.ts, before any function module reads its environment: the functions' INFO lines would
 * drown the report, and the AWS SDK must never find real credentials or a real region while benchmarking.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';

export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const REGION = 'us-east-1';
