import { z } from 'zod';
import { settings } from '../core/config';
import { workflowTask } from '../core/task';
import { noticeWiring, wiring } from '../core/wiring';
import { NotifyRecipient } from './notify-recipient';

const notify = new NotifyRecipient({
  requests: wiring.requests(),
  notices: noticeWiring.notices(),
  mailer: wiring.mailer(),
  webhooks: noticeWiring.webhooks(),
  callbacks: noticeWiring.taskCallbacks(),
  systems: wiring.systems(),
  apiUrl: settings('apiUrl').apiUrl,
});

/**
 * Ids only (and the deadline in seconds, which the twin times the task by): the recipient's contact and the subject's
 * identifier are read from the configuration and the request record.
 */
const Input = z.object({
  requestId: z.uuid(),
  recipientId: z.string().min(1).max(63),
  taskToken: z.string().min(1).max(1024),
  answerWithinSeconds: z.number().int().positive().optional(),
});

/** Callback task `NotifyRecipient` (.waitForTaskToken): its return value is ignored; the answer page completes it. */
export const handler = workflowTask(Input, ({ requestId, recipientId, taskToken }) =>
  notify.execute({ requestId, recipientId, taskToken }),
);
