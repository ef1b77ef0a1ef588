import type { TimePosition } from './paging.js';
import type { Filter, SortSpec } from './documents.js';

export type Direction = 'asc' | 'desc';

/** Sort for keyset pagination on (field, _id). */
export function keysetSort(field: string, direction: Direction): SortSpec {
  const order = direction === 'asc' ? 1 : -1;
  return { [field]: order, _id: order };
}

/** Rows strictly after `position` in (field, _id) order: one index range, no skip. */
export function keysetAfter(field: string, position: TimePosition, direction: Direction): Filter {
  const beyond = direction === 'asc' ? '$gt' : '$lt';
  return { $or: [{ [field]: { [beyond]: position.time } }, { [field]: position.time, _id: { [beyond]: position.id } }] };
}
