import type { MessageBus, OutgoingMessage } from '../../datasources/message-bus.js';
import type { OutboxStore, PendingDocument } from '../../datasources/outbox-store.js';
import type { OutboxTarget } from '../../datasources/outbox.js';
import { inSlices } from '../../concurrency/in-slices.js';
import type { Logger } from '../../logger.js';
import { topicOf, type CloudEvent } from './cloud-event.js';

/** How old an entry found by a scan may be and still count as one of this instance's, on its way (see tick). */
const IN_FLIGHT_MS = 1_000;

/** Documents whose published entries are removed concurrently (a third of the driver's default pool). */
const ACKNOWLEDGED_AT_ONCE = 32;

/** What a pass published, and the `seq` of the oldest entry it found (null: none). */
interface PassResult {
  published: number;
  oldestSeq: number | null;
}

/**
 * One relay polls at a time across instances, which saves duplicate publishes. The lease
 * lives in the document store (see StoreLease), so the relay needs nothing but the store
 * and the broker to make progress: Redis may be away.
 */
export interface RelayLease {
  /** Holds (or takes, or renews) the lease; false while another instance holds it. */
  hold(): Promise<boolean>;
  release(): Promise<void>;
}

/** Remembers which message ids reached the broker, for the reconciler (see PublishedMessages). */
export interface PublishedLog {
  record(ids: readonly string[]): Promise<void>;
}

/** Fills an event in from its document as it is at publish time (e.g. the current counts). */
export type OutboxEnrichment = (event: CloudEvent, document: Readonly<Record<string, unknown>>) => CloudEvent;

export interface OutboxRelayOptions {
  lease?: RelayLease;
  published?: PublishedLog;
  pollIntervalMs: number;
  /**
   * While scans for pending entries find nothing, the wait before the next doubles from
   * `pollIntervalMs` up to this: on a store that reads every document to find pending ones
   * (FerretDB), a relay scanning 4 times a second kept it busy in proportion to the data.
   * A scan that finds entries brings the wait back; writes told to `kick` are read by `_id`.
   */
  idlePollMaxMs?: number;
  batchSize: number;
  maxBackoffMs: number;
  /** By the name an outbox entry gives in `enrich`. */
  enrichments?: Record<string, OutboxEnrichment>;
  /** Told the number of entries left pending after each pass. */
  onPending?: (pending: number) => void;
  /** Told, for each entry the broker acknowledged, how long it waited since it was written (seconds). */
  onRelayed?: (waitedSeconds: number) => void;
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
  /** Scans in a row that found nothing. */
  private emptyScans = 0;
  private nextScanAt = 0;
  /** Documents written with entries since the last pass, by collection: read by `_id` rather than scanned for. */
  private readonly written = new Map<string, Set<string>>();
  private stopped = true;
  private rerun = false;
  private lastPass: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly outbox: OutboxStore,
    private readonly bus: MessageBus,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {}

  /** Scans at once, then as `idlePollMaxMs` says. */
  start() {
    this.stopped = false;
    this.emptyScans = 0;
    this.nextScanAt = 0;
    this.schedule(0);
  }

