import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedQueue } from '../../concurrency/keyed-queue.js';
import { DuplicateKeyError, type DocumentCollection, type StoredDocument } from '../documents.js';
import { DatastoreError } from '../driver-errors.js';

/**
 * How writes of one document are kept from interleaving:
 * - `store`: the store isolates concurrent updates of one document (MongoDB locks per
 *   document), so writes go straight through;
 * - `lock`: it does not (FerretDB 1.x reads a document and writes it back with no
 *   isolation: 100 concurrent `$inc` on one document left 16), so writes of one document
 *   queue within this process and hold a lock document across instances.
 */
export type WriteIsolation = 'store' | 'lock';

/** The collection holding the lock documents. */
export const DOCUMENT_LOCKS = 'document_locks';

export interface LockDocument extends StoredDocument {
  holder: string;
  token: string;
  expiresAt: Date;
}

export interface DocumentLockOptions {
  /** Names this instance in the lock documents it holds. */
  holder: string;
  /** A holder that died frees its locks after this. */
  ttlMs: number;
  /** How long a write waits for a lock before failing with DocumentBusyError. */
  waitMs: number;
}

/** A write that could not get its document's lock in time: the store is there, the document is busy. */
export class DocumentBusyError extends DatastoreError {
  constructor(key: string, waitedMs: number) {
    super('mongodb', 'lock', null, `document ${key} stayed locked by another instance for ${waitedMs} ms`);
    this.name = 'DocumentBusyError';
  }
}

/**
 * What the writes of one hold share. Nothing else writes a document while its lock is
 * held, so what one write saw of it stays true for the next.
 */
export interface LockHold {
  /** The document as last read or returned under this hold (null: there is none); undefined when not known. */
  document: Readonly<Record<string, unknown>> | null | undefined;
}

interface Held extends LockHold {
  token: string;
  since: number;
  uses: number;
}

/** Writes queued in this process one after another under one lock, at most… */
const MAX_USES_PER_HOLD = 16;
/** …and for at most this long (or a quarter of the TTL), so other instances get their turn well within their wait. */
const MAX_HOLD_MS = 200;
const FIRST_PAUSE_MS = 2;
const MAX_PAUSE_MS = 40;
/** Failed inserts between two looks at whether the holder's time ran out. */
const EXPIRY_CHECK_EVERY = 4;

/**
 * Per-document locks shared by every instance, as documents with a unique `_id`: an
 * insert is atomic on every MongoDB-compatible store (FerretDB included), so of several
 * instances inserting the same lock exactly one succeeds. Writes of one document also
 * queue within the process; the lock is kept while more writes of that document wait
 * here (up to 16, for at most 200 ms), so a burst pays the two lock round trips
 * once rather than per write. A lock whose holder died is broken once it expired, by the
 * one waiter that wins an insert of a takeover claim naming it.
 */
export class DocumentLocks {
  private readonly queue = new KeyedQueue();
  private readonly queued = new Map<string, number>();
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly locks: DocumentCollection<LockDocument>,
    private readonly options: DocumentLockOptions,
  ) {}

  /** Runs `write` holding the lock of document `key`, after the writes of it queued before (or, `ahead`, before those waiting). */
  run<R>(key: string, write: (hold: LockHold) => Promise<R>, options: { ahead?: boolean } = {}): Promise<R> {
    this.queued.set(key, (this.queued.get(key) ?? 0) + 1);
    return this.queue.run(key, async () => {
      const othersWaiting = () => (this.queued.get(key) ?? 1) > 1;
      try {
        let held = this.held.get(key);
        if (!held) {
          held = await this.acquire(key);
          this.held.set(key, held);
        }
        held.uses += 1;
        try {
          return await write(held);
        } finally {
          const keep = othersWaiting() && held.uses < MAX_USES_PER_HOLD && Date.now() - held.since < Math.min(MAX_HOLD_MS, this.options.ttlMs / 4);
          if (!keep) {
            this.held.delete(key);
            await this.release(key, held);
          }
        }
      } finally {
        const left = (this.queued.get(key) ?? 1) - 1;
        if (left > 0) this.queued.set(key, left);
        else this.queued.delete(key);
      }
    }, options);
  }

  private async acquire(key: string): Promise<Held> {
    const started = Date.now();
    const deadline = started + this.options.waitMs;
    let pause = FIRST_PAUSE_MS;
    for (let attempt = 1; ; attempt++) {
      const token = randomUUID();
      const now = Date.now();
      try {
        await this.locks.insertOne({ _id: key, holder: this.options.holder, token, expiresAt: new Date(now + this.options.ttlMs) });
        return { token, since: now, uses: 0, document: undefined };
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
      }
      if (attempt % EXPIRY_CHECK_EVERY === 0 && (await this.breakIfExpired(key))) continue;
      if (Date.now() + pause > deadline) throw new DocumentBusyError(key, Date.now() - started);
      await sleep(pause * (0.5 + Math.random()));
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }

  /** Removes the lock if its holder's time ran out; only the waiter that claims the takeover does. */
  private async breakIfExpired(key: string): Promise<boolean> {
    const current = await this.locks.findOne({ _id: key });
    if (!current) return true;
    if (current.expiresAt.getTime() > Date.now()) return false;
    try {
      await this.locks.insertOne({ _id: `${key}#takeover#${current.token}`, holder: this.options.holder, token: current.token, expiresAt: current.expiresAt });
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
    await this.locks.deleteOne({ _id: key, token: current.token });
    return true;
  }

  private async release(key: string, held: Held): Promise<void> {
    // Others break a lock only once it expired, so within half its time to live (clocks
    // apart by less than that) it is still this one, and goes by `_id` alone: FerretDB
    // reads and decodes every lock document for any other filter (2.1 against 1.1 ms among 40 locks).
    const stillOurs = Date.now() - held.since < this.options.ttlMs / 2;
    // A failed release leaves the lock to expire; the write it guarded stands.
    await this.locks.deleteOne(stillOurs ? { _id: key } : { _id: key, token: held.token }).catch(() => undefined);
  }

  /** Removes lock documents and takeover claims that expired before `before`; returns how many. */
  pruneExpired(before: Date): Promise<number> {
    return this.locks.deleteMany({ expiresAt: { $lt: before } });
  }
}

/** The lock key of the single document a filter names by a plain `_id`, if any. */
export function documentKeyOf(collection: string, filter: Record<string, unknown>): string | null {
  const id = filter._id;
  return typeof id === 'string' ? `${collection}:${id}` : null;
}
