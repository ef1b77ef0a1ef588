import { MongoClient, MongoServerError, type Collection, type Db, type Document, type UpdateFilter } from 'mongodb';
import {
  DuplicateKeyError,
  type DocumentCollection,
  type DocumentStore,
  type Filter,
  type FindOneAndUpdateOptions,
  type FindOptions,
  type IndexSpec,
  type StoredDocument,
  type Update,
  type UpdateOptions,
  upsertSeed,
} from '../documents.js';
import { callDatastore, type DatastoreInstruments } from '../driver-errors.js';
import { compileFilter } from '../filter-predicate.js';
import { DOCUMENT_LOCKS, DocumentLocks, documentKeyOf, type LockDocument, type LockHold, type WriteIsolation } from './document-locks.js';
import { LEASES } from '../store-lease.js';

const DUPLICATE_KEY = 11000;

/** The `comment` of the reads a lock hold makes of its document, so command monitoring can tell them from the callers' reads. */
export const LOCKED_READ = 'locked document';

/** Collections with a locking protocol of their own (inserts with a unique `_id`). */
const SELF_LOCKING: ReadonlySet<string> = new Set([DOCUMENT_LOCKS, LEASES]);

export interface MongoStoreOptions {
  url: string;
  database: string;
  /**
   * Called for every command sent to the server, with its collection when it has one and
   * the command itself (a lock's read has the `comment` LOCKED_READ); tests count round trips with it.
   */
  onCommand?: (commandName: string, collection: string | null, command: Readonly<Record<string, unknown>>) => void;
  instruments?: DatastoreInstruments;
  /** Whether the store isolates concurrent updates of one document; `auto` asks it (`buildInfo`). */
  isolation?: WriteIsolation | 'auto';
  /** Cross-instance lock settings, used when the store does not isolate. */
  locks?: { holder: string; ttlMs: number; waitMs: number };
  /** The call timeout (see DependencyGuard); the driver's connection waits are at least 5 s. */
  timeoutMs?: number;
}

/** FerretDB names itself in `buildInfo`; it does not isolate concurrent updates of one document (1.x). */
export function isolationOf(buildInfo: Record<string, unknown>): WriteIsolation {
  return 'ferretdbVersion' in buildInfo ? 'lock' : 'store';
}

interface WrittenOptions<T, R> {
  /** What the write answers when the document does not match its filter. */
  missed: R;
  upsert?: boolean;
  ahead?: boolean;
  /** The document as the write left it, when its answer holds it. */
  seen?: (result: R) => T | null;
}

/** The port's update shape is a subset of the driver's; only its index types differ. */
const asDriverUpdate = (update: Update) => update as unknown as UpdateFilter<Document>;

class MongoDocumentCollection<T extends StoredDocument> implements DocumentCollection<T> {
  private readonly translate = (error: unknown) =>
    error instanceof MongoServerError && error.code === DUPLICATE_KEY ? new DuplicateKeyError(this.name, error.message) : null;

  constructor(
    private readonly name: string,
    private readonly raw: Collection<Document>,
    /** Null when the store isolates updates of one document itself. */
    private readonly locks: DocumentLocks | null,
    private readonly instruments: DatastoreInstruments | undefined,
  ) {}

  private timed<R>(op: string, run: () => Promise<R>, slow = false): Promise<R> {
    return callDatastore('mongodb', `${this.name}.${op}`, run, { instruments: this.instruments, translate: this.translate, slow });
  }

  /**
   * Writes of one document by `_id`, under that document's lock on a store that does not
   * isolate concurrent updates of one document (see DocumentLocks); straight through
   * otherwise. `writes` gets the lock's hold, null without one.
   */
  private locked<R>(filter: Filter, writes: (hold: LockHold | null) => Promise<R>, ahead = false): Promise<R> {
    const key = this.locks && !SELF_LOCKING.has(this.name) ? documentKeyOf(this.name, filter) : null;
    return key ? this.locks!.run(key, writes, { ahead }) : writes(null);
  }

  /** One timed write of one document, under its lock where the store needs one (see written). */
  private serialised<R>(filter: Filter, op: string, write: (sent: Filter) => Promise<R>, options: WrittenOptions<T, R>): Promise<R> {
    return this.locked(filter, (hold) => this.written(filter, hold, op, write, options), options.ahead);
  }

  /**
   * A timed write sent with the filter `narrowed` gives under a hold (`options.missed` when
   * the document does not match, with nothing sent); what the write returns of the
   * document (`options.seen`) is what the hold knows of it next.
   */
  private async written<R>(filter: Filter, hold: LockHold | null, op: string, write: (sent: Filter) => Promise<R>, options: WrittenOptions<T, R>): Promise<R> {
    if (!hold) return this.timed(op, () => write(filter));
    const sent = await this.narrowed(filter, hold, options.upsert ?? false);
    if (!sent) return options.missed;
    hold.document = undefined;
    const result = await this.timed(op, () => write(sent));
    hold.document = (options.seen?.(result) as Readonly<Record<string, unknown>> | null | undefined) ?? undefined;
    return result;
  }

