import {
  manualSystems,
  NoticeRight,
  type Recipient,
  type SystemConfig,
  type SystemsConfig,
} from '../../connectors/config';
import type { FlagName } from '../../connectors/contract';
import type { RequestType } from './domain/request';

/** One recipient the notices step tells: its id, and how long the workflow waits for its answer (seconds). */
export interface PlannedRecipient {
  recipientId: string;
  /** the recipient's `answerWithin` in seconds: the callback task's deadline (TimeoutSecondsPath) */
  answerWithinSeconds: number;
}

const DAY_SECONDS = 86_400;

/**
 * Seconds in an ISO-8601 duration (connectors/config.ts Recipient.answerWithin): years, months, weeks, days, and after a
 * `T` hours, minutes, seconds. A year counts 365 days and a month 30: a deadline for an answer, not a calendar date.
 * At least one second (a zero deadline would time the task out before the notice is sent).
 */
export function durationSeconds(duration: string): number {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration);
  const [y, mo, w, d, h, mi, s] = (match?.slice(1) ?? []).map((n) => Number(n ?? 0));
  const days = (y ?? 0) * 365 + (mo ?? 0) * 30 + (w ?? 0) * 7 + (d ?? 0);
  return Math.max(1, days * DAY_SECONDS + (h ?? 0) * 3600 + (mi ?? 0) * 60 + (s ?? 0));
}

/**
 * The recipients to tell after a request of `type` (GDPR Art. 19; CCPA §1798.105(c)(1), §1798.106(c)): every recipient
 * of the data map whose `notifyOf` names the right. One without a contact is still listed: the notices step answers it
 * `not_sent` at once, so the receipt says who could not be told. Rights that change nothing (access, …) tell nobody.
 * Pure: ids and seconds only (this list goes into the state machine's payload).
 */
export function recipientsFor(config: Pick<SystemsConfig, 'recipients'>, type: RequestType): PlannedRecipient[] {
  const right = NoticeRight.safeParse(type);
  if (!right.success) return [];
  return (config.recipients ?? [])
    .filter((recipient: Recipient) => recipient.notifyOf.includes(right.data))
    .map((recipient) => ({ recipientId: recipient.id, answerWithinSeconds: durationSeconds(recipient.answerWithin) }));
}

/**
 * Whom a notice goes to: a recipient of the data map, or the owner of a system the pipeline cannot change (`system`
 * set: the team or vendor who answers for it, told to make the change by hand — GDPR Art. 18(1) "or a notice to the
 * system's owner", Art. 16, 21).
 */
export type NoticeTarget = Recipient & {
  system?: string;
  /** set for a manual system: its owner is asked to do the pipeline's work there (find, erase, change) */
  manual?: { description: string; maxUploadBytes: number; erasure: SystemConfig['erasure'] };
};

const OWNER_PREFIX = 'owner:';
/** The notice of a manual system (connectors/config.ts ManualSystem): `system:<systemId>`. */
const MANUAL_PREFIX = 'system:';

/** The manual system a planned recipient id asks, if it is one. */
export function manualSystemId(recipientId: string): string | undefined {
  return recipientId.startsWith(MANUAL_PREFIX) ? recipientId.slice(MANUAL_PREFIX.length) : undefined;
}

/**
 * The manual systems to ask for a request of `type`: every one, for every right that searches or changes systems
 * (the statements are answered from the data map); for portability only those marked `portability` (Art. 20).
 * Each waits for its own `answerWithin`. Ids and seconds only.
 */
export function manualFor(config: SystemsConfig, type: RequestType): PlannedRecipient[] {
  if (type === 'categories' || type === 'disclosures') return [];
  return manualSystems(config)
    .filter((system) => type !== 'portability' || system.portability !== undefined)
    .map((system) => ({
      recipientId: `${MANUAL_PREFIX}${system.id}`,
      answerWithinSeconds: durationSeconds(system.answerWithin),
    }));
}

/** A system's owner as a notice target: told (or asked) under the planned id, answering within `answerWithin`. */
function ownerTarget(
  recipientId: string,
  system: SystemConfig & { owner: NonNullable<SystemConfig['owner']> },
  answerWithin: string,
): NoticeTarget {
  return {
    id: recipientId,
    name: system.owner.name,
    role: 'processor',
    category: 'system owner',
    categories: system.holds.categories,
    sold: false,
    shared: false,
    notify: system.owner.contact,
    notifyOf: [...NoticeRight.options],
    answerWithin,
    system: system.id,
  };
}

/**
 * The notice target behind a planned recipient id: a data-map recipient, `owner:<systemId>` (the owner of a system
 * that cannot make a change itself) or `system:<systemId>` (the owner of a manual system, asked to do its work).
 */
export function noticeTarget(config: SystemsConfig, recipientId: string): NoticeTarget | undefined {
  const manualId = manualSystemId(recipientId);
  if (manualId !== undefined) {
    const system = config.systems.find((s) => s.id === manualId);
    if (system?.type !== 'manual') return undefined;
    return {
      ...ownerTarget(recipientId, system, system.answerWithin),
      manual: { description: system.description, maxUploadBytes: system.maxUploadBytes, erasure: system.erasure },
    };
  }
  if (recipientId.startsWith(OWNER_PREFIX)) {
    const system = config.systems.find((s) => s.id === recipientId.slice(OWNER_PREFIX.length));
    const owner = system?.owner;
    return system && owner ? ownerTarget(recipientId, { ...system, owner }, 'P14D') : undefined;
  }
  return config.recipients?.find((r) => r.id === recipientId);
}

/** Whether `system` has a field for every attribute and flag asked (and is not read-only). */
function canMake(system: SystemConfig, attributes: readonly string[], flags: readonly FlagName[]): boolean {
  // a manual system makes nothing itself: its owner is always told
  if (system.type === 'manual' || system.readOnly) return false;
  const hasAttribute = (a: string) => system.correctable !== undefined && Object.hasOwn(system.correctable, a);
  const hasFlag = (flag: FlagName) => {
    const flags = system.flags;
    if (!flags) return false;
    if (flag.startsWith('consent:'))
      return flags.consent !== undefined && Object.hasOwn(flags.consent, flag.slice('consent:'.length));
    return flags[flag as Exclude<FlagName, `consent:${string}`>] !== undefined;
  };
  return attributes.every(hasAttribute) && flags.every(hasFlag);
}

/**
 * The owners to tell for a correction or a preference right: every system with an `owner` that cannot make all of the
 * change itself (read-only, or without a field for an attribute or flag asked). Decided from the configuration, before
 * any search: an owner who holds nothing of the subject answers `not_held`. Ids and seconds only.
 */
export function ownersFor(
  config: SystemsConfig,
  change: { attributes: readonly string[]; flags: readonly FlagName[] },
): PlannedRecipient[] {
  if (change.attributes.length === 0 && change.flags.length === 0) return [];
  return (
    config.systems
      // a manual system's owner is asked through its own notice (manualFor), not told as an owner as well
      .filter(
        (system) =>
          system.type !== 'manual' && system.owner !== undefined && !canMake(system, change.attributes, change.flags),
      )
      .map((system) => ({ recipientId: `${OWNER_PREFIX}${system.id}`, answerWithinSeconds: durationSeconds('P14D') }))
  );
}
