import { DuplicateKeyError, type DocumentCollection, type DocumentStore, type StoredDocument } from './documents.js';

/** Dead letters the dead-letter topic could not take as they are. */
export const DEAD_LETTERS = 'dead_letters';

/** Largest value kept in a record; the rest of a larger one is cut (documents stop at 16 MiB). */
const MAX_STORED_VALUE_BYTES = 8 * 1024 * 1024;

export interface DeadLetterRecord extends StoredDocument {
  consumer: string;
  groupId: string;
  reason: string;
  error: string;
  attempts: number;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The original value (null for a tombstone), cut only beyond 8 MiB. */
  value: string | null;
  valueBytes: number;
  valueTruncated: boolean;
  /** As pairs: header names may hold `.` or `$`, which field names may not. */
  headers: { name: string; value: string }[];
  eventId: string | null;
  eventType: string | null;
  /** Why the topic did not take it: `too_large`, or `publish_failed` after every attempt. */
  cause: 'too_large' | 'publish_failed';
  /** Whether a truncated copy pointing here reached the dead-letter topic. */
  copyOnTopic: boolean;
  failedAt: Date;
}

export type NewDeadLetterRecord = Omit<DeadLetterRecord, '_id' | 'valueBytes' | 'valueTruncated' | 'copyOnTopic' | 'headers'> & {
  headers: Record<string, string>;
};

/** The `dead_letters` collection: one record per consumer and original position. */
export class DeadLetterStore {
  private readonly records: DocumentCollection<DeadLetterRecord>;

  constructor(store: DocumentStore) {
    this.records = store.collection<DeadLetterRecord>(DEAD_LETTERS);
  }

  ensureIndexes(): Promise<void> {
    return this.records.createIndexes([
      { key: { failedAt: 1 }, name: 'failedAt' },
      { key: { eventId: 1 }, name: 'eventId' },
    ]);
  }

  /** Idempotent by position, so a redelivered message is recorded once; returns the record id. */
  async record(letter: NewDeadLetterRecord): Promise<string> {
    const _id = `${letter.consumer}:${letter.topic}:${letter.partition}:${letter.offset}`;
    const valueBytes = letter.value === null ? 0 : Buffer.byteLength(letter.value);
    const valueTruncated = valueBytes > MAX_STORED_VALUE_BYTES;
    try {
      await this.records.insertOne({
        ...letter,
        _id,
        value: valueTruncated && letter.value !== null ? utf8Prefix(letter.value, MAX_STORED_VALUE_BYTES) : letter.value,
        valueBytes,
        valueTruncated,
        headers: Object.entries(letter.headers).map(([name, value]) => ({ name, value })),
        copyOnTopic: false,
      });
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
    return _id;
  }

  async markCopied(id: string): Promise<void> {
    await this.records.updateOne({ _id: id }, { $set: { copyOnTopic: true } });
  }

  findById(id: string): Promise<DeadLetterRecord | null> {
    return this.records.findOne({ _id: id });
  }

  /** Removes records of dead letters that failed before `before`; returns how many. */
  pruneBefore(before: Date): Promise<number> {
    return this.records.deleteMany({ failedAt: { $lt: before } });
  }
}

/** The longest prefix of `text` within `maxBytes` of UTF-8, never splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) so the cut falls between characters.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}
