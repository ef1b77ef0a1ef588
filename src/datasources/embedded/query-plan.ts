import type { Filter, SortSpec } from '../documents.js';
import type { DocumentSlot, IndexEntry, IndexRange, RangeBound, SortedIndex } from './sorted-index.js';
import type { Cursor } from './sorted-list.js';
import { MergedCursor } from './sorted-merge.js';
import { compareValues } from './value-order.js';

/** What a conjunction of a filter pins down, field by field. */
interface Constraints {
  equal: Map<string, unknown>;
  /** `$in` values as the filter lists them. */
  anyOf: Map<string, readonly unknown[]>;
  /** The tightest lower bound seen per field. */
  from: Map<string, RangeBound>;
  /** The tightest upper bound seen per field. */
  to: Map<string, RangeBound>;
  /** The conjunction's `$or`s, each as its branches' constraints. */
  alternatives: Constraints[][];
}

export interface Plan {
  /** The candidates' slots: a superset of the matches (the filter is still tested on each; one may come twice). */
  slots: Cursor<DocumentSlot>;
  /** True when `slots` come in the order the sort asks for. */
  ordered: boolean;
  /** The index used (several joined by `+` for an `$or`), for tests and explanations; null for a full scan. */
  index: string | null;
}

/** The sort asked for, without a trailing `_id` (the indexes break ties by `_id` themselves). */
interface Wanted {
  fields: string[];
  directions: (1 | -1)[];
  idDirection: 1 | -1 | null;
}

/** Ranges of one index that hold every match of a conjunction. */
interface Access {
  index: SortedIndex;
  ranges: IndexRange[];
  /** Leading key fields pinned by equality or `$in` (0: a range above a bound, or the whole index); in the sort's order, the sort fields follow them. */
  pinned: number;
  /** Read backwards (an index in the sort's reverse order). */
  reverse: boolean;
  /** Index entries in the ranges: what reading them all costs. */
  entries: number;
}

/** One way to read the candidates: one index's ranges, or the union of an `$or`'s branches' ranges. */
interface Candidate {
  accesses: Access[];
  entries: number;
}

/** Past this many ranges (a product of `$in`s), a field is not worth pinning. */
const MAX_RANGES = 512;

const isScalar = (value: unknown) =>
  value === null || value instanceof Date || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value) && Object.keys(value).every((key) => key.startsWith('$'));

const emptyConstraints = (): Constraints => ({ equal: new Map(), anyOf: new Map(), from: new Map(), to: new Map(), alternatives: [] });

type Side = 'lower' | 'upper';

/** The narrower of two bounds on one side: the higher lower bound, the lower upper bound. */
function tighter(a: RangeBound | undefined, b: RangeBound, side: Side = 'lower'): RangeBound {
  if (!a) return b;
  const order = compareValues(a.value, b.value) * (side === 'lower' ? 1 : -1);
  if (order === 0) return { value: a.value, inclusive: a.inclusive && b.inclusive };
  return order > 0 ? a : b;
}

function looser(a: RangeBound, b: RangeBound): RangeBound {
  const order = compareValues(a.value, b.value);
  if (order === 0) return { value: a.value, inclusive: a.inclusive || b.inclusive };
  return order < 0 ? a : b;
}

const OPERATORS: Record<Side, { strict: string; loose: string }> = { lower: { strict: '$gt', loose: '$gte' }, upper: { strict: '$lt', loose: '$lte' } };

/** The bound a condition sets on its field from one side; an equality bounds both. */
function boundOf(condition: unknown, side: Side): RangeBound | null {
  if (isScalar(condition)) return { value: condition, inclusive: true };
  if (!isOperatorObject(condition)) return null;
  const { strict, loose } = OPERATORS[side];
  if (strict in condition && isScalar(condition[strict])) return { value: condition[strict], inclusive: false };
  if (loose in condition && isScalar(condition[loose])) return { value: condition[loose], inclusive: true };
  return null;
}

/** Distinct values in index order, so a union reads an index front to back and no range twice. */
function distinct(values: readonly unknown[]): unknown[] {
  const sorted = [...values].sort(compareValues);
  return sorted.filter((value, i) => i === 0 || compareValues(sorted[i - 1], value) !== 0);
}

