import { Query, find } from 'mingo';
import * as updateOperators from 'mingo/operators/update';
import { compileFilter, type Predicate } from '../filter-predicate.js';
import { plan } from './query-plan.js';
import { SortedIndex, type DocumentSlot, type SlotDocument } from './sorted-index.js';
import { valueAt } from './value-order.js';
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
  upsertSeed,
} from '../documents.js';

type Doc = SlotDocument;

/**
 * An in-process collection with MongoDB query and update semantics (via mingo), so the
 * same repositories run with no server. Writes are atomic per document, like the real one.
 * The indexes the repositories create are kept as sorted lists, so queries read index
 * ranges (in sort order, stopping at the limit) rather than scanning the collection.
 */
class EmbeddedCollection<T extends StoredDocument> implements DocumentCollection<T> {
  /** Each stored document's slot, by `_id`. */
  private readonly slots = new Map<string, DocumentSlot>();
  private readonly indexes: SortedIndex[] = [new SortedIndex({ key: { _id: 1 }, name: '_id_' })];
  /** The index a field leads, by field (null: none). */
  private readonly leading = new Map<string, SortedIndex | null>();

  constructor(
    private readonly name: string,
    private readonly listeners: StoreListeners,
  ) {}

  /**
   * Documents that may match: by key for `_id` and `_id: {$in}` filters (the hot
   * lookups of loaders), else through the query plan. Simple equality on the remaining
   * fields is checked directly; anything else goes to mingo.
   */
  private matching(filter: Filter): Doc[] {
    const { _id: id, ...rest } = filter;
    let candidates: Doc[];
    if (typeof id === 'string') candidates = this.byIds([id]);
    else if (isInOnly(id)) candidates = this.byIds(id.$in);
    else return this.scan(filter);
    if (Object.keys(rest).length === 0) return candidates;
    const matches = matcherOf(rest);
    return candidates.filter((doc) => matches(doc));
  }

  private byIds(ids: readonly unknown[]): Doc[] {
    // A loop, not flatMap: loaders call this for every batch, and flatMap's array per id showed as garbage.
    const found: Doc[] = [];
    for (const id of ids) {
      const doc = typeof id === 'string' ? this.slots.get(id)?.doc : undefined;
      if (doc) found.push(doc);
    }
    return found;
  }

  /**
   * `{ field: value }` or `{ field: { $in: [...] } }` on the first field of an index (what
   * loaders ask: a user's answers, invitees' invitations): that index's ranges, with nothing
   * left to test and no plan to make. Null for any other filter.
   */
  private byLeadingField(filter: Filter): Doc[] | null {
    let field: string | undefined;
    for (const key in filter) {
      if (field !== undefined) return null;
      field = key;
    }
    if (field === undefined || field === '_id' || field.startsWith('$')) return null;
    const condition = filter[field];
    const values = isKeyValue(condition) ? [condition] : isInOnly(condition) && condition.$in.every(isKeyValue) ? condition.$in : null;
    const index = values && this.leadingIndex(field);
    if (!values || !index) return null;
    const found: Doc[] = [];
    const seen = new Set<string>();
    for (const value of values) {
      for (const slot of index.scan([value])) {
        if (seen.has(slot.id)) continue;
        seen.add(slot.id);
        found.push(slot.doc);
      }
    }
    return found;
  }

  private leadingIndex(field: string): SortedIndex | null {
    let index = this.leading.get(field);
    if (index === undefined) this.leading.set(field, (index = this.indexes.find((known) => known.fields[0] === field) ?? null));
    return index;
  }

