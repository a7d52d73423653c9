import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamoDb, startS3 } from '../../infra/local/emulators';

/**
 * Child-process entry (forked by emulator-process.ts): s3rver under `<workDir>/s3` and an in-memory dynalite, in their
 * own process so that what the benchmark measures in its own process is the code under test, not the emulators.
 * It also keeps the benchmark's temporary directory: when the parent goes — normally, on an error, or killed outright
 * (its IPC channel closes) — it stops the servers and removes `workDir`. Ctrl-C is left to the parent, which then
 * disconnects.
 */
const workDir = process.argv[2];
if (!workDir || !process.send) throw new Error('usage: forked with an IPC channel and a work directory');

const s3 = await startS3({ directory: join(workDir, 's3') });
const dynamodb = await startDynamoDb();

const stop = async (): Promise<void> => {
  await Promise.allSettled([s3.stop(), dynamodb.stop()]);
  rmSync(workDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => undefined);
process.once('disconnect', () => void stop());
process.once('SIGTERM', () => void stop());
process.send({ s3: s3.endpoint, dynamodb: dynamodb.endpoint });
