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

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  insert(item: T): void {
    this.count += 1;
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
    if (list.length === 0) this.chunks.splice(chunk, 1);
    this.count -= 1;
    return true;
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

  /** Items from `start` (inclusive) to `end` (exclusive), forwards or backwards. */
  *between(start: Position, end: Position, reverse = false): Generator<T> {
    if (!reverse) {
      for (let c = start.chunk, o = start.offset; c < end.chunk || (c === end.chunk && o < end.offset); ) {
        const list = this.chunks[c];
        if (!list) return;
        if (o >= list.length) {
          c += 1;
          o = 0;
          continue;
        }
        yield list[o]!;
        o += 1;
      }
      return;
    }
    let c = end.chunk;
    let o = end.offset - 1;
    for (;;) {
      if (o < 0) {
        c -= 1;
        if (c < 0) return;
        o = this.chunks[c]!.length - 1;
        continue;
      }
      if (c < start.chunk || (c === start.chunk && o < start.offset)) return;
      yield this.chunks[c]![o]!;
      o -= 1;
    }
  }
}
