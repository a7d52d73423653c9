import { z } from 'zod';
import { Regulation, RequestType, SubjectIdentity, SystemOutcome } from './request';
import { SubjectForgottenError } from './errors';
import { STATUSES } from './status';

/**
 * The request as stored. The subject's identity lives here and only here (and in the delivered document):
 * workflow steps receive the request id and read the rest from this record.
 * Parsed on every read, so a corrupt or foreign item fails at the edge rather than deep in a use case.
 */
export const RequestRecord = z.object({
  requestId: z.string(),
  type: RequestType,
  regulation: Regulation,
  /** removed once the request has ended and nothing more is owed to its subject (see RequestRepository.forgetSubject) */
  subject: SubjectIdentity.optional(),
  /**
   * HMAC-SHA-256 of the address under the deployment key: what the record keeps of its subject once the address is
   * forgotten (the suppression list and receipts use the same value), and how repeats for one identity coalesce.
   */
  subjectHash: z.string().optional(),
  subjectForgottenAt: z.string().optional(),
  /** identities proven by the verification step; connectors search by these alone */
  verified: z.object({ email: z.string().optional() }).optional(),
  status: z.enum(STATUSES),
  receivedAt: z.string(),
  dueDate: z.string(),
  updatedAt: z.string(),
  verificationSentAt: z.string().optional(),
  verificationExpiresAt: z.string().optional(),
  verifiedAt: z.string().optional(),
  /** the Step Functions task token the verification step waits on (not personal data) */
  verifyTaskToken: z.string().optional(),
  outcomes: z.array(SystemOutcome).optional(),
  documentKey: z.string().optional(),
  deliveredAt: z.string().optional(),
  completedAt: z.string().optional(),
});
export type RequestRecord = z.infer<typeof RequestRecord>;

/** The address on the request, for the steps that must write to it; refused once the identity was forgotten. */
export function subjectEmail(record: RequestRecord): string {
  if (!record.subject) throw new SubjectForgottenError(record.requestId);
  return record.subject.email;
}