function constraintsOf(filter: Filter, into: Constraints = emptyConstraints()): Constraints {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const term of condition) if (term && typeof term === 'object') constraintsOf(term as Filter, into);
      continue;
    }
    if (field === '$or' && Array.isArray(condition)) {
      if (condition.length > 0 && condition.every((branch) => branch !== null && typeof branch === 'object' && !Array.isArray(branch))) {
        addAlternative(into, condition.map((branch) => constraintsOf(branch as Filter)));
      }
      continue;
    }
    if (field.startsWith('$')) continue;
    if (isScalar(condition)) into.equal.set(field, condition);
    else if (isOperatorObject(condition)) {
      if ('$eq' in condition && isScalar(condition.$eq)) into.equal.set(field, condition.$eq);
      else if (Array.isArray(condition.$in) && condition.$in.every(isScalar)) into.anyOf.set(field, condition.$in);
      // Every document with all the values holds the first one.
      else if (Array.isArray(condition.$all) && condition.$all.length > 0 && isScalar(condition.$all[0])) into.equal.set(field, condition.$all[0]);
    }
    // An equality bounds its field both ways: a keyset page's `$or` branch (`{at: t, _id: {$gt: id}}`)
    // gives, with the other branch (`{at: {$gt: t}}`), the lower bound the page starts at.
    const bound = boundOf(condition, 'lower');
    if (bound) into.from.set(field, tighter(into.from.get(field), bound));
    const end = boundOf(condition, 'upper');
    if (end) into.to.set(field, tighter(into.to.get(field), end, 'upper'));
  }
  return into;
}

/** An `$or`: kept for a union of its branches, and a lower bound every branch shares (a keyset page's) applies to all. */
function addAlternative(into: Constraints, branches: Constraints[]) {
  into.alternatives.push(branches);
  for (const [field, first] of branches[0]!.from) {
    let loosest: RangeBound | null = first;
    for (const branch of branches.slice(1)) {
      const bound = branch.from.get(field);
      loosest = bound && loosest ? looser(loosest, bound) : null;
    }
    if (loosest) into.from.set(field, tighter(into.from.get(field), loosest));
  }
}

/** What holds in one branch of an `$or` of `shared`: both conjunctions together. */
function within(shared: Constraints, branch: Constraints): Constraints {
  const from = new Map(shared.from);
  for (const [field, bound] of branch.from) from.set(field, tighter(from.get(field), bound));
  const to = new Map(shared.to);
  for (const [field, bound] of branch.to) to.set(field, tighter(to.get(field), bound, 'upper'));
  return {
    equal: new Map([...shared.equal, ...branch.equal]),
    anyOf: new Map([...shared.anyOf, ...branch.anyOf]),
    from,
    to,
    alternatives: [],
  };
}

function sortFields(sort: SortSpec): Wanted {
  const entries = Object.entries(sort);
  const last = entries.at(-1);
  const idDirection = last && last[0] === '_id' && entries.length > 1 ? last[1] : null;
  const kept = idDirection === null ? entries : entries.slice(0, -1);
  return { fields: kept.map(([field]) => field), directions: kept.map(([, direction]) => direction), idDirection };
}

/** The values `field` is pinned to (distinct, in index order, only when an index uses them), or null. */
function pinnedValues(constraints: Constraints, field: string): readonly unknown[] | null {
  if (constraints.equal.has(field)) return [constraints.equal.get(field)];
  const values = constraints.anyOf.get(field);
  return values ? distinct(values) : null;
}

/**
 * The key prefixes of the longest run of leading fields, up to `most`, that the filter pins
 * (a product of `$in`s, at most MAX_RANGES of them).
 */
function pinnedPrefixes(constraints: Constraints, fields: readonly string[], most: number): unknown[][] {
  let prefixes: unknown[][] = [[]];
  for (const field of fields.slice(0, most)) {
    const values = pinnedValues(constraints, field);
    if (!values || prefixes.length * values.length > MAX_RANGES) break;
    prefixes = prefixes.flatMap((prefix) => values.map((value) => [...prefix, value]));
  }
  return prefixes;
}

