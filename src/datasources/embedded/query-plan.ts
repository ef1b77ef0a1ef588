import type { Filter, SortSpec } from '../documents.js';
import type { RangeStart, SortedIndex } from './sorted-index.js';

/** What the top-level conjunction of a filter pins down, field by field. */
interface Constraints {
  equal: Map<string, unknown>;
  anyOf: Map<string, unknown[]>;
  /** The tightest lower bound seen per field. */
  from: Map<string, RangeStart>;
}

export interface Plan {
  /** Candidate ids: a superset of the matches (the filter is still tested on each). */
  ids: Iterable<string>;
  /** True when `ids` come in the order the sort asks for. */
  ordered: boolean;
  /** The index used, for tests and explanations; null for a full scan. */
  index: string | null;
}

const isScalar = (value: unknown) =>
  value === null || value instanceof Date || ['string', 'number', 'boolean'].includes(typeof value);

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value) && Object.keys(value).every((key) => key.startsWith('$'));

function tighter(a: RangeStart | undefined, b: RangeStart): RangeStart {
  if (!a) return b;
  if (a.value === b.value || (a.value instanceof Date && b.value instanceof Date && a.value.getTime() === b.value.getTime())) {
    return { value: a.value, inclusive: a.inclusive && b.inclusive };
  }
  return (a.value as number) > (b.value as number) ? a : b;
}

function lowerBoundOf(condition: unknown): RangeStart | null {
  if (isScalar(condition)) return { value: condition, inclusive: true };
  if (!isOperatorObject(condition)) return null;
  if ('$gt' in condition && isScalar(condition.$gt)) return { value: condition.$gt, inclusive: false };
  if ('$gte' in condition && isScalar(condition.$gte)) return { value: condition.$gte, inclusive: true };
  return null;
}

/** The loosest lower bound on `field` shared by every branch of an `$or`, if each has one. */
function orLowerBound(branches: unknown[], field: string): RangeStart | null {
  let loosest: RangeStart | null = null;
  for (const branch of branches) {
    if (branch === null || typeof branch !== 'object') return null;
    const bound = lowerBoundOf((branch as Record<string, unknown>)[field]);
    if (!bound) return null;
    if (!loosest || (bound.value as number) < (loosest.value as number)) loosest = bound;
    else if (bound.value === loosest.value) loosest = { value: bound.value, inclusive: loosest.inclusive || bound.inclusive };
  }
  return loosest;
}

function constraintsOf(filter: Filter, sortField: string | null, into: Constraints = { equal: new Map(), anyOf: new Map(), from: new Map() }): Constraints {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const term of condition) if (term && typeof term === 'object') constraintsOf(term as Filter, sortField, into);
      continue;
    }
    if (field === '$or' && Array.isArray(condition) && sortField) {
      const bound = orLowerBound(condition, sortField);
      if (bound) into.from.set(sortField, tighter(into.from.get(sortField), bound));
      continue;
    }
    if (field.startsWith('$')) continue;
    if (isScalar(condition)) into.equal.set(field, condition);
    else if (isOperatorObject(condition)) {
      if (Array.isArray(condition.$in) && Object.keys(condition).length === 1) into.anyOf.set(field, condition.$in);
      const bound = lowerBoundOf(condition);
      if (bound) into.from.set(field, tighter(into.from.get(field), bound));
    }
  }
  return into;
}

/** The sort fields without a trailing `_id` (the indexes break ties by `_id` themselves). */
function sortFields(sort: SortSpec): { fields: string[]; directions: (1 | -1)[]; idDirection: 1 | -1 | null } {
  const entries = Object.entries(sort);
  const last = entries.at(-1);
  const idDirection = last && last[0] === '_id' && entries.length > 1 ? last[1] : null;
  const kept = idDirection === null ? entries : entries.slice(0, -1);
  return { fields: kept.map(([field]) => field), directions: kept.map(([, direction]) => direction), idDirection };
}

/**
 * Picks how to find a query's candidates: an index range in the order of the sort when
 * one fits (so a page stops after `limit` matches), else the union of index ranges for
 * equal or `$in` values, else the range above a lower bound, else every document.
 */
export function plan(filter: Filter, sort: SortSpec | undefined, indexes: readonly SortedIndex[], all: () => Iterable<string>): Plan {
  const wanted = sort ? sortFields(sort) : null;
  const constraints = constraintsOf(filter, wanted?.fields[0] ?? null);

  if (wanted && wanted.fields.length > 0) {
    let best: { index: SortedIndex; prefix: unknown[]; reverse: boolean } | null = null;
    for (const index of indexes) {
      // An explicit trailing _id only spells out the tie order every index has.
      const keyed = index.fields.length > 1 && index.fields.at(-1) === '_id' ? index.fields.length - 1 : index.fields.length;
      const fields = index.fields.slice(0, keyed);
      const prefixLength = fields.length - wanted.fields.length;
      if (prefixLength < 0) continue;
      const prefixFields = fields.slice(0, prefixLength);
      if (!prefixFields.every((field) => constraints.equal.has(field))) continue;
      const tail = fields.slice(prefixLength);
      if (!tail.every((field, i) => field === wanted.fields[i])) continue;
      const forward = tail.every((_, i) => index.directions[prefixLength + i] === wanted.directions[i]);
      const backward = tail.every((_, i) => index.directions[prefixLength + i] === -(wanted.directions[i] ?? 1));
      if (!forward && !backward) continue;
      // Ties come by _id in the last key field's direction, reversed with the scan.
      const tieDirection = (index.directions.at(-1) ?? 1) * (forward ? 1 : -1);
      if (wanted.idDirection !== null && wanted.idDirection !== tieDirection) continue;
      if (!best || prefixLength > best.prefix.length) {
        best = { index, prefix: prefixFields.map((field) => constraints.equal.get(field)), reverse: !forward };
      }
    }
    if (best) {
      const from = constraints.from.get(wanted.fields[0]!) ?? null;
      return { ids: best.index.scan(best.prefix, from, best.reverse), ordered: true, index: best.index.name };
    }
  }

  let chosen: { index: SortedIndex; values: unknown[][] } | null = null;
  for (const index of indexes) {
    const first = index.fields[0]!;
    const values = constraints.equal.has(first) ? [[constraints.equal.get(first)]] : constraints.anyOf.has(first) ? constraints.anyOf.get(first)!.map((value) => [value]) : null;
    if (!values) continue;
    // More pinned fields narrow the range further.
    const pinned = values.length === 1 ? index.fields.findIndex((field) => !constraints.equal.has(field)) : 1;
    const prefix = values.length === 1 ? index.fields.slice(0, pinned === -1 ? index.fields.length : pinned).map((field) => constraints.equal.get(field)) : null;
    const candidate = { index, values: prefix ? [prefix] : values };
    if (!chosen || (candidate.values[0]!.length > chosen.values[0]!.length && candidate.values.length <= chosen.values.length)) chosen = candidate;
  }
  if (chosen) {
    const { index, values } = chosen;
    return {
      ids: (function* () {
        const seen = new Set<string>();
        for (const prefix of values) {
          for (const id of index.scan(prefix)) {
            if (seen.has(id)) continue;
            seen.add(id);
            yield id;
          }
        }
      })(),
      ordered: false,
      index: index.name,
    };
  }
  // A lower bound on an index's first (ascending) field: the range from it, e.g. pending outboxes.
  for (const index of indexes) {
    const from = constraints.from.get(index.fields[0]!);
    if (from && index.directions[0] === 1 && from.value !== null) return { ids: index.scan([], from), ordered: false, index: index.name };
  }
  return { ids: all(), ordered: false, index: null };
}
