const MAX_CHUNK = 512;

/** A place in a SortedList: between items, before the item at (chunk, offset). */
export interface Position {
  chunk: number;
  offset: number;
}

/**
 * A sorted list in chunks of at most a few hundred items: inserting, removing and
 * finding a bound cost O(log n + chunk size) instead of the O(n) shift of one big
 * array, so an index of 100,000 documents is built and kept current cheaply.
 */
export class SortedList<T> {
  private chunks: T[][] = [];
  private count = 0;
  /** Items before each chunk, for counting a range without visiting its chunks; null once the list changes (made again on the next count). */
  private itemsBefore: number[] | null = null;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  insert(item: T): void {
    this.count += 1;
    this.itemsBefore = null;
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      return;
    }
    const { chunk, offset } = this.bound((other) => this.compare(other, item) < 0);
    const target = Math.min(chunk, this.chunks.length - 1);
    const list = this.chunks[target]!;
    list.splice(chunk === target ? offset : list.length, 0, item);
    if (list.length > MAX_CHUNK) this.chunks.splice(target, 1, list.slice(0, list.length >> 1), list.slice(list.length >> 1));
  }

  /** Removes the item equal to `item` (compare 0); false when there is none. */
  remove(item: T): boolean {
    const { chunk, offset } = this.bound((other) => this.compare(other, item) < 0);
    const list = this.chunks[chunk];
    if (!list || offset >= list.length || this.compare(list[offset]!, item) !== 0) return false;
    list.splice(offset, 1);
    this.itemsBefore = null;
    if (list.length === 0) this.chunks.splice(chunk, 1);
    this.count -= 1;
    return true;
  }

  /** The list from its first item to past its last, without a search. */
  whole(): { start: Position; end: Position } {
    return { start: { chunk: 0, offset: 0 }, end: { chunk: this.chunks.length, offset: 0 } };
  }

  /** The first position whose item is not `before` (which must hold for a prefix of the list). */
  bound(before: (item: T) => boolean): Position {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(this.chunks[mid]!.at(-1)!)) low = mid + 1;
      else high = mid;
    }
    const list = this.chunks[low];
    if (!list) return { chunk: this.chunks.length, offset: 0 };
    let first = 0;
    let last = list.length;
    while (first < last) {
      const mid = (first + last) >>> 1;
      if (before(list[mid]!)) first = mid + 1;
      else last = mid;
    }
    return { chunk: low, offset: first };
  }

  /**
   * How many items lie from `start` (inclusive) to `end` (exclusive), no item read: the
   * query planner asks this of every index that could serve a query, and summing the
   * chunks of a whole index of 100,000 entries on each query showed in profiles.
   */
  countBetween(start: Position, end: Position): number {
    return Math.max(0, this.indexOf(end) - this.indexOf(start));
  }

  /** The number of items before `position`. */
  private indexOf(position: Position): number {
    if (position.chunk >= this.chunks.length) return this.count;
    const before = (this.itemsBefore ??= this.chunkStarts());
    return before[position.chunk]! + Math.min(position.offset, this.chunks[position.chunk]!.length);
  }

  private chunkStarts(): number[] {
    const starts: number[] = [];
    let items = 0;
    for (const chunk of this.chunks) {
      starts.push(items);
      items += chunk.length;
    }
    return starts;
  }

  /** Items from `start` (inclusive) to `end` (exclusive), forwards or backwards. */
  *between(start: Position, end: Position, reverse = false): Generator<T> {
    const cursor = this.cursor(start, end, reverse);
    for (let item = cursor.next(); item !== undefined; item = cursor.next()) yield item;
  }

  /** `between` one item at a time, without a generator's cost per item (valid until the list next changes). */
  cursor(start: Position, end: Position, reverse = false): Cursor<T> {
    return new ListCursor(this.chunks, start, end, reverse);
  }
}

/** A sequence read one item at a time; undefined once it is done. */
export interface Cursor<T> {
  next(): T | undefined;
}

class ListCursor<T> implements Cursor<T> {
  private chunk: number;
  private offset: number;

  constructor(
    private readonly chunks: readonly (readonly T[])[],
    private readonly start: Position,
    private readonly end: Position,
    private readonly reverse: boolean,
  ) {
    this.chunk = reverse ? end.chunk : start.chunk;
    this.offset = reverse ? end.offset - 1 : start.offset;
  }

  next(): T | undefined {
    const { chunks, start, end } = this;
    if (!this.reverse) {
      while (this.chunk < end.chunk || (this.chunk === end.chunk && this.offset < end.offset)) {
        const list = chunks[this.chunk];
        if (!list) return undefined;
        if (this.offset < list.length) return list[this.offset++];
        this.chunk += 1;
        this.offset = 0;
      }
      return undefined;
    }
    for (;;) {
      if (this.offset < 0) {
        this.chunk -= 1;
        if (this.chunk < 0) return undefined;
        this.offset = chunks[this.chunk]!.length - 1;
        continue;
      }
      if (this.chunk < start.chunk || (this.chunk === start.chunk && this.offset < start.offset)) return undefined;
      return chunks[this.chunk]![this.offset--];
    }
  }
}
