import { DuplicateKeyError, type DocumentCollection, type DocumentStore, type StoredDocument } from './documents.js';

/** One record per message id the broker acknowledged: `_id` is the CloudEvent id. */
export const PUBLISHED_MESSAGES = 'published_messages';

interface PublishedMessage extends StoredDocument {
  publishedAt: Date;
}

/**
 * The ids of messages the relay published, written (inserts only, so safe on any store)
 * before their outbox entries are removed. The reconciler asks it which recorded answers
 * never had their message written: an id neither here nor in its event's outbox. Pruned
 * by the housekeeping job.
 */
export class PublishedMessages {
  private readonly records: DocumentCollection<PublishedMessage>;

  constructor(store: DocumentStore) {
    this.records = store.collection<PublishedMessage>(PUBLISHED_MESSAGES);
  }

  ensureIndexes(): Promise<void> {
    return this.records.createIndexes([{ key: { publishedAt: 1 }, name: 'publishedAt' }]);
  }

  async record(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const publishedAt = new Date();
    try {
      await this.records.insertMany(ids.map((_id) => ({ _id, publishedAt })));
    } catch (error) {
      // Published again after a crash: the ones before it are recorded, and an id the
      // reconciler cannot find costs at most one more publish of it.
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
  }

  /** Which of `ids` were published; one round trip. */
  async known(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    return new Set((await this.records.find({ _id: { $in: [...ids] } })).map((record) => record._id));
  }

  pruneBefore(before: Date): Promise<number> {
    return this.records.deleteMany({ publishedAt: { $lt: before } });
  }
}
