import type { DocumentStore, StoredDocument } from '../../datasources/documents.js';
import type { KeyValueStore } from '../../datasources/cache.js';
import type { MessageBus, OutgoingMessage } from '../../datasources/message-bus.js';
import type { Logger } from '../../logger.js';
import { outboxPending } from '../../observability/metrics.js';
import { topicOf } from './cloud-event.js';
import type { OutboxEntry } from './outbox.js';

interface OutboxDocument extends StoredDocument {
  outbox?: Record<string, OutboxEntry>;
  outboxCount?: number;
  deleted?: boolean;
  stats?: Record<string, number>;
  countsVersion?: number;
}

/** The answer counts of a document's stats, for entries published with live counts. */
function withCounts(entry: OutboxEntry, doc: OutboxDocument) {
  if (!entry.countsFromDocument || !doc.stats) return entry.event;
  const { going = 0, interested = 0, maybe = 0, notGoing = 0, waitlisted = 0 } = doc.stats;
  const counts = { going, interested, maybe, notGoing, waitlisted };
  const data = { ...(entry.event.data as Record<string, unknown>), counts, countsVersion: doc.countsVersion ?? 0 };
  return { ...entry.event, data };
}

/**
 * One relay polls at a time across instances. Besides saving duplicate publishes, this
 * matters on FerretDB 1.x, which does not isolate concurrent updates of one document
 * across connections: a relay in another process removing entries could otherwise
 * erase an entry a mutation is adding at the same moment.
 */
const LEASE_KEY = 'outbox-relay-lease';

export interface RelayLease {
  kv: KeyValueStore;
  holderId: string;
  ttlSeconds: number;
}

export interface OutboxRelayOptions {
  /** Collections whose documents carry an outbox. */
  collections: string[];
  lease?: RelayLease;
  pollIntervalMs: number;
  batchSize: number;
  maxBackoffMs: number;
}

/**
 * Publishes outbox entries to the bus, then removes them from their documents.
 * At least once: an entry leaves the document only after the broker acknowledged it,
 * so a crash or a broker outage delays events but never loses one.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failures = 0;
  private stopped = true;
  private rerun = false;
  private lastPass: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: DocumentStore,
    private readonly bus: MessageBus,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {}

  start() {
    this.stopped = false;
    this.schedule(0);
  }

  /** Called after a commit so its events leave at once instead of at the next poll. */
  kick() {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops polling after one last attempt to flush what is pending. */
  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    try {
      if (!(await this.holdsLease())) return;
      await this.flush();
      // Hand over at once rather than when the lease expires.
      if (this.options.lease) await this.options.lease.kv.delete(LEASE_KEY);
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox: final flush failed; pending events stay stored');
    }
  }

  private schedule(delayMs: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick() {
    if (this.running) return;
    let next = this.options.pollIntervalMs;
    this.running = (async () => {
      try {
        const published = (await this.holdsLease()) ? await this.flush() : 0;
        this.failures = 0;
        // A full batch suggests more is waiting.
        if (published >= this.options.batchSize) next = 0;
      } catch (error) {
        this.failures += 1;
        next = Math.min(this.options.maxBackoffMs, this.options.pollIntervalMs * 2 ** this.failures);
        this.logger.warn({ err: error, retryInMs: next, failures: this.failures }, 'outbox: publish failed, will retry');
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.rerun) {
      this.rerun = false;
      next = 0;
    }
    if (!this.stopped) this.schedule(next);
  }

  private async holdsLease(): Promise<boolean> {
    const lease = this.options.lease;
    if (!lease) return true;
    const holder = await lease.kv.get(LEASE_KEY);
    if (holder === lease.holderId) {
      await lease.kv.set(LEASE_KEY, lease.holderId, lease.ttlSeconds);
      return true;
    }
    return holder === null && (await lease.kv.setIfAbsent(LEASE_KEY, lease.holderId, lease.ttlSeconds));
  }

  /**
   * One pass over every outbox collection; returns how many events were published.
   * Passes never overlap, so a caller's flush also waits for a poll already under way.
   */
  flush(): Promise<number> {
    const pass = this.lastPass.then(() => this.pass());
    this.lastPass = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<number> {
    let published = 0;
    let pending = 0;
    for (const name of this.options.collections) {
      const collection = this.store.collection<OutboxDocument>(name);
      const docs = await collection.find({ outboxCount: { $gt: 0 } }, { limit: this.options.batchSize });
      const work = docs.map((doc) => ({
        doc,
        entries: Object.entries(doc.outbox ?? {}).sort(([, a], [, b]) => a.seq - b.seq),
      }));
      const messages: OutgoingMessage[] = work.flatMap(({ doc, entries }) =>
        entries.map(([, entry]) => ({
          topic: topicOf(entry.event.type),
          key: entry.event.subject,
          value: JSON.stringify(withCounts(entry, doc)),
          // Structured mode: the whole CloudEvent is the body, so no ce-* headers.
          headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
        })),
      );
      pending += messages.length;
      if (messages.length === 0) continue;
      await this.bus.publish(messages);
      for (const { doc, entries } of work) await this.acknowledge(name, doc, entries.map(([id]) => id));
      published += messages.length;
    }
    outboxPending.set(pending - published);
    return published;
  }

  private async acknowledge(name: string, doc: OutboxDocument, ids: string[]) {
    const collection = this.store.collection<OutboxDocument>(name);
    const present = Object.fromEntries(ids.map((id) => [`outbox.${id}`, { $exists: true }]));
    const unset = Object.fromEntries(ids.map((id) => [`outbox.${id}`, '' as const]));
    const all = await collection.updateOne({ _id: doc._id, ...present }, { $unset: unset, $inc: { outboxCount: -ids.length } });
    if (all.matched === 0) {
      // Another relay acknowledged some of them first: remove what is left one by one,
      // so the count only moves for entries this pass removed.
      for (const id of ids) {
        await collection.updateOne(
          { _id: doc._id, [`outbox.${id}`]: { $exists: true } },
          { $unset: { [`outbox.${id}`]: '' }, $inc: { outboxCount: -1 } },
        );
      }
    }
    if (doc.deleted) await collection.deleteOne({ _id: doc._id, deleted: true, outboxCount: 0 });
  }
}
