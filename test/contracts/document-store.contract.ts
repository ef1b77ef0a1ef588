import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DuplicateKeyError, type DocumentStore, type IndexSpec } from '../../src/datasources/documents.js';

interface Row {
  _id: string;
  group: string;
  n: number;
  tags: string[];
  at: Date;
  nested: { count: number; map?: Record<string, { v: number }> };
  extra?: string;
}

/** What every DocumentStore must do the same way, on the real server and in-process. */
export function documentStoreContract(name: string, create: () => Promise<DocumentStore>) {
  describe(`DocumentStore contract: ${name}`, () => {
    let store: DocumentStore;
    before(async () => {
      store = await create();
    });
    after(async () => {
      await store.dropDatabase();
      await store.close();
    });

    const rows = () => store.collection<Row>(`rows_${randomUUID().slice(0, 8)}`);
    const row = (n: number, group = 'a'): Row => ({
      _id: `r${n}`,
      group,
      n,
      tags: [`t${n % 3}`],
      at: new Date(Date.UTC(2030, 0, n)),
      nested: { count: 0 },
    });

    it('finds by filter with sort, skip and limit, and keeps dates as dates', async () => {
      const c = rows();
      await c.insertMany([row(3), row(1), row(2), row(4, 'b')]);
      const found = await c.find({ group: 'a' }, { sort: { n: -1 }, skip: 1, limit: 2 });
      assert.deepEqual(found.map((r) => r._id), ['r2', 'r1']);
      assert.ok(found[0]!.at instanceof Date);
      assert.equal(found[0]!.at.toISOString(), '2030-01-02T00:00:00.000Z');
      assert.equal(await c.count({ n: { $gte: 2 } }), 3);
      assert.equal((await c.findOne({ _id: 'r4' }))?.group, 'b');
      assert.equal(await c.findOne({ _id: 'missing' }), null);
    });

    it('supports $in, $all, $or, $and and dotted paths in filters', async () => {
      const c = rows();
      await c.insertMany([row(1), row(2), row(3)]);
      assert.deepEqual((await c.find({ _id: { $in: ['r1', 'r3', 'nope'] } }, { sort: { _id: 1 } })).map((r) => r._id), ['r1', 'r3']);
      assert.equal(await c.count({ tags: { $all: ['t1'] } }), 1);
      assert.equal(await c.count({ $or: [{ n: 1 }, { n: 3 }] }), 2);
      assert.equal(await c.count({ $and: [{ group: 'a' }, { $or: [{ n: { $gt: 2 } }, { _id: 'r1' }] }] }), 2);
      assert.equal(await c.count({ 'nested.count': 0 }), 3);
      assert.equal((await c.find({ _id: 'r2', tags: 't2' })).length, 1, 'equality on an array field matches an element');
      assert.equal((await c.find({ _id: { $in: ['r1', 'r2'] }, tags: 't1' })).length, 1);
    });

    it('creates indexes idempotently, as every restart does', async () => {
      const c = rows();
      const indexes: IndexSpec[] = [
        { key: { group: 1, n: 1 }, name: 'group_n' },
        { key: { at: -1, _id: -1 }, name: 'at_id' },
      ];
      await c.createIndexes(indexes);
      await c.createIndexes(indexes);
      await c.insertOne(row(1));
      assert.equal(await c.count({ group: 'a' }), 1);
    });

    it('rejects a duplicate _id and a duplicate unique key with DuplicateKeyError', async () => {
      const c = rows();
      await c.createIndexes([{ key: { group: 1, n: 1 }, name: 'group_n', unique: true }]);
      await c.insertOne(row(1));
      await assert.rejects(c.insertOne(row(1)), DuplicateKeyError);
      await assert.rejects(c.insertOne({ ...row(1), _id: 'other' }), DuplicateKeyError);
      await c.insertOne({ ...row(1), _id: 'other', group: 'b' });
      assert.equal(await c.count({}), 2);
    });

    it('updates atomically with $set, $inc, $unset, $addToSet and $pull, and reports matches', async () => {
      const c = rows();
      await c.insertOne(row(1));
      const result = await c.updateOne(
        { _id: 'r1' },
        { $set: { extra: 'x', 'nested.map.k1': { v: 1 } }, $inc: { n: 5, 'nested.count': 2 }, $addToSet: { tags: 'new' } },
      );
      assert.deepEqual(result, { matched: 1, upserted: false });
      let stored = await c.findOne({ _id: 'r1' });
      assert.equal(stored?.n, 6);
      assert.equal(stored?.nested.count, 2);
      assert.deepEqual(stored?.nested.map, { k1: { v: 1 } });
      assert.deepEqual(stored?.tags, ['t1', 'new']);
      await c.updateOne({ _id: 'r1' }, { $unset: { extra: '', 'nested.map.k1': '' }, $pull: { tags: 't1' } });
      stored = await c.findOne({ _id: 'r1' });
      assert.equal(stored?.extra, undefined);
      assert.deepEqual(stored?.nested.map, {});
      assert.deepEqual(stored?.tags, ['new']);
      assert.deepEqual(await c.updateOne({ _id: 'missing' }, { $set: { n: 1 } }), { matched: 0, upserted: false });
    });

    it('leaves a document read before an update as it was, nested maps and arrays included', async () => {
      const c = rows();
      await c.insertOne({ ...row(1), nested: { count: 1, map: { k1: { v: 1 }, k2: { v: 2 } } } });
      await c.updateOne({ _id: 'r1' }, { $set: { 'nested.map.k3': { v: 3 } } });
      const before = await c.findOne({ _id: 'r1' });
      const seen = structuredClone(before);
      await c.updateOne(
        { _id: 'r1' },
        { $set: { 'nested.map.k4': { v: 4 }, 'nested.map.k1.v': 10 }, $unset: { 'nested.map.k2': '' }, $inc: { 'nested.count': 1 }, $push: { tags: 'pushed' } },
      );
      await c.updateOne({ _id: 'r1' }, { $addToSet: { tags: 'added' } });
      await c.updateOne({ _id: 'r1' }, { $pull: { tags: 't1' } });
      assert.deepEqual(before, seen);
      const after = await c.findOne({ _id: 'r1' });
      assert.deepEqual(after?.nested, { count: 2, map: { k1: { v: 10 }, k3: { v: 3 }, k4: { v: 4 } } });
      assert.deepEqual(after?.tags, ['pushed', 'added']);
    });

    it('applies a conditional update only while the condition holds (a seat claim)', async () => {
      const c = rows();
      await c.insertOne({ ...row(1), n: 2 });
      const claims = await Promise.all(
        Array.from({ length: 5 }, () => c.findOneAndUpdate({ _id: 'r1', n: { $gt: 0 } }, { $inc: { n: -1 } })),
      );
      assert.equal(claims.filter((claim) => claim !== null).length, 2);
      assert.equal((await c.findOne({ _id: 'r1' }))?.n, 0);
    });

    it('loses no concurrent update of one document (counters and outbox-style map entries)', async () => {
      const c = rows();
      await c.insertOne(row(1));
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          c.updateOne({ _id: 'r1' }, { $inc: { 'nested.count': 1 }, $set: { [`nested.map.k${i}`]: { v: i } } }),
        ),
      );
      const stored = await c.findOne({ _id: 'r1' });
      assert.equal(stored?.nested.count, 100);
      assert.equal(Object.keys(stored?.nested.map ?? {}).length, 100);
    });

    it('findOneAndUpdate returns the document after the update, or null', async () => {
      const c = rows();
      await c.insertOne(row(1));
      const updated = await c.findOneAndUpdate({ _id: 'r1' }, { $set: { extra: 'after' } });
      assert.equal(updated?.extra, 'after');
      assert.equal(await c.findOneAndUpdate({ _id: 'nope' }, { $set: { extra: 'x' } }), null);
    });

    it('answers an upsert expected to create its document like any upsert: null when it inserted, what it replaced otherwise', async () => {
      const c = rows();
      const answer = (extra: string) =>
        c.findOneAndUpdate(
          { _id: 'u1', extra: { $ne: extra } },
          { $set: { group: 'g', n: 1, tags: [], at: new Date(0), nested: { count: 0 }, extra } },
          { upsert: true, returnDocument: 'before', likelyNew: true },
        );
      assert.equal(await answer('first'), null);
      assert.equal((await c.findOne({ _id: 'u1' }))?.extra, 'first');
      assert.equal((await answer('second'))?.extra, 'first');
      assert.equal((await c.findOne({ _id: 'u1' }))?.extra, 'second');
      // The filter leaves the document out, so the upsert meets its _id.
      await assert.rejects(answer('second'), DuplicateKeyError);
      const inserted = await c.findOneAndUpdate({ _id: 'u2', group: 'h' }, { $set: { n: 2 } }, { upsert: true, likelyNew: true });
      assert.deepEqual([inserted?._id, inserted?.group, inserted?.n], ['u2', 'h', 2]);
      assert.deepEqual(await c.count({}), 2);
    });

    it('upserts from the filter and $setOnInsert, once', async () => {
      const c = rows();
      const first = await c.updateOne(
        { _id: 'u1', group: 'g' },
        { $setOnInsert: { n: 1, tags: [], at: new Date(0) }, $inc: { 'nested.count': 1 } },
        { upsert: true },
      );
      assert.deepEqual(first, { matched: 0, upserted: true });
      const second = await c.updateOne(
        { _id: 'u1', group: 'g' },
        { $setOnInsert: { n: 99 }, $inc: { 'nested.count': 1 } },
        { upsert: true },
      );
      assert.deepEqual(second, { matched: 1, upserted: false });
      const stored = await c.findOne({ _id: 'u1' });
      assert.equal(stored?.group, 'g');
      assert.equal(stored?.n, 1);
      assert.equal(stored?.nested.count, 2);
    });

    it('updates and deletes many, and counts per field value', async () => {
      const c = rows();
      await c.insertMany([row(1), row(2), row(3, 'b')]);
      assert.equal(await c.updateMany({ group: 'a' }, { $set: { extra: 'y' } }), 2);
      assert.deepEqual(Object.fromEntries(await c.countBy({}, 'group')), { a: 2, b: 1 });
      assert.equal(await c.deleteOne({ group: 'a' }), 1);
      assert.equal(await c.deleteMany({}), 2);
      assert.equal(await c.count({}), 0);
    });
    it('pages through indexed sort orders like MongoDB, ties by _id, while documents move', async () => {
      const c = rows();
      await c.createIndexes([
        { key: { at: 1, _id: 1 }, name: 'at_id' },
        { key: { group: 1, n: -1 }, name: 'group_n' },
        { key: { tags: 1, at: 1 }, name: 'tags_at' },
      ]);
      const day = (d: number) => new Date(Date.UTC(2030, 0, d));
      await c.insertMany(
        Array.from({ length: 30 }, (_, i) => ({ ...row(i + 1, i % 2 === 0 ? 'a' : 'b'), at: day(1 + (i % 5)), tags: [`t${i % 3}`, 'all'] })),
      );
      // A document moves in every index before the reads.
      await c.updateOne({ _id: 'r1' }, { $set: { at: day(9), group: 'b', tags: ['t9'] } });
      await c.deleteOne({ _id: 'r2' });

      const expected = (await c.find({})).filter((r) => r._id !== 'r2');
      const byAtThenId = [...expected].sort((x, y) => x.at.getTime() - y.at.getTime() || (x._id < y._id ? -1 : 1));
      const pages: string[] = [];
      let after: { at: Date; id: string } | null = null;
      for (;;) {
        const filter = after ? { $or: [{ at: { $gt: after.at } }, { at: after.at, _id: { $gt: after.id } }] } : {};
        const page = await c.find(filter, { sort: { at: 1, _id: 1 }, limit: 7 });
        pages.push(...page.map((r) => r._id));
        if (page.length < 7) break;
        after = { at: page.at(-1)!.at, id: page.at(-1)!._id };
      }
      assert.deepEqual(pages, byAtThenId.map((r) => r._id));

      const groupB = (await c.find({ group: 'b' }, { sort: { n: -1, _id: -1 }, limit: 4 })).map((r) => r._id);
      assert.deepEqual(groupB, expected.filter((r) => r.group === 'b').sort((x, y) => y.n - x.n).slice(0, 4).map((r) => r._id));
      const reversed = (await c.find({ group: 'a' }, { sort: { n: 1 } })).map((r) => r.n);
      assert.deepEqual(reversed, [...reversed].sort((x, y) => x - y));

      const tagged = await c.find({ tags: 't1', at: { $gte: day(3) } }, { sort: { at: 1, _id: 1 } });
      assert.deepEqual(
        tagged.map((r) => r._id),
        byAtThenId.filter((r) => r.tags.includes('t1') && r.at >= day(3)).map((r) => r._id),
      );
      assert.equal(await c.count({ tags: { $in: ['t9', 't0'] } }), expected.filter((r) => r.tags.includes('t9') || r.tags.includes('t0')).length);
      assert.equal(await c.count({ tags: 'all' }), 28, 'r1 lost the tag and r2 is gone');
    });

    it('answers an $or of $in terms on two indexed fields in sort order, by pages, each document once', async () => {
      const c = rows();
      await c.createIndexes([
        { key: { at: 1, _id: 1 }, name: 'at_id' },
        { key: { group: 1, at: 1 }, name: 'group_at' },
        { key: { tags: 1, at: 1 }, name: 'tags_at' },
      ]);
      const day = (d: number) => new Date(Date.UTC(2030, 0, d));
      // Few days (ties by _id), several tags per row, rows in both branches.
      const all = Array.from({ length: 40 }, (_, i) => ({ ...row(i + 1, ['a', 'b', 'c'][i % 3]!), at: day(1 + (i % 4)), tags: [`t${i % 5}`, `t${i % 7}`] }));
      await c.insertMany(all);
      const wanted = (r: Row) => ['b', 'c'].includes(r.group) || r.tags.some((tag) => ['t1', 't6'].includes(tag));
      const filter = { $or: [{ group: { $in: ['c', 'b', 'c'] } }, { tags: { $in: ['t6', 't1', 'nope'] } }] };
      const order = (x: Row, y: Row) => x.at.getTime() - y.at.getTime() || (x._id < y._id ? -1 : 1);
      const expected = all.filter(wanted).sort(order).map((r) => r._id);

      const pages: string[] = [];
      let after: Row | null = null;
      for (;;) {
        const position = after ? [{ $or: [{ at: { $gt: after.at } }, { at: after.at, _id: { $gt: after._id } }] }] : [];
        const page = await c.find({ $and: [filter, ...position] }, { sort: { at: 1, _id: 1 }, limit: 6 });
        pages.push(...page.map((r) => r._id));
        if (page.length < 6) break;
        after = page.at(-1)!;
      }
      assert.deepEqual(pages, expected);
      assert.deepEqual(
        (await c.find(filter, { sort: { at: -1, _id: -1 }, skip: 2, limit: 5 })).map((r) => r._id),
        [...expected].reverse().slice(2, 7),
      );
      assert.deepEqual(
        (await c.find({ group: { $in: ['a', 'c'] } }, { sort: { at: 1, _id: 1 }, limit: 8 })).map((r) => r._id),
        all.filter((r) => r.group !== 'b').sort(order).slice(0, 8).map((r) => r._id),
      );
      assert.deepEqual(await c.find({ $or: [{ group: { $in: [] } }, { tags: { $in: [] } }] }, { sort: { at: 1, _id: 1 }, limit: 5 }), []);
      assert.equal(await c.count(filter), expected.length);
    });
  });
}
