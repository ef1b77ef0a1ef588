import type { Update } from '../../datasources/documents.js';
import type { CloudEvent } from './cloud-event.js';

/** One pending domain event, stored in the document whose change it describes. */
export interface OutboxEntry {
  /** Orders entries of one document: they are published in this order. */
  seq: number;
  event: CloudEvent;
  /**
   * Publish with the document's answer counts as they are at publish time, so every
   * consumer converges on the latest absolute counts whatever the order of messages.
   */
  countsFromDocument?: boolean;
}

export interface OutboxOptions {
  countsFromDocument?: boolean;
}

let lastSeq = 0;

/** Monotonic within the process, roughly time-ordered across processes. */
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

/**
 * The part of an update that records `events` in the changed document's outbox, so
 * the change and its events commit atomically (single-document atomicity is all that
 * MongoDB-compatible stores share).
 */
export function outboxWrite(events: CloudEvent[], options: OutboxOptions = {}): Required<Pick<Update, '$set' | '$inc'>> {
  const $set: Record<string, unknown> = {};
  for (const event of events) {
    const entry: OutboxEntry = { seq: nextSeq(), event, ...(options.countsFromDocument ? { countsFromDocument: true } : {}) };
    $set[`outbox.${event.id}`] = entry;
  }
  return { $set, $inc: { outboxCount: events.length } };
}

/** Outbox fields for a document inserted together with its first events. */
export function outboxOnInsert(events: CloudEvent[]): { outbox: Record<string, OutboxEntry>; outboxCount: number } {
  const outbox: Record<string, OutboxEntry> = {};
  for (const event of events) outbox[event.id] = { seq: nextSeq(), event };
  return { outbox, outboxCount: events.length };
}

/** Merges outbox writes into an update that also changes the document. */
export function withOutbox(update: Update, events: CloudEvent[], options: OutboxOptions = {}): Update {
  if (events.length === 0) return update;
  const write = outboxWrite(events, options);
  const outboxCount = (update.$inc?.outboxCount ?? 0) + events.length;
  // Counts published later carry this version, so consumers can keep the newest
  // reading whatever order several relays deliver them in.
  const countsVersion: Record<string, number> = options.countsFromDocument ? { countsVersion: (update.$inc?.countsVersion ?? 0) + 1 } : {};
  return {
    ...update,
    $set: { ...update.$set, ...write.$set },
    $inc: { ...update.$inc, outboxCount, ...countsVersion },
  };
}
