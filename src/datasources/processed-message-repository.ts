import { DuplicateKeyError, type DocumentCollection, type DocumentStore, type StoredDocument } from './documents.js';

/** One record per handled event and consumer: `_id` is `<consumer>:<event id>`. */
export const PROCESSED_MESSAGES = 'processed_messages';

export interface ProcessedMessage extends StoredDocument {
  consumer: string;
  eventId: string;
  type: string;
  topic: string;
  partition: number;
  offset: string;
  processedAt: Date;
}

/**
 * The ids of handled events, which turn a redelivery into a no-op. Kept at least as long
 * as a message can be redelivered (the topics' retention); the housekeeping job prunes
 * older ones.
 */
export class ProcessedMessages {
  private readonly records: DocumentCollection<ProcessedMessage>;

  constructor(store: DocumentStore) {
    this.records = store.collection<ProcessedMessage>(PROCESSED_MESSAGES);
  }

  ensureIndexes(): Promise<void> {
    return this.records.createIndexes([{ key: { processedAt: 1 }, name: 'processedAt' }]);
  }

  async has(consumer: string, eventId: string): Promise<boolean> {
    return (await this.records.findOne({ _id: recordId(consumer, eventId) })) !== null;
  }

  async mark(record: Omit<ProcessedMessage, '_id'>): Promise<void> {
    try {
      await this.records.insertOne({ _id: recordId(record.consumer, record.eventId), ...record });
    } catch (error) {
      // A concurrent delivery of the same event got there first; its effect is ours too.
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
  }

  /** Removes records processed before `before`; returns how many. */
  pruneBefore(before: Date): Promise<number> {
    return this.records.deleteMany({ processedAt: { $lt: before } });
  }
}

function recordId(consumer: string, eventId: string): string {
  return `${consumer}:${eventId}`;
}