function accessOf(index: SortedIndex, pinned: number, prefixes: unknown[][], from: RangeBound | null, to: RangeBound | null, reverse = false): Access {
  const ranges = prefixes.map((prefix) => index.range(prefix, from, to));
  const entries = ranges.reduce((sum, range) => sum + index.count(range), 0);
  return { index, ranges, pinned, reverse, entries };
}

/** The index's ranges in the sort's order: its fields are pinned ones, then the sort's, then perhaps `_id`. */
function orderedAccess(constraints: Constraints, wanted: Wanted, index: SortedIndex): Access | null {
  // An explicit trailing _id only spells out the tie order every index has.
  const keyed = index.fields.length > 1 && index.fields.at(-1) === '_id' ? index.fields.length - 1 : index.fields.length;
  const pinned = keyed - wanted.fields.length;
  if (pinned < 0) return null;
  if (!wanted.fields.every((field, i) => index.fields[pinned + i] === field)) return null;
  const forward = wanted.fields.every((_, i) => index.directions[pinned + i] === wanted.directions[i]);
  const backward = wanted.fields.every((_, i) => index.directions[pinned + i] === -wanted.directions[i]!);
  if (!forward && !backward) return null;
  // Ties come by _id in the last key field's direction, reversed with the scan.
  const tieDirection = (index.directions.at(-1) ?? 1) * (forward ? 1 : -1);
  if (wanted.idDirection !== null && wanted.idDirection !== tieDirection) return null;
  const prefixes = pinnedPrefixes(constraints, index.fields, pinned);
  // No prefix at all: an empty $in, which nothing matches, so no range to read.
  if ((prefixes[0]?.length ?? pinned) < pinned) return null;
  const field = wanted.fields[0]!;
  return accessOf(index, pinned, prefixes, constraints.from.get(field) ?? null, constraints.to.get(field) ?? null, !forward);
}

/** The index's ranges in any order: as many leading fields pinned as the filter pins, from a lower bound on the next. */
function rangeAccess(constraints: Constraints, index: SortedIndex): Access | null {
  const prefixes = pinnedPrefixes(constraints, index.fields, index.fields.length);
  // No prefix at all: an empty $in, which nothing matches, so no range to read.
  const pinned = prefixes[0]?.length ?? 1;
  const next = index.fields[pinned];
  const from = next === undefined ? null : (constraints.from.get(next) ?? null);
  const to = next === undefined ? null : (constraints.to.get(next) ?? null);
  if (pinned === 0 && (!from || index.directions[0] !== 1 || from.value === null)) return null;
  return accessOf(index, pinned, prefixes, from, to);
}

/** How an index can serve a conjunction, in one kind of plan (in the sort's order, or any). */
type AccessOf = (constraints: Constraints, index: SortedIndex) => Access | null;

/** The fewest entries to read; the first among equals (the repositories list their most selective indexes first). */
function cheapest<T extends { entries: number }>(options: readonly T[]): T | null {
  let best: T | null = null;
  for (const option of options) if (!best || option.entries < best.entries) best = option;
  return best;
}

/**
 * The union of an `$or`'s branches when each is served by an index on a field the branch
 * pins (equality or `$in`), each branch by its cheapest such index. (A range that only
 * the shared terms pin is a candidate of its own, and never costs more alone.)
 */
function unionOf(shared: Constraints, branches: readonly Constraints[], indexes: readonly SortedIndex[], accessOf: AccessOf): Candidate | null {
  const accesses: Access[] = [];
  for (const branch of branches) {
    const own = (field: string) => branch.equal.has(field) || branch.anyOf.has(field);
    const usable = indexes.filter((index) => index.fields.some(own));
    if (usable.length === 0) return null;
    const both = within(shared, branch);
    const options = usable.flatMap((index) => accessOf(both, index) ?? []).filter((access) => access.index.fields.slice(0, access.pinned).some(own));
    const best = cheapest(options);
    if (!best) return null;
    accesses.push(best);
  }
  return { accesses, entries: accesses.reduce((sum, access) => sum + access.entries, 0) };
}

