import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SortedList } from '../../src/datasources/embedded/sorted-list.js';

describe("the embedded store's sorted list", () => {
  it('counts the items between two bounds exactly, as items are added and removed across many chunks', () => {
    const list = new SortedList<number>((a, b) => a - b);
    const kept: number[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let step = 0; step < 6_000; step++) {
      if (kept.length > 0 && random() < 0.3) {
        const [gone] = kept.splice(Math.floor(random() * kept.length), 1);
        assert.equal(list.remove(gone!), true);
      } else {
        const value = Math.floor(random() * 1_000_000);
        list.insert(value);
        kept.push(value);
      }
      if (step % 97 === 0) {
        const [low, high] = [Math.floor(random() * 1_000_000), Math.floor(random() * 1_000_000)].sort((a, b) => a - b) as [number, number];
        const start = list.bound((item) => item < low);
        const end = list.bound((item) => item < high);
        assert.equal(list.countBetween(start, end), kept.filter((value) => value >= low && value < high).length);
        assert.equal(list.countBetween(end, start), 0);
        assert.equal([...list.between(start, end)].length, list.countBetween(start, end));
      }
    }
    assert.equal(list.size, kept.length);
  });
});
