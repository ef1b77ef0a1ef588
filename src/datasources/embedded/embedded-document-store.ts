import { Query, find, update as applyUpdate } from 'mingo';
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

type Doc = StoredDocument & Record<string, unknown>;

function getPath(doc: Record<string, unknown>, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Top-level equality terms of a filter seed an upserted document, as in MongoDB. */
function seedFromFilter(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) continue;
    const isOperator = value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)
      && Object.keys(value).some((k) => k.startsWith('$'));
    if (!isOperator && !key.includes('.')) seed[key] = value;
  }
  return seed;
}

/**
 * An in-process collection with MongoDB query and update semantics (via mingo), so the
 * same repositories run with no server. Writes are atomic per document, like the real one.
 */
class EmbeddedCollection<T extends StoredDocument> implements DocumentCollection<T> {
  private readonly docs = new Map<string, Doc>();
  private readonly uniqueIndexes: IndexSpec[] = [];

  constructor(private readonly name: string) {}

  /**
   * Documents that may match: by key for `_id` and `_id: {$in}` filters (the hot
   * lookups of loaders), else all. Simple equality on the remaining fields is checked
   * directly; anything else goes to mingo.
   */
  private matching(filter: Filter): Doc[] {
    const { _id: id, ...rest } = filter;
    let candidates: Doc[];
    if (typeof id === 'string') candidates = this.byIds([id]);
    else if (isInOnly(id)) candidates = this.byIds(id.$in);
    else return this.scan(filter);
    if (Object.keys(rest).length === 0) return candidates;
    if (isPlainEquality(rest)) return candidates.filter((doc) => Object.entries(rest).every(([key, value]) => equalsOrContains(doc[key], value)));
    const query = new Query(rest);
    return candidates.filter((doc) => query.test(doc));
  }

  private byIds(ids: readonly unknown[]): Doc[] {
    return ids.flatMap((id) => {
      const doc = typeof id === 'string' ? this.docs.get(id) : undefined;
      return doc ? [doc] : [];
    });
  }

  private scan(filter: Filter): Doc[] {
    const query = new Query(filter);
    return [...this.docs.values()].filter((doc) => query.test(doc));
  }

  private assertUnique(candidate: Doc) {
    for (const index of this.uniqueIndexes) {
      const fields = Object.keys(index.key);
      const values = fields.map((field) => getPath(candidate, field));
      for (const other of this.docs.values()) {
        if (other._id === candidate._id) continue;
        if (fields.every((field, i) => isEqual(getPath(other, field), values[i]))) {
          throw new DuplicateKeyError(this.name, `index ${index.name} dup key ${JSON.stringify(values)}`);
        }
      }
    }
  }

  /** Stored documents are frozen and replaced, never changed, so reads can share them. */
  private write(doc: Doc) {
    deepFreeze(doc);
    this.assertUnique(doc);
    this.docs.set(doc._id, doc);
  }

