import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, REGION } from './env';

/**
 * The S3 and DynamoDB emulators for sections 1–4, in a child process (see emulator-host.ts), with SDK clients
 * pointed at them explicitly: these clients are the benchmark's own, not the functions' shared ones.
 * The child also removes `workDir` when it stops, so the temporary directory goes even if this process is killed.
 */
export interface EmulatorProcess {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

interface Endpoints {
  s3: string;
  dynamodb: string;
}

function isEndpoints(value: unknown): value is Endpoints {
  return typeof value === 'object' && value !== null && 's3' in value && 'dynamodb' in value;
}

export async function startEmulatorProcess(workDir: string): Promise<EmulatorProcess> {
  const entry = fileURLToPath(new URL('./emulator-host.ts', import.meta.url));
  const child = fork(entry, [workDir], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    const endpoints = await new Promise<Endpoints>((resolve, reject) => {
      child.once('message', (message) =>
        isEndpoints(message) ? resolve(message) : reject(new Error('emulator host sent no endpoints')),
      );
      child.once('exit', (code) => reject(new Error(`emulator host exited early (code ${String(code)})`)));
      child.once('error', reject);
    });
    const common = { region: REGION, credentials: LOCAL_CREDENTIALS };
    const s3 = new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true });
    const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
    const documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    return {
      s3,
      dynamodb,
      documents,
      stop: async () => {
        s3.destroy();
        dynamodb.destroy();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
