import type { AuditEvent } from './chain';

/** One line of the history: what the event says (statuses, field names, fixed words: nothing personal to mask). */
export function auditRow(event: AuditEvent): Record<string, string> {
  const change =
    event.from !== undefined || event.to !== undefined ? `${event.from ?? ''} → ${event.to ?? ''}`.trim() : '';
  return {
    seq: String(event.seq),
    at: event.at,
    // the operator's identity beside the word `operator`, where the event names one
    actor: event.operator ? `${event.actor} (${event.operator})` : event.actor,
    kind: event.kind,
    change,
    fields: (event.fields ?? []).join(', '),
  };
}
