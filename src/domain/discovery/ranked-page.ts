import type { Page, RankCursor, RankPosition } from '../../datasources/paging.js';

/** Ascending by key, then by id: how every ranked list of discovery is ordered and paged. */
export function compareRank(a: RankPosition, b: RankPosition): number {
  for (let i = 0; i < a.key.length; i++) {
    const order = a.key[i]! - b.key[i]!;
    if (order !== 0) return order;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One page of a ranked list held in memory (already narrowed to what the viewer may
 * see): the items after `after`, at most `first`; `count` is the whole list's length.
 */
export function rankedPage<T>(items: readonly T[], positionOf: (item: T) => RankPosition, cursor: RankCursor, first: number, after: RankPosition | null): Page<T> {
  const sorted = items.map((item) => ({ item, position: positionOf(item) })).sort((a, b) => compareRank(a.position, b.position));
  const rest = after ? sorted.filter((entry) => compareRank(entry.position, after) > 0) : sorted;
  const page = rest.slice(0, first);
  const positions = new Map(page.map((entry) => [entry.item, entry.position]));
  return {
    items: page.map((entry) => entry.item),
    hasNextPage: rest.length > first,
    cursorOf: (item) => cursor.encode(positions.get(item) ?? positionOf(item)),
    count: () => Promise.resolve(sorted.length),
  };
}