  /** Matches of `filter`, in `sort` order when given, at most `limit` after `skip`. */
  private scan(filter: Filter, sort?: FindOptions['sort'], skip = 0, limit = Infinity): Doc[] {
    if (!sort && skip === 0) {
      const direct = this.byLeadingField(filter);
      if (direct) return limit < direct.length ? direct.slice(0, limit) : direct;
    }
    const matches = matcherOf(filter);
    const chosen = plan(filter, sort, this.indexes, () => this.slots.values());
    if (chosen.index === null) this.listeners.onFullScan?.(this.name, filter);
    const wanted = chosen.ordered || !sort ? skip + limit : Infinity;
    const found: Doc[] = [];
    // Index ranges may name a document twice (an array's elements, an $or's branches); the collection's slots never do.
    const seen = chosen.index === null ? null : new Set<DocumentSlot>();
    let examined = 0;
    while (found.length < wanted) {
      const slot = chosen.slots.next();
      if (slot === undefined) break;
      if (seen) {
        if (seen.has(slot)) continue;
        seen.add(slot);
      }
      const { doc } = slot;
      examined += 1;
      if (matches(doc)) found.push(doc);
    }
    this.listeners.onQuery?.({ collection: this.name, filter, index: chosen.index, examined });
    if (chosen.ordered || !sort) return found.slice(skip, skip + limit);
    let cursor = find(found, {}).sort(sort);
    if (skip) cursor = cursor.skip(skip);
    if (limit !== Infinity) cursor = cursor.limit(limit);
    return cursor.all() as Doc[];
  }

  private assertUnique(candidate: Doc) {
    for (const index of this.indexes) {
      if (!index.unique || index.holderOf(candidate) === null) continue;
      throw new DuplicateKeyError(this.name, `index ${index.name} dup key ${JSON.stringify(index.keysOf(candidate))}`);
    }
  }

  /** Stored documents are frozen and replaced, never changed, so reads can share them. */
  private write(doc: Doc) {
    deepFreeze(doc);
    this.assertUnique(doc);
    const stored = this.slots.get(doc._id);
    const previous = stored?.doc;
    const slot = stored ?? { id: doc._id, doc };
    slot.doc = doc;
    for (const index of this.indexes) {
      if (previous && (index.sharesFields(previous, doc) || index.sameKeys(previous, doc))) continue;
      if (previous) index.remove(previous);
      index.add(doc, slot);
    }
    if (!stored) this.slots.set(doc._id, slot);
  }

  private forget(doc: Doc) {
    for (const index of this.indexes) index.remove(doc);
    this.slots.delete(doc._id);
  }