  /** Called after a write with domain events so they leave at once, read by `_id`, instead of at the next scan. */
  kick(written: OutboxTarget) {
    if (this.stopped) return;
    const ids = this.written.get(written.collection) ?? new Set<string>();
    this.written.set(written.collection, ids.add(written.id));
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
      await this.options.lease?.release();
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
        if (!(await this.holdsLease())) {
          // Another instance relays; its scans find these.
          this.written.clear();
        } else if (Date.now() >= this.nextScanAt) {
          const startedMicros = Date.now() * 1000;
          const { published, oldestSeq } = await this.scan();
          // Entries written just before the scan are this instance's, on their way to a pass
          // by `_id`; only older ones (another instance's, or left by a failure) keep it scanning.
          const foundLeftovers = oldestSeq !== null && oldestSeq < startedMicros - IN_FLIGHT_MS * 1000;
          this.emptyScans = foundLeftovers ? 0 : this.emptyScans + 1;
          // A full batch suggests more is waiting.
          this.nextScanAt = published >= this.options.batchSize ? 0 : Date.now() + this.scanWait();
        } else {
          await this.publishWritten();
        }
        this.failures = 0;
        next = this.written.size > 0 ? 0 : Math.max(0, this.nextScanAt - Date.now());
      } catch (error) {
        this.failures += 1;
        // What was left goes with the next pass, a scan.
        this.nextScanAt = 0;
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

  private scanWait(): number {
    const { pollIntervalMs, idlePollMaxMs = pollIntervalMs } = this.options;
    return Math.max(pollIntervalMs, Math.min(idlePollMaxMs, pollIntervalMs * 2 ** Math.max(0, this.emptyScans - 1)));
  }

  private holdsLease(): Promise<boolean> {
    return this.options.lease ? this.options.lease.hold() : Promise.resolve(true);
  }

  /**
   * One pass over every outbox collection, scanning for pending entries; returns how many
   * events were published. Passes never overlap, so a caller's flush also waits for a pass
   * already under way.
   */
  async flush(): Promise<number> {
    return (await this.scan()).published;
  }

  private scan(): Promise<PassResult> {
    this.written.clear();
    return this.serially(this.outbox.collections, (collection) => this.outbox.pending(collection, this.options.batchSize));
  }

  /** A pass over the documents written since the last one, each read by `_id`. */
  private publishWritten(): Promise<PassResult> {
    const written = new Map(this.written);
    this.written.clear();
    return this.serially([...written.keys()], (collection) => this.outbox.pendingAmong(collection, [...written.get(collection)!]));
  }

  private serially(collections: readonly string[], read: (collection: string) => Promise<PendingDocument[]>): Promise<PassResult> {
    const pass = this.lastPass.then(() => this.pass(collections, read));
    this.lastPass = pass.catch(() => undefined);
    return pass;
  }

  private async pass(collections: readonly string[], read: (collection: string) => Promise<PendingDocument[]>): Promise<PassResult> {
    let published = 0;
    let pending = 0;
    let oldestSeq: number | null = null;
    for (const collection of collections) {
      const docs = await read(collection);
      for (const doc of docs) {
        const first = doc.entries[0]?.entry.seq;
        if (first !== undefined && (oldestSeq === null || first < oldestSeq)) oldestSeq = first;
      }
      const messages = docs.flatMap((doc) => doc.entries.map(({ entry }) => this.message(entry.event, entry.enrich, doc)));
      pending += messages.length;
      if (messages.length === 0) continue;
      await this.bus.publish(messages);
      this.reportDelays(docs);
      // Before the entries leave their documents: a crash in between publishes them again, never loses them.
      await this.options.published?.record(docs.flatMap((doc) => doc.entries.map(({ id }) => id)));
      await this.acknowledgeAll(docs);
      published += messages.length;
    }
    this.options.onPending?.(pending - published);
    return { published, oldestSeq };
  }

  private reportDelays(docs: readonly PendingDocument[]) {
    const { onRelayed } = this.options;
    if (!onRelayed) return;
    // `seq` is microseconds since the epoch (see OutboxWriter).
    const nowMicros = Date.now() * 1000;
    for (const doc of docs) for (const { entry } of doc.entries) onRelayed(Math.max(0, nowMicros - entry.seq) / 1e6);
  }

  /**
   * Removes the published entries from their documents, several documents at a time: each
   * removal may wait for writes of its document queued before it (the per-document lock on
   * FerretDB), and waiting for them one document after another let the backlog grow under
   * load (with it every write of those documents, which carry the entries, grew slower).
   */
  private async acknowledgeAll(docs: readonly PendingDocument[]): Promise<void> {
    // The entries of a failed removal stay, and are published again on a later pass.
    await inSlices(docs, ACKNOWLEDGED_AT_ONCE, (doc) => this.outbox.acknowledge(doc, doc.entries.map(({ id }) => id)));
  }

  private message(event: CloudEvent, enrich: string | undefined, doc: PendingDocument): OutgoingMessage {
    const enrichment = enrich ? this.options.enrichments?.[enrich] : undefined;
    if (enrich && !enrichment) this.logger.warn({ enrich, type: event.type }, 'outbox: unknown enrichment; published as stored');
    const published = enrichment ? enrichment(event, doc.document) : event;
    return {
      topic: topicOf(published.type),
      key: published.subject,
      value: JSON.stringify(published),
      // Structured mode: the whole CloudEvent is the body, so no ce-* headers.
      headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
      ...(published.traceparent ? { trace: { traceparent: published.traceparent, ...(published.tracestate ? { tracestate: published.tracestate } : {}) } } : {}),
    };
  }
}