  /**
   * The filter to send for a write of the locked document; null when the document does not
   * match (nothing to send). FerretDB 1.x finds a document by its `_id` only when the filter
   * is that alone; any other term makes it read and decode every document of the collection
   * (20 events with pending outbox entries: 30.6 ms, against 18.8 ms for a read and a write
   * by `_id`). Nothing else writes the document while the lock is held, so the other terms
   * are checked here, against the document as this hold last saw it (read by `_id` when it
   * has not), and the write names the `_id` alone. An upsert of a missing document goes out
   * as it is, so the store creates it.
   */
  private async narrowed(filter: Filter, hold: LockHold, upsert: boolean): Promise<Filter | null> {
    if (Object.keys(filter).length === 1) return filter;
    const matches = compileFilter(filter);
    if (!matches) return filter;
    const byId: Filter = { _id: filter._id };
    if (hold.document === undefined) hold.document = await this.timed('findOneLocked', () => this.raw.findOne(byId, { comment: LOCKED_READ }));
    if (hold.document && matches(hold.document)) return byId;
    // An upsert inserts when nothing matches, which an existing `_id` refuses (as MongoDB does).
    if (hold.document && upsert) throw new DuplicateKeyError(this.name, `E11000 duplicate key: _id ${String(filter._id)} exists and does not match the filter`);
    return upsert ? filter : null;
  }

  /**
   * The document an upsert of `update` would create, inserted as it is; null when one with
   * its `_id` exists, or when the update is not plain `$set`/`$setOnInsert` of top-level fields.
   */
  private async insertUpserted(filter: Filter, update: Update): Promise<T | null> {
    const { $set = {}, $setOnInsert = {}, ...others } = update;
    if (Object.keys(others).length > 0 || [...Object.keys($set), ...Object.keys($setOnInsert)].some((key) => key.includes('.'))) return null;
    const doc = { ...upsertSeed(filter), ...$setOnInsert, ...$set } as unknown as T;
    if (typeof doc._id !== 'string') return null;
    try {
      await this.insertOne(doc);
      return doc;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return null;
      throw error;
    }
  }

  findOne(filter: Filter) {
    return this.timed('findOne', async () => (await this.raw.findOne(filter)) as unknown as T | null);
  }

  find(filter: Filter, options: FindOptions = {}) {
    return this.timed('find', async () => {
      let cursor = this.raw.find(filter);
      if (options.sort) cursor = cursor.sort(options.sort);
      if (options.skip) cursor = cursor.skip(options.skip);
      // A single batch: the page is bounded, so one round trip fetches it whole.
      if (options.limit !== undefined) cursor = cursor.limit(options.limit).batchSize(options.limit + 1);
      return (await cursor.toArray()) as unknown as T[];
    });
  }

  count(filter: Filter) {
    return this.timed('count', () => this.raw.countDocuments(filter));
  }

  insertOne(doc: T) {
    return this.timed('insertOne', async () => {
      await this.raw.insertOne(doc as Document);
    });
  }

  insertMany(docs: T[]) {
    return this.timed('insertMany', async () => {
      if (docs.length > 0) await this.raw.insertMany(docs as Document[], { ordered: true });
    });
  }

