import { z } from 'zod';
import { workflowTask } from '../core/task';
import { settings } from '../core/config';
import { wiring } from '../core/wiring';
import { DecideRequest } from './decide-request';

const decideRequest = new DecideRequest(wiring.requests(), wiring.mailer(), wiring.profile, undefined, {
  tokens: wiring.tokens(),
  apiUrl: settings('apiUrl').apiUrl,
});

/** Task `Decide`: → { outcome: go | deny, reasons: [code] } (functions/core/policy/decide.ts). */
export const handler = workflowTask(z.object({ requestId: z.uuid() }), ({ requestId }) =>
  decideRequest.execute(requestId),
);
