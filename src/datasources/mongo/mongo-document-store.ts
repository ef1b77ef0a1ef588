import { MongoClient, MongoServerError, type Collection, type Db, type Document, type UpdateFilter } from 'mongodb';
import {
  DuplicateKeyError,
  type DocumentCollection,
  type DocumentStore,
  type Filter,
  type FindOptions,
  type IndexSpec,
  type StoredDocument,
  type Update,
} from '../documents.js';
import type { DatastoreLatency } from '../../observability/metrics.js';
import { callDatastore } from '../driver-errors.js';
import { DocumentLocks, documentKeyOf } from './document-locks.js';

const DUPLICATE_KEY = 11000;

export interface MongoStoreOptions {
  url: string;
  database: string;
  /** Called for every command sent to the server; tests count round trips with it. */
  onCommand?: (commandName: string) => void;
  latency?: DatastoreLatency;
}

/** The port's update shape is a subset of the driver's; only its index types differ. */
const asDriverUpdate = (update: Update) => update as unknown as UpdateFilter<Document>;

class MongoDocumentCollection<T extends StoredDocument> implements DocumentCollection<T> {
  private readonly translate = (error: unknown) =>
    error instanceof MongoServerError && error.code === DUPLICATE_KEY ? new DuplicateKeyError(this.name, error.message) : null;

  constructor(
    private readonly name: string,
    private readonly raw: Collection<Document>,
    private readonly locks: DocumentLocks,
    private readonly latency: DatastoreLatency | undefined,
  ) {}

  private timed<R>(op: string, run: () => Promise<R>): Promise<R> {
    return callDatastore('mongodb', `${this.name}.${op}`, run, { latency: this.latency, translate: this.translate });
  }

  /** Single-document writes by `_id` are queued per document (see DocumentLocks). */
  private serialised<R>(filter: Filter, write: () => Promise<R>): Promise<R> {
    const key = documentKeyOf(this.name, filter);
    return key ? this.locks.run(key, write) : write();
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

  updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}) {
    return this.timed('updateOne', () =>
      this.serialised(filter, async () => {
        const result = await this.raw.updateOne(filter, asDriverUpdate(update), { upsert: options.upsert ?? false });
        return { matched: result.matchedCount, upserted: result.upsertedCount > 0 };
      }),
    );
  }

  findOneAndUpdate(filter: Filter, update: Update, options: { upsert?: boolean } = {}) {
    // No `projection` here: FerretDB rejects it on findAndModify.
    return this.timed('findOneAndUpdate', () =>
      this.serialised(filter, async () =>
        (await this.raw.findOneAndUpdate(filter, asDriverUpdate(update), {
          upsert: options.upsert ?? false,
          returnDocument: 'after',
        })) as unknown as T | null,
      ),
    );
  }

  updateMany(filter: Filter, update: Update) {
    return this.timed('updateMany', async () => (await this.raw.updateMany(filter, asDriverUpdate(update))).matchedCount);
  }

  deleteOne(filter: Filter) {
    return this.timed('deleteOne', () => this.serialised(filter, async () => (await this.raw.deleteOne(filter)).deletedCount));
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
      const existing = await this.raw
        .listIndexes()
        .toArray()
        .then((found) => new Set(found.map((index) => String(index.name))))
        .catch(() => new Set<string>());
      const missing = indexes.filter((index) => !existing.has(index.name));
      if (missing.length === 0) return;
      await this.raw.createIndexes(
        missing.map((index) => ({ key: index.key, name: index.name, ...(index.unique ? { unique: true } : {}) })),
      );
    });
  }
}

export class MongoDocumentStore implements DocumentStore {
  readonly kind = 'mongodb' as const;
  private readonly db: Db;
  private readonly locks = new DocumentLocks();

  private constructor(
    private readonly client: MongoClient,
    database: string,
    private readonly latency: DatastoreLatency | undefined,
  ) {
    this.db = client.db(database);
  }

  static async connect(options: MongoStoreOptions): Promise<MongoDocumentStore> {
    const client = new MongoClient(options.url, {
      monitorCommands: options.onCommand !== undefined,
      serverSelectionTimeoutMS: 5_000,
    });
    if (options.onCommand) {
      const onCommand = options.onCommand;
      client.on('commandStarted', (event) => onCommand(event.commandName));
    }
    await client.connect();
    return new MongoDocumentStore(client, options.database, options.latency);
  }

  collection<T extends StoredDocument>(name: string): DocumentCollection<T> {
    return new MongoDocumentCollection<T>(name, this.db.collection(name), this.locks, this.latency);
  }

  async ping() {
    await callDatastore('mongodb', 'ping', () => this.db.command({ ping: 1 }), { latency: this.latency });
  }

  async dropDatabase() {
    await this.db.dropDatabase();
  }

  async close() {
    await this.client.close();
  }
}
