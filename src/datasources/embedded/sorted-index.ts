import type { IndexSpec } from '../documents.js';
import { SortedList, type Cursor, type Position } from './sorted-list.js';
import { compareValues, valueAt } from './value-order.js';

/** A stored document of the embedded store. */
export type SlotDocument = Record<string, unknown> & { _id: string };

/**
 * Where the current version of one stored document is kept. Writes replace a document
 * (stored ones are frozen) and its slot stays until it is deleted; index entries point at
 * it, so a query reaches each document it reads from the entry, without looking its `_id`
 * up in a map of the whole collection (on 100,000 events those lookups missed the caches:
 * the store's scan loop took 6.1 µs of a category page at 1,000 events, 10.4 at 100,000).
 */
export interface DocumentSlot {
  readonly id: string;
  doc: SlotDocument;
}

/** One key of a document in an index. */
export interface IndexEntry {
  readonly key: readonly unknown[];
  readonly id: string;
  /** Null only in the probe a removal searches with. */
  readonly slot: DocumentSlot | null;
}

type Entry = IndexEntry;

/** Leading values whose ranges an index keeps at most (see `rangesOfValue`). */
const MAX_RANGES_KEPT = 1_024;

type Doc = Readonly<Record<string, unknown>> & { _id: string };

/** A lower or upper bound on the field after an index's equality prefix. */
export interface RangeBound {
  value: unknown;
  inclusive: boolean;
}

/** A stretch of an index between two positions (valid until the index next changes). */
export interface IndexRange {
  start: Position;
  end: Position;
}

/**
 * One secondary index of the embedded store: entries kept sorted by the index key (ties
 * by `_id`, in the direction of the last key field), so a query reads a range in order
 * instead of scanning the collection. Multikey: a document with an array in an indexed
 * field has one entry per element, as in MongoDB.
 */
export class SortedIndex {
  readonly name: string;
  readonly fields: readonly string[];
  readonly directions: readonly (1 | -1)[];
  readonly unique: boolean;
  private readonly entries = new SortedList<Entry>((a, b) => this.compareEntries(a, b));
  /** The top-level fields the key is read from. */
  private readonly topFields: readonly string[];
  /**
   * Ranges of one leading value (a category's events, a user's answers), kept until the
   * index next changes: the planner costs every index that could serve a query with two
   * binary searches each, and on an index of 100,000 entries those searches miss the
   * caches at every step (profiled: a category page's planning went from 1.6 to 11.4 µs
   * between 1,000 and 100,000 events).
   */
  private readonly rangesOfValue = new Map<unknown, IndexRange>();

  constructor(spec: IndexSpec) {
    this.name = spec.name;
    this.fields = Object.keys(spec.key);
    this.topFields = [...new Set(this.fields.map((field) => field.split('.', 1)[0]!))];
    this.directions = Object.values(spec.key);
    this.unique = spec.unique === true;
  }

  /**
   * The keys a document contributes: the cartesian product over array-valued fields.
   * Each key is made with `concat`, which allocates exactly its length: a spread grows
   * the array element by element and keeps room for sixteen more, and an index holds one
   * key per entry (a collection of 100,000 events holds millions: the heap's size is what
   * each young-generation collection pays for).
   */
  keysOf(doc: Doc): unknown[][] {
    let keys: unknown[][] = [[]];
    for (const field of this.fields) {
      const value = valueAt(doc, field);
      const values = Array.isArray(value) ? (value.length > 0 ? value : [undefined]) : [value];
      keys = keys.flatMap((key) => values.map((element) => key.concat([element])));
    }
    return keys;
  }

  /** Entries for `doc`, pointing at its slot. */
  add(doc: Doc, slot: DocumentSlot): void {
    this.rangesOfValue.clear();
    for (const key of this.keysOf(doc)) this.entries.insert({ key, id: doc._id, slot });
  }

