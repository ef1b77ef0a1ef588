import type { Cursor } from './sorted-list.js';

/**
 * The items of cursors each sorted by `compare`, merged into one sorted sequence, lazily:
 * a binary heap of their next items, so n items of k cursors cost O(n log k) and a reader
 * that stops after a page reads no further in any of them. `compare` is also told which
 * cursor each item came from (items of different indexes keep their sort key at
 * different places).
 */
export class MergedCursor<T, C extends Cursor<T>> implements Cursor<T> {
  private readonly heads: T[] = [];
  private readonly sources: C[] = [];

  constructor(
    cursors: readonly C[],
    private readonly compare: (a: T, aFrom: C, b: T, bFrom: C) => number,
  ) {
    for (const cursor of cursors) {
      const head = cursor.next();
      if (head === undefined) continue;
      this.heads.push(head);
      this.sources.push(cursor);
    }
    for (let i = (this.heads.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  next(): T | undefined {
    const { heads, sources } = this;
    if (heads.length === 0) return undefined;
    const item = heads[0]!;
    const following = sources[0]!.next();
    if (following !== undefined) heads[0] = following;
    else {
      const lastHead = heads.pop()!;
      const lastSource = sources.pop()!;
      if (heads.length === 0) return item;
      heads[0] = lastHead;
      sources[0] = lastSource;
    }
    this.siftDown(0);
    return item;
  }

  private before(i: number, j: number): boolean {
    return this.compare(this.heads[i]!, this.sources[i]!, this.heads[j]!, this.sources[j]!) < 0;
  }

  private siftDown(from: number): void {
    const { heads, sources } = this;
    for (let i = from; ; ) {
      const left = 2 * i + 1;
      let least = i;
      if (left < heads.length && this.before(left, least)) least = left;
      if (left + 1 < heads.length && this.before(left + 1, least)) least = left + 1;
      if (least === i) return;
      const head = heads[i]!;
      heads[i] = heads[least]!;
      heads[least] = head;
      const source = sources[i]!;
      sources[i] = sources[least]!;
      sources[least] = source;
      i = least;
    }
  }
}