  updateOne(filter: Filter, update: Update, options: UpdateOptions = {}) {
    const upsert = options.upsert ?? false;
    return this.serialised(
      filter,
      'updateOne',
      async (sent) => {
        const result = await this.raw.updateOne(sent, asDriverUpdate(update), { upsert: upsert && sent === filter });
        return { matched: result.matchedCount, upserted: result.upsertedCount > 0 };
      },
      { missed: { matched: 0, upserted: false }, upsert, ahead: options.ahead ?? false },
    );
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}) {
    const returnDocument = options.returnDocument ?? 'after';
    const upsert = options.upsert ?? false;
    // FerretDB 1.x reads every document of the collection for an upsert of a missing one,
    // and decodes each when the filter is more than an `_id`; its insert is an index check.
    // An insert needs no lock: it lands whole or meets the existing document, and a locked
    // write of that document finds it there or not at all.
    if (upsert && options.likelyNew && this.locks) {
      const inserted = await this.insertUpserted(filter, update);
      if (inserted) return returnDocument === 'before' ? null : inserted;
    }
    return this.locked(filter, async (hold) => {
      // No `projection` here: FerretDB rejects it on findAndModify.
      return this.written(
        filter,
        hold,
        'findOneAndUpdate',
        async (sent) => (await this.raw.findOneAndUpdate(sent, asDriverUpdate(update), { upsert: upsert && sent === filter, returnDocument })) as unknown as T | null,
        { missed: null, upsert, seen: (result) => (returnDocument === 'after' ? result : null) },
      );
    }, options.ahead);
  }

  updateMany(filter: Filter, update: Update) {
    return this.timed('updateMany', async () => (await this.raw.updateMany(filter, asDriverUpdate(update))).matchedCount);
  }

  deleteOne(filter: Filter) {
    return this.serialised(filter, 'deleteOne', async (sent) => (await this.raw.deleteOne(sent)).deletedCount, { missed: 0 });
  }

  findOneAndDelete(filter: Filter) {
    return this.serialised(filter, 'findOneAndDelete', async (sent) => (await this.raw.findOneAndDelete(sent)) as unknown as T | null, { missed: null });
  }

  deleteMany(filter: Filter) {
    return this.timed('deleteMany', async () => (await this.raw.deleteMany(filter)).deletedCount);
  }

  countBy(filter: Filter, field: string) {
    return this.timed('countBy', async () => {
      const rows = await this.raw
        .aggregate<{ _id: unknown; n: number }>([{ $match: filter }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }])
        .toArray();
      return new Map(rows.map((row) => [String(row._id), row.n]));
    });
  }

  createIndexes(indexes: IndexSpec[]) {
    return this.timed('createIndexes', async () => {
      // Only the missing ones: FerretDB 1.24 drops the connection when asked to create
      // an index that already exists, which every restart would otherwise do.
      const missing = await this.missingIndexes(indexes);
      if (missing.length === 0) return;
      try {
        await this.raw.createIndexes(missing.map((index) => ({ key: index.key, name: index.name, ...(index.unique ? { unique: true } : {}) })));
      } catch (error) {
        // Instances starting together race to create them; whoever lost finds them made.
        if ((await this.missingIndexes(indexes)).length > 0) throw error;
      }
    }, true);
  }

  private async missingIndexes(indexes: IndexSpec[]): Promise<IndexSpec[]> {
    const existing = await this.raw
      .listIndexes()
      .toArray()
      .then((found) => new Set(found.map((index) => String(index.name))))
      .catch(() => new Set<string>());
    return indexes.filter((index) => !existing.has(index.name));
  }
}

export class MongoDocumentStore implements DocumentStore {
  readonly kind = 'mongodb' as const;
  private readonly db: Db;
  private readonly locks: DocumentLocks | null;

  private constructor(
    private readonly client: MongoClient,
    database: string,
    private readonly instruments: DatastoreInstruments | undefined,
    readonly isolation: WriteIsolation,
    lockOptions: MongoStoreOptions['locks'],
  ) {
    this.db = client.db(database);
    this.locks =
      isolation === 'lock'
        ? new DocumentLocks(this.collection<LockDocument>(DOCUMENT_LOCKS), lockOptions ?? { holder: `pid-${process.pid}`, ttlMs: 5_000, waitMs: 2_000 })
        : null;
  }

  static async connect(options: MongoStoreOptions): Promise<MongoDocumentStore> {
    // Connecting may take longer than a call may (a loaded or just-started server): each
    // call is bounded by its guard's timeout, the driver's own waits by at least 5 s.
    const connectMs = Math.max(5_000, options.timeoutMs ?? 0);
    const client = new MongoClient(options.url, {
      monitorCommands: options.onCommand !== undefined,
      serverSelectionTimeoutMS: connectMs,
      connectTimeoutMS: connectMs,
    });
    if (options.onCommand) {
      const onCommand = options.onCommand;
      client.on('commandStarted', (event) => {
        const command = event.command as Record<string, unknown>;
        const target = command[event.commandName];
        onCommand(event.commandName, typeof target === 'string' ? target : null, command);
      });
    }
    await client.connect();
    let isolation = options.isolation ?? 'auto';
    if (isolation === 'auto') {
      try {
        isolation = isolationOf(await client.db('admin').command({ buildInfo: 1 }));
      } catch (error) {
        await client.close();
        throw error;
      }
    }
    return new MongoDocumentStore(client, options.database, options.instruments, isolation, options.locks);
  }

  collection<T extends StoredDocument>(name: string): DocumentCollection<T> {
    return new MongoDocumentCollection<T>(name, this.db.collection(name), name === DOCUMENT_LOCKS ? null : this.locks, this.instruments);
  }

  /** Lock documents and takeover claims expired before `before` (housekeeping); 0 where no locks are used. */
  pruneLocks(before: Date): Promise<number> {
    return this.locks?.pruneExpired(before) ?? Promise.resolve(0);
  }

  async ping() {
    await callDatastore('mongodb', 'ping', () => this.db.command({ ping: 1 }), { instruments: this.instruments });
  }

  /** A ping past the breaker, for its background probe. */
  async probe() {
    await this.db.command({ ping: 1 });
  }

  async dropDatabase() {
    await this.db.dropDatabase();
  }

  async close() {
    await this.client.close();
  }
}
