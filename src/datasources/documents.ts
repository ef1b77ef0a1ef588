/**
 * The document-store port: the small subset of MongoDB that every
 * MongoDB-compatible store shares (FerretDB, DocumentDB, Cosmos DB). Repositories are
 * written once against it; `mongo/` and `embedded/` implement it.
 */
export type Filter = Record<string, unknown>;

export interface Update {
  $set?: Record<string, unknown>;
  $unset?: Record<string, ''>;
  $inc?: Record<string, number>;
  $setOnInsert?: Record<string, unknown>;
  $push?: Record<string, unknown>;
  $addToSet?: Record<string, unknown>;
  $pull?: Record<string, unknown>;
  $min?: Record<string, unknown>;
  $max?: Record<string, unknown>;
}

export interface UpdateOptions {
  upsert?: boolean;
  /**
   * On a store whose writes of one document wait in line (FerretDB's per-document lock),
   * this one goes before those waiting: for a write that makes the document smaller (the
   * relay's removal of published entries), which every write after it then reads less of.
   */
  ahead?: boolean;
}

export interface FindOneAndUpdateOptions extends UpdateOptions {
  /** Which version to return: after the update (default) or before it (null when upserted). */
  returnDocument?: 'before' | 'after';
  /**
   * With `upsert`: no document matches most of the time (a first answer). A store whose
   * upsert of a missing document reads the whole collection (FerretDB 1.x) then tries a
   * plain insert first, which its unique `_id` index checks.
   */
  likelyNew?: boolean;
}

/** The top-level equality terms of a filter, which seed an upserted document (as in MongoDB). */
export function upsertSeed(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) continue;
    const isOperator = value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)
      && Object.keys(value).some((k) => k.startsWith('$'));
    if (!isOperator && !key.includes('.')) seed[key] = value;
  }
  return seed;
}

export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  limit?: number;
  skip?: number;
}

export interface IndexSpec {
  key: Record<string, 1 | -1>;
  name: string;
  unique?: boolean;
}

export interface StoredDocument {
  _id: string;
}

export interface DocumentCollection<T extends StoredDocument> {
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /** @throws DuplicateKeyError when a unique index is violated */
  insertOne(doc: T): Promise<void>;
  insertMany(docs: T[]): Promise<void>;
  /** Returns how many documents matched (0 or 1) and whether one was inserted. */
  updateOne(filter: Filter, update: Update, options?: UpdateOptions): Promise<{ matched: number; upserted: boolean }>;
  /**
   * Applies the update to one matching document and returns it as it is after the update
   * (or before it, with `returnDocument: 'before'`: null when the update inserted it).
   */
  findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<T | null>;
  updateMany(filter: Filter, update: Update): Promise<number>;
  deleteOne(filter: Filter): Promise<number>;
  /** Deletes one matching document and returns it as it was; null when none matched. */
  findOneAndDelete(filter: Filter): Promise<T | null>;
  deleteMany(filter: Filter): Promise<number>;
  /** Counts matching documents per value of `field` (a `$match` + `$group` pipeline). */
  countBy(filter: Filter, field: string): Promise<Map<string, number>>;
  createIndexes(indexes: IndexSpec[]): Promise<void>;
}

export interface DocumentStore {
  readonly kind: 'mongodb' | 'embedded';
  collection<T extends StoredDocument>(name: string): DocumentCollection<T>;
  ping(): Promise<void>;
  /** Whether the store isolates concurrent updates of one document, or the adapter locks them (real store only). */
  readonly isolation?: 'store' | 'lock';
  /** Removes lock documents expired before `before` (where the adapter uses them); returns how many. */
  pruneLocks?(before: Date): Promise<number>;
  /** Removes every collection; used by tests and the embedded demo reset. */
  dropDatabase(): Promise<void>;
  close(): Promise<void>;
}

export class DuplicateKeyError extends Error {
  constructor(readonly collection: string, detail: string) {
    super(`duplicate key in ${collection}: ${detail}`);
    this.name = 'DuplicateKeyError';
  }
}

/** `rows` arranged in the order of `ids`, null where missing: what a DataLoader batch returns. */
export function inIdOrder<T extends StoredDocument>(ids: readonly string[], rows: readonly T[]): (T | null)[] {
  const byId = new Map(rows.map((row) => [row._id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}
