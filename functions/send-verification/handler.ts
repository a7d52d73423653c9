import { z } from 'zod';
import { settings } from '../core/config';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { SendVerification } from './send-verification';

const env = settings('apiUrl', 'verificationTtlSeconds');
const sendVerification = new SendVerification({
  requests: wiring.requests(),
  tokens: wiring.tokens(),
  mailer: wiring.mailer(),
  workflow: wiring.taskCallbacks(),
  apiUrl: env.apiUrl,
  ttlSeconds: env.verificationTtlSeconds,
});

const Input = z.object({ requestId: z.uuid(), taskToken: z.string().min(1) });

/** Task `SendVerification` (waitForTaskToken). */
export const handler = workflowTask(Input, async ({ requestId, taskToken }) => {
  await sendVerification.execute(requestId, taskToken);
  return { requestId };
});
