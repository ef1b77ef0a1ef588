import type { CloudEvent } from '../domain/messaging/cloud-event.js';
import { currentTraceHeaders } from '../observability/tracing.js';
import type { Update } from './documents.js';

/** One pending domain event, stored in the document whose change it describes. */
export interface OutboxEntry {
  /** Orders entries of one document: they are published in this order. */
  seq: number;
  event: CloudEvent;
  /** Names an enrichment the relay applies at publish time (see OutboxRelay `enrichers`). */
  enrich?: string;
}

/** What a document with an outbox carries besides its own fields. */
export interface OutboxFields {
  outbox: Record<string, OutboxEntry>;
  /** Entries in `outbox`; the relay finds work with an index on it. */
  outboxCount: number;
  /** `seq` of the oldest entry waiting since the outbox was last emptied (for the backlog's age). */
  outboxSince?: number;
}

/** A document that was written with outbox entries. */
export interface OutboxTarget {
  collection: string;
  id: string;
}

/** A domain event to record with a change, optionally enriched when it is published. */
export type OutboxMessage = CloudEvent | { event: CloudEvent; enrich: string };

const eventOf = (message: OutboxMessage): CloudEvent => ('specversion' in message ? message : message.event);
const enrichmentOf = (message: OutboxMessage): string | undefined => ('specversion' in message ? undefined : message.enrich);

/**
 * Writes outbox entries into the update (or insert) of the document they describe, so
 * the change and its events commit together: single-document atomicity is all that
 * MongoDB-compatible stores share. One writer per app keeps `seq` monotonic in this
 * process and roughly time-ordered across processes.
 */
export class OutboxWriter {
  private lastSeq = 0;
  private readonly listeners: ((written: OutboxTarget) => void)[] = [];

  /** Told after each write that carried entries (or failed: it may have landed), so the relay looks at it at once. */
  onRecorded(listener: (written: OutboxTarget) => void): void {
    this.listeners.push(listener);
  }

  /** `write`, which carries `messages` into the outbox of document `target`, then the listeners told. */
  async recording<T>(write: Promise<T>, messages: readonly OutboxMessage[], target: OutboxTarget): Promise<T> {
    try {
      return await write;
    } finally {
      if (messages.length > 0) for (const listener of this.listeners) listener(target);
    }
  }

  private nextSeq(): number {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * 1000);
    return this.lastSeq;
  }

  private entries(messages: readonly OutboxMessage[]): Record<string, OutboxEntry> {
    const entries: Record<string, OutboxEntry> = {};
    // The operation's trace goes with its events, so their publishing and consuming join it.
    const trace = currentTraceHeaders();
    for (const message of messages) {
      const event = { ...eventOf(message), ...trace };
      const enrich = enrichmentOf(message);
      entries[event.id] = { seq: this.nextSeq(), event, ...(enrich ? { enrich } : {}) };
    }
    return entries;
  }

  /** Outbox fields for a document inserted together with its first events. */
  onInsert(messages: readonly OutboxMessage[]): OutboxFields {
    const outbox = this.entries(messages);
    const first = Object.values(outbox)[0];
    return { outbox, outboxCount: messages.length, ...(first ? { outboxSince: first.seq } : {}) };
  }

  /** `update` plus the writes that record `messages` in the document's outbox. */
  appendTo(update: Update, messages: readonly OutboxMessage[]): Update {
    if (messages.length === 0) return update;
    const $set: Record<string, unknown> = { ...update.$set };
    const entries = Object.entries(this.entries(messages));
    for (const [id, entry] of entries) $set[`outbox.${id}`] = entry;
    return {
      ...update,
      $set,
      $inc: { ...update.$inc, outboxCount: (update.$inc?.outboxCount ?? 0) + messages.length },
      $min: { ...update.$min, outboxSince: entries[0]![1].seq },
    };
  }
}
