import { inSlices } from '../concurrency/in-slices.js';
import type { DocumentStore } from './documents.js';
import type { OutboxEntry } from './outbox.js';

/** A document with pending outbox entries, as the relay sees it. */
export interface PendingDocument {
  collection: string;
  _id: string;
  /** Entries in publish order. */
  entries: { id: string; entry: OutboxEntry }[];
  /** The whole document, for publish-time enrichments. */
  document: Readonly<Record<string, unknown>>;
  /** A deleted document kept only until its outbox is flushed. */
  deleted: boolean;
}

interface OutboxDocument {
  _id: string;
  outbox?: Record<string, OutboxEntry>;
  outboxCount?: number;
  outboxSince?: number;
  deleted?: boolean;
}

const READ_AT_ONCE = 32;

function asPending(collection: string, doc: OutboxDocument): PendingDocument {
  return {
    collection,
    _id: doc._id,
    entries: Object.entries(doc.outbox ?? {})
      .sort(([, a], [, b]) => a.seq - b.seq)
      .map(([id, entry]) => ({ id, entry })),
    document: doc as unknown as Record<string, unknown>,
    deleted: doc.deleted === true,
  };
}

/** Entries waiting over all outbox collections, and how long the oldest has waited. */
export interface OutboxBacklog {
  entries: number;
  documents: number;
  oldestAgeSeconds: number | null;
}

/** The outbox side of the collections whose documents carry one: finding, acknowledging, counting. */
export class OutboxStore {
  constructor(
    private readonly store: DocumentStore,
    readonly collections: readonly string[],
  ) {}

  /** Up to `limit` documents with pending entries in `collection` (one indexed query). */
  async pending(collection: string, limit: number): Promise<PendingDocument[]> {
    const docs = await this.store.collection<OutboxDocument>(collection).find({ outboxCount: { $gt: 0 } }, { limit });
    return docs.map((doc) => asPending(collection, doc));
  }

  /**
   * Those of documents `ids` that have pending entries, each read by its `_id` (FerretDB
   * reads every document for any other filter, `$in` included), up to 32 at a time.
   */
  async pendingAmong(collection: string, ids: readonly string[]): Promise<PendingDocument[]> {
    const docs = await inSlices(ids, READ_AT_ONCE, (_id) => this.store.collection<OutboxDocument>(collection).findOne({ _id }));
    return docs.flatMap((doc) => (doc && (doc.outboxCount ?? 0) > 0 ? [asPending(collection, doc)] : []));
  }

  /**
   * Removes published entries. When another relay removed some first, what is left is
   * removed one by one, so the count only moves for entries this call removed. A
   * deleted document goes once its outbox is empty.
   */
  async acknowledge(doc: PendingDocument, ids: readonly string[]): Promise<void> {
    const collection = this.store.collection<OutboxDocument>(doc.collection);
    const present = Object.fromEntries(ids.map((id) => [`outbox.${id}`, { $exists: true }]));
    const unset = Object.fromEntries(ids.map((id) => [`outbox.${id}`, '' as const]));
    // Usually these are all it holds: the outbox empties, and its age with it.
    const ahead = { ahead: true };
    const emptied = await collection.updateOne({ _id: doc._id, ...present, outboxCount: ids.length }, { $unset: { ...unset, outboxSince: '' }, $set: { outboxCount: 0 } }, ahead);
    const all = emptied.matched === 1 ? emptied : await collection.updateOne({ _id: doc._id, ...present }, { $unset: unset, $inc: { outboxCount: -ids.length } }, ahead);
    if (all.matched === 0) {
      for (const id of ids) {
        await collection.updateOne(
          { _id: doc._id, [`outbox.${id}`]: { $exists: true } },
          { $unset: { [`outbox.${id}`]: '' }, $inc: { outboxCount: -1 } },
          ahead,
        );
      }
    }
    if (doc.deleted) await collection.deleteOne({ _id: doc._id, deleted: true, outboxCount: 0 });
  }

  /**
   * Entries waiting (not documents: one event can hold many) and the age of the oldest,
   * over every outbox collection; two indexed reads per collection.
   */
  async backlog(now = Date.now()): Promise<OutboxBacklog> {
    let entries = 0;
    let documents = 0;
    let oldest = Number.POSITIVE_INFINITY;
    await Promise.all(
      this.collections.map(async (name) => {
        const collection = this.store.collection<OutboxDocument>(name);
        const [perCount, [first]] = await Promise.all([
          collection.countBy({ outboxCount: { $gt: 0 } }, 'outboxCount'),
          collection.find({ outboxCount: { $gt: 0 } }, { sort: { outboxSince: 1 }, limit: 1 }),
        ]);
        for (const [count, docs] of perCount) {
          entries += Number(count) * docs;
          documents += docs;
        }
        if (first?.outboxSince !== undefined) oldest = Math.min(oldest, first.outboxSince);
      }),
    );
    // `seq` is microseconds since the epoch (see OutboxWriter).
    return { entries, documents, oldestAgeSeconds: Number.isFinite(oldest) ? Math.max(0, Math.round((now - oldest / 1000) / 1000)) : null };
  }
}