  async findOne(filter: Filter) {
    const [doc] = await this.find(filter, { limit: 1 });
    return doc ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}) {
    const { _id: id } = filter;
    const keyed = typeof id === 'string' || isInOnly(id);
    if (keyed && !options.sort && !options.skip) {
      const found = this.matching(filter).slice(0, options.limit ?? Infinity);
      return found as unknown as T[];
    }
    let cursor = find(keyed ? this.matching(filter) : [...this.docs.values()], keyed ? {} : filter);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit !== undefined) cursor = cursor.limit(options.limit);
    return cursor.all() as unknown as T[];
  }

  async count(filter: Filter) {
    return this.matching(filter).length;
  }

  async insertOne(doc: T) {
    const copy = structuredClone(doc) as unknown as Doc;
    if (this.docs.has(copy._id)) throw new DuplicateKeyError(this.name, `_id ${copy._id}`);
    this.write(copy);
  }

  async insertMany(docs: T[]) {
    for (const doc of docs) await this.insertOne(doc);
  }

  private updateDoc(existing: Doc, updateSpec: Update): Doc {
    const next = structuredClone(existing);
    const { $setOnInsert: _ignored, ...modifier } = updateSpec;
    if (Object.keys(modifier).length > 0) applyUpdate(next, modifier as Parameters<typeof applyUpdate>[1]);
    return next;
  }

  private upsertDoc(filter: Filter, updateSpec: Update): Doc {
    const seed = { ...seedFromFilter(filter), ...(updateSpec.$setOnInsert ?? {}) } as Doc;
    const doc = this.updateDoc(structuredClone(seed), updateSpec);
    if (typeof doc._id !== 'string') throw new Error(`${this.name}: an upsert needs a string _id in its filter or $setOnInsert`);
    return doc;
  }

  private updateFirst(filter: Filter, updateSpec: Update, upsert: boolean): { doc: Doc | null; upserted: boolean } {
    const [existing] = this.matching(filter);
    if (existing) {
      const next = this.updateDoc(existing, updateSpec);
      this.write(next);
      return { doc: next, upserted: false };
    }
    if (!upsert) return { doc: null, upserted: false };
    const created = this.upsertDoc(filter, updateSpec);
    if (this.docs.has(created._id)) throw new DuplicateKeyError(this.name, `_id ${created._id}`);
    this.write(created);
    return { doc: created, upserted: true };
  }

  async updateOne(filter: Filter, updateSpec: Update, options: { upsert?: boolean } = {}) {
    const { doc, upserted } = this.updateFirst(filter, updateSpec, options.upsert ?? false);
    return { matched: doc && !upserted ? 1 : 0, upserted };
  }

  async findOneAndUpdate(filter: Filter, updateSpec: Update, options: { upsert?: boolean } = {}) {
    const { doc } = this.updateFirst(filter, updateSpec, options.upsert ?? false);
    return doc as unknown as T | null;
  }

  async updateMany(filter: Filter, updateSpec: Update) {
    const targets = this.matching(filter);
    for (const doc of targets) this.write(this.updateDoc(doc, updateSpec));
    return targets.length;
  }

  async deleteOne(filter: Filter) {
    const [doc] = this.matching(filter);
    if (!doc) return 0;
    this.docs.delete(doc._id);
    return 1;
  }

  async deleteMany(filter: Filter) {
    const targets = this.matching(filter);
    for (const doc of targets) this.docs.delete(doc._id);
    return targets.length;
  }

  async countBy(filter: Filter, field: string) {
    const counts = new Map<string, number>();
    for (const doc of this.matching(filter)) {
      const key = String(getPath(doc, field) ?? null);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  async createIndexes(indexes: IndexSpec[]) {
    for (const index of indexes) {
      if (index.unique && !this.uniqueIndexes.some((known) => known.name === index.name)) this.uniqueIndexes.push(index);
    }
  }

  clear() {
    this.docs.clear();
  }
}

function isInOnly(value: unknown): value is { $in: unknown[] } {
  return value !== null && typeof value === 'object' && Object.keys(value).length === 1 && Array.isArray((value as { $in?: unknown }).$in);
}

function isPlainEquality(filter: Filter): boolean {
  return Object.entries(filter).every(
    ([key, value]) => !key.startsWith('$') && !key.includes('.') && (value === null || ['string', 'number', 'boolean'].includes(typeof value)),
  );
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || value instanceof Date) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/** MongoDB equality: an array field matches when one of its elements is equal. */
function equalsOrContains(field: unknown, value: unknown): boolean {
  return Array.isArray(field) ? field.some((element) => isEqual(element, value)) : isEqual(field, value);
}

function isEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b || (a === undefined && b === null) || (a === null && b === undefined);
}

export class EmbeddedDocumentStore implements DocumentStore {
  readonly kind = 'embedded' as const;
  private readonly collections = new Map<string, EmbeddedCollection<StoredDocument>>();

  collection<T extends StoredDocument>(name: string): DocumentCollection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new EmbeddedCollection(name);
      this.collections.set(name, collection);
    }
    return collection as unknown as DocumentCollection<T>;
  }

  async ping() {}

  async dropDatabase() {
    this.collections.clear();
  }

  async close() {}
}