  async findOne(filter: Filter) {
    const [doc] = await this.find(filter, { limit: 1 });
    return doc ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}) {
    const { _id: id } = filter;
    const keyed = typeof id === 'string' || isInOnly(id);
    if (!keyed) return this.scan(filter, options.sort, options.skip, options.limit) as unknown as T[];
    if (!options.sort && !options.skip) return this.matching(filter).slice(0, options.limit ?? Infinity) as unknown as T[];
    let cursor = find(this.matching(filter), {});
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
    if (this.slots.has(copy._id)) throw new DuplicateKeyError(this.name, `_id ${copy._id}`);
    this.write(copy);
  }

  async insertMany(docs: T[]) {
    for (const doc of docs) await this.insertOne(doc);
  }

  /**
   * Copy on write: only the top-level fields the update names are cloned before it
   * applies; the others stay shared (frozen) with the stored version, so an update of a
   * counter neither copies an event's search tokens nor re-indexes them.
   */
  private updateDoc(existing: Doc, updateSpec: Update): Doc {
    const { $setOnInsert: _ignored, ...modifier } = updateSpec;
    const next: Record<string, unknown> = { ...existing };
    for (const fields of Object.values(modifier)) {
      for (const path of Object.keys(fields as object)) {
        const top = path.split('.', 1)[0]!;
        const value = next[top];
        if (value !== null && typeof value === 'object' && value === existing[top]) next[top] = structuredClone(value);
      }
    }
    applyModifier(next, modifier);
    return next as Doc;
  }

  private upsertDoc(filter: Filter, updateSpec: Update): Doc {
    const seed = { ...upsertSeed(filter), ...(updateSpec.$setOnInsert ?? {}) } as Doc;
    const doc = this.updateDoc(structuredClone(seed), updateSpec);
    if (typeof doc._id !== 'string') throw new Error(`${this.name}: an upsert needs a string _id in its filter or $setOnInsert`);
    return doc;
  }

  private updateFirst(filter: Filter, updateSpec: Update, upsert: boolean): { doc: Doc | null; before: Doc | null; upserted: boolean } {
    const [existing] = this.matching(filter);
    if (existing) {
      const next = this.updateDoc(existing, updateSpec);
      this.write(next);
      return { doc: next, before: existing, upserted: false };
    }
    if (!upsert) return { doc: null, before: null, upserted: false };
    const created = this.upsertDoc(filter, updateSpec);
    if (this.slots.has(created._id)) throw new DuplicateKeyError(this.name, `_id ${created._id}`);
    this.write(created);
    return { doc: created, before: null, upserted: true };
  }

  async updateOne(filter: Filter, updateSpec: Update, options: { upsert?: boolean } = {}) {
    const { doc, upserted } = this.updateFirst(filter, updateSpec, options.upsert ?? false);
    return { matched: doc && !upserted ? 1 : 0, upserted };
  }

  async findOneAndUpdate(filter: Filter, updateSpec: Update, options: FindOneAndUpdateOptions = {}) {
    const { doc, before } = this.updateFirst(filter, updateSpec, options.upsert ?? false);
    return (options.returnDocument === 'before' ? before : doc) as unknown as T | null;
  }

  async updateMany(filter: Filter, updateSpec: Update) {
    const targets = this.matching(filter);
    for (const doc of targets) this.write(this.updateDoc(doc, updateSpec));
    return targets.length;
  }

  async deleteOne(filter: Filter) {
    const [doc] = this.matching(filter);
    if (!doc) return 0;
    this.forget(doc);
    return 1;
  }

  async findOneAndDelete(filter: Filter) {
    const [doc] = this.matching(filter);
    if (!doc) return null;
    this.forget(doc);
    return doc as unknown as T;
  }

  async deleteMany(filter: Filter) {
    const targets = this.matching(filter);
    for (const doc of targets) this.forget(doc);
    return targets.length;
  }

  async countBy(filter: Filter, field: string) {
    const counts = new Map<string, number>();
    for (const doc of this.matching(filter)) {
      const key = String(valueAt(doc, field) ?? null);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  async createIndexes(specs: IndexSpec[]) {
    for (const spec of specs) {
      if (this.indexes.some((known) => known.name === spec.name)) continue;
      const index = new SortedIndex(spec);
      for (const slot of this.slots.values()) index.add(slot.doc, slot);
      this.indexes.push(index);
      this.leading.clear();
    }
  }
}

/** A value an index holds as itself (null and missing are left to the plan). */
function isKeyValue(value: unknown): value is string | number | boolean | Date {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date;
}

function isInOnly(value: unknown): value is { $in: unknown[] } {
  return value !== null && typeof value === 'object' && Object.keys(value).length === 1 && Array.isArray((value as { $in?: unknown }).$in);
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || value instanceof Date) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

type UpdateOperator = (expr: never) => (doc: Record<string, unknown>) => string[];
const UPDATE_OPERATORS = updateOperators as unknown as Readonly<Record<string, UpdateOperator | undefined>>;

/**
 * Applies an update's operators (`$set`, `$inc`, `$push`…) with mingo's own operator
 * functions, one by one: its `update` entry point first builds a query context and
 * registers every operator table again on each call, which cost more than the update.
 */
function applyModifier(doc: Record<string, unknown>, modifier: Record<string, unknown>): void {
  for (const [op, expr] of Object.entries(modifier)) {
    const operator = UPDATE_OPERATORS[op];
    if (!operator) throw new Error(`unknown update operator ${op}`);
    operator(expr as never)(doc);
  }
}

/** The filter as a plain function where it can be one, else mingo's reading of it. */
function matcherOf(filter: Filter): Predicate {
  const compiled = compileFilter(filter);
  if (compiled) return compiled;
  const query = new Query(filter);
  return (doc) => query.test(doc);
}

/** Told of each query no index serves, which reads every document of the collection. */
export type FullScanListener = (collection: string, filter: Filter) => void;

/** What one planned query read: the index or indexes (null: every document) and how many documents it tested (MongoDB's `totalDocsExamined`). */
export interface QueryReport {
  collection: string;
  filter: Filter;
  index: string | null;
  examined: number;
}

interface StoreListeners {
  onFullScan?: FullScanListener;
  onQuery?: (report: QueryReport) => void;
}

export class EmbeddedDocumentStore implements DocumentStore {
  readonly kind = 'embedded' as const;
  private readonly collections = new Map<string, EmbeddedCollection<StoredDocument>>();

  constructor(private readonly options: StoreListeners = {}) {}

  collection<T extends StoredDocument>(name: string): DocumentCollection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new EmbeddedCollection(name, this.options);
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