/** Each index's access on its own, and each `$or`'s union. */
function candidatesOf(constraints: Constraints, indexes: readonly SortedIndex[], accessOf: AccessOf): Candidate[] {
  const candidates: Candidate[] = indexes.flatMap((index) => {
    const access = accessOf(constraints, index);
    return access ? [{ accesses: [access], entries: access.entries }] : [];
  });
  for (const branches of constraints.alternatives) {
    const union = unionOf(constraints, branches, indexes, accessOf);
    if (union) candidates.push(union);
  }
  return candidates;
}

/** One range's entries, and where the sort fields start in their keys. */
class RangeCursor implements Cursor<IndexEntry> {
  constructor(
    private readonly entries: Cursor<IndexEntry>,
    readonly sortAt: number,
  ) {}

  next(): IndexEntry | undefined {
    return this.entries.next();
  }
}

/** The slots of ranges read one after the other. */
class ConcatenatedSlots implements Cursor<DocumentSlot> {
  private current = 0;

  constructor(private readonly ranges: readonly Cursor<IndexEntry>[]) {}

  next(): DocumentSlot | undefined {
    for (; this.current < this.ranges.length; this.current++) {
      const entry = this.ranges[this.current]!.next();
      if (entry) return entry.slot!;
    }
    return undefined;
  }
}

/** Every range's entries in one sort order (ties by `_id`), so a page stops after its last match. */
function merged(accesses: readonly Access[], wanted: Wanted): Cursor<IndexEntry> {
  const cursors = accesses.flatMap((access) => access.ranges.map((range) => new RangeCursor(access.index.cursor(range, access.reverse), access.pinned)));
  const { directions } = wanted;
  const tie = wanted.idDirection ?? 1;
  return new MergedCursor(cursors, (a, aFrom, b, bFrom) => {
    for (let i = 0; i < directions.length; i++) {
      const order = compareValues(a.key[aFrom.sortAt + i], b.key[bFrom.sortAt + i]) * directions[i]!;
      if (order !== 0) return order;
    }
    return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * tie;
  });
}

/** A plan reading the candidate's ranges: merged into the sort's order when `wanted` (all its ranges are in that order), else one after the other. */
function planOf({ accesses }: Candidate, wanted: Wanted | null): Plan {
  const index = [...new Set(accesses.map((access) => access.index.name))].join('+');
  const ordered = wanted !== null;
  const ranges = accesses.reduce((sum, access) => sum + access.ranges.length, 0);
  const entries =
    ordered && ranges > 1 ? [merged(accesses, wanted)] : accesses.flatMap((access) => access.ranges.map((range) => access.index.cursor(range, access.reverse)));
  return { slots: new ConcatenatedSlots(entries), ordered, index };
}

/** The collection's slots as a cursor: the plan when no index serves. */
function everySlot(slots: Iterable<DocumentSlot>): Cursor<DocumentSlot> {
  const iterator = slots[Symbol.iterator]();
  return {
    next: () => {
      const step = iterator.next();
      return step.done ? undefined : step.value;
    },
  };
}

/**
 * Picks how to find a query's candidates, among the ranges of each index the filter pins
 * (equality or `$in` on leading fields, a lower bound on the next) and the unions of an
 * `$or`'s branches' ranges: the fewest index entries among those in the sort's order when
 * any is (so a page stops after `limit` matches), else the fewest of all, else every document.
 */
export function plan(filter: Filter, sort: SortSpec | undefined, indexes: readonly SortedIndex[], all: () => Iterable<DocumentSlot>): Plan {
  const wanted = sort && Object.keys(sort).length > 0 ? sortFields(sort) : null;
  const constraints = constraintsOf(filter);
  if (wanted) {
    const ordered = cheapest(candidatesOf(constraints, indexes, (both, index) => orderedAccess(both, wanted, index)));
    if (ordered) return planOf(ordered, wanted);
  }
  const best = cheapest(candidatesOf(constraints, indexes, rangeAccess));
  return best ? planOf(best, null) : { slots: everySlot(all()), ordered: false, index: null };
}
