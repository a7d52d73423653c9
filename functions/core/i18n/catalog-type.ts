import type { en } from './en';

/** The keys every catalogue has: English is the reference. */
export type MessageKey = keyof typeof en;
export type Catalog = Record<MessageKey, string>;
