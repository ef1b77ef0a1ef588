import type { KeyValueStore } from '../../datasources/cache.js';

/** An event's place on the board. */
export interface BoardEntry {
  id: string;
  rank: number;
}

export interface BoardPlacement extends BoardEntry {
  categoryId: string | null;
}

/**
 * The trending ranking in Redis: one sorted set of every trending event and one per
 * category, scored by trend rank (see scoring.ts), kept current by the discovery
 * consumer and rebuilt from the store by the trending warmer. A marker the warmer sets
 * (expiring after a few missed rebuilds) tells readers the board is whole: after a
 * Redis flush or restart it is gone, and readers use the store until the next rebuild.
 */
export class TrendingBoard {
  static readonly ALL = 'trending:all';
  private static readonly BUILT = 'trending:built';

  constructor(
    private readonly kv: KeyValueStore,
    /** How long a rebuild vouches for the board: a few warmer intervals. */
    private readonly builtTtlSeconds: number,
  ) {}

  static keyOf(categoryId: string | null): string {
    return categoryId === null ? TrendingBoard.ALL : `trending:category:${categoryId}`;
  }

  async place(entry: BoardPlacement): Promise<void> {
    const member = [{ member: entry.id, score: entry.rank }];
    await Promise.all([
      this.kv.sortedSetAdd(TrendingBoard.ALL, member),
      entry.categoryId === null ? undefined : this.kv.sortedSetAdd(TrendingBoard.keyOf(entry.categoryId), member),
    ]);
  }

  /** Takes the event off the board and off each of `categoryIds`. */
  async remove(id: string, categoryIds: readonly string[]): Promise<void> {
    await Promise.all([TrendingBoard.ALL, ...categoryIds.map((categoryId) => TrendingBoard.keyOf(categoryId))].map((key) => this.kv.sortedSetRemove(key, [id])));
  }

  /** Up to `count` entries, hottest first, after `after`; null when the board is not built (the caller asks the store). */
  async top(categoryId: string | null, count: number, after?: BoardEntry): Promise<BoardEntry[] | null> {
    const [built, entries] = await Promise.all([
      this.kv.get(TrendingBoard.BUILT),
      this.kv.sortedSetTop(TrendingBoard.keyOf(categoryId), count, after ? { member: after.id, score: after.rank } : undefined),
    ]);
    if (built === null) return null;
    return entries.map((entry) => ({ id: entry.member, rank: entry.score }));
  }

  /** Replaces every ranking with `entries` (categories in `categoryIds` without entries are emptied) and marks the board built. */
  async rebuild(entries: readonly BoardPlacement[], categoryIds: readonly string[]): Promise<void> {
    const byCategory = new Map<string, BoardPlacement[]>(categoryIds.map((id) => [id, []]));
    for (const entry of entries) {
      if (entry.categoryId === null) continue;
      const list = byCategory.get(entry.categoryId) ?? [];
      list.push(entry);
      byCategory.set(entry.categoryId, list);
    }
    const asMembers = (list: readonly BoardPlacement[]) => list.map((entry) => ({ member: entry.id, score: entry.rank }));
    await this.kv.sortedSetReplace(TrendingBoard.ALL, asMembers(entries));
    for (const [categoryId, list] of byCategory) await this.kv.sortedSetReplace(TrendingBoard.keyOf(categoryId), asMembers(list));
    await this.kv.set(TrendingBoard.BUILT, new Date().toISOString(), this.builtTtlSeconds);
  }
}