  remove(doc: Doc): void {
    this.rangesOfValue.clear();
    for (const key of this.keysOf(doc)) this.entries.remove({ key, id: doc._id, slot: null });
  }

  /** Whether two versions of a document share every top-level value the key is read from (stored documents are frozen: shared means unchanged). */
  sharesFields(a: Doc, b: Doc): boolean {
    return this.topFields.every((field) => a[field] === b[field]);
  }

  /** Whether `a` and `b` have the same keys here (an update that leaves the index alone). */
  sameKeys(a: Doc, b: Doc): boolean {
    const keysA = this.keysOf(a);
    const keysB = this.keysOf(b);
    return keysA.length === keysB.length && keysA.every((key, i) => this.comparePrefix(key, keysB[i]!) === 0);
  }

  /** The id of another document holding one of `doc`'s keys (unique indexes). */
  holderOf(doc: Doc): string | null {
    for (const key of this.keysOf(doc)) {
      for (const entry of this.entries.between(this.bound(key, false), this.bound(key, true))) if (entry.id !== doc._id) return entry.id;
    }
    return null;
  }

  /**
   * Slots of the documents whose first `prefix.length` key fields equal `prefix`, in index
   * order (or reversed), starting at `from` on the next field when given (ascending fields only).
   */
  *scan(prefix: readonly unknown[], from: RangeBound | null = null, reverse = false): Generator<DocumentSlot> {
    const cursor = this.cursor(this.range(prefix, from), reverse);
    for (let entry = cursor.next(); entry; entry = cursor.next()) yield entry.slot!;
  }

  /**
   * The entries whose first `prefix.length` key fields equal `prefix`, from `from` and up to
   * `to` on the next field when given (ascending fields only).
   */
  range(prefix: readonly unknown[], from: RangeBound | null = null, to: RangeBound | null = null): IndexRange {
    const ascending = this.directions[prefix.length] === 1;
    const lower = ascending ? from : null;
    const upper = ascending ? to : null;
    if (lower || upper) {
      return {
        start: lower ? this.bound([...prefix, lower.value], !lower.inclusive) : this.bound(prefix, false),
        end: upper ? this.bound([...prefix, upper.value], upper.inclusive) : this.bound(prefix, true),
      };
    }
    if (prefix.length === 0) return this.entries.whole();
    const value = prefix[0];
    const keyed = prefix.length === 1 && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean');
    let range = keyed ? this.rangesOfValue.get(value) : undefined;
    if (range) return range;
    range = { start: this.bound(prefix, false), end: this.bound(prefix, true) };
    if (keyed) {
      if (this.rangesOfValue.size >= MAX_RANGES_KEPT) this.rangesOfValue.clear();
      this.rangesOfValue.set(value, range);
    }
    return range;
  }

  /** How many entries `range` holds, without reading them: what reading it costs. */
  count(range: IndexRange): number {
    return this.entries.countBetween(range.start, range.end);
  }

  /** The entries of `range` in index order (or reversed), one at a time. */
  cursor(range: IndexRange, reverse = false): Cursor<IndexEntry> {
    return this.entries.cursor(range.start, range.end, reverse);
  }

  /** First position whose key prefix is ≥ `probe` (or > `probe` when `after`). */
  private bound(probe: readonly unknown[], after: boolean) {
    return this.entries.bound((entry) => {
      const order = this.comparePrefix(entry.key, probe);
      return order < 0 || (after && order === 0);
    });
  }

  private comparePrefix(key: readonly unknown[], probe: readonly unknown[]): number {
    for (let i = 0; i < probe.length; i++) {
      const order = compareValues(key[i], probe[i]) * this.directions[i]!;
      if (order !== 0) return order;
    }
    return 0;
  }

  private compareEntries(a: Entry, b: Entry): number {
    const order = this.comparePrefix(a.key, b.key);
    if (order !== 0) return order;
    const tie = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return tie * (this.directions.at(-1) ?? 1);
  }
}
