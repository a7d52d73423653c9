/** The audit trail's errors. Messages name request ids and sequence numbers only. */

/** Every try to add an event lost to a concurrent append (the head kept moving): the event was not recorded. */
export class AuditAppendConflictError extends Error {
  public constructor(requestId: string, attempts: number, options?: { cause?: unknown }) {
    super(`audit event of request ${requestId} not appended: ${attempts} concurrent appends won`, options);
    this.name = 'AuditAppendConflictError';
  }
}
