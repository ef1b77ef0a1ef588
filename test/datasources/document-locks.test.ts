import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DOCUMENT_LOCKS, DocumentBusyError, type LockDocument } from '../../src/datasources/mongo/document-locks.js';
import { DuplicateKeyError } from '../../src/datasources/documents.js';
import { LOCKED_READ, MongoDocumentStore } from '../../src/datasources/mongo/mongo-document-store.js';
import { requireEnv } from '../support/env.js';

interface Counter {
  _id: string;
  n: number;
  open?: boolean;
  kind?: string;
}

/** A command instance a sent to the store, as the tests below look at it. */
interface SentCommand {
  name: string;
  collection: string | null;
  filter: unknown;
  lockedRead: boolean;
}

describe('per-document locks across instances (FerretDB)', () => {
  const database = `test_locks_${randomUUID().slice(0, 8)}`;
  let a: MongoDocumentStore;
  let b: MongoDocumentStore;
  const sentByA: SentCommand[] = [];
  const counters = (sent: readonly SentCommand[]) => sent.filter((command) => command.collection === 'counters');
  before(async () => {
    const url = requireEnv('MONGODB_URL');
    // Two instances of the service, as far as the store can tell.
    a = await MongoDocumentStore.connect({
      url,
      database,
      locks: { holder: 'instance-a', ttlMs: 2_000, waitMs: 500 },
      onCommand: (name, collection, command) =>
        sentByA.push({ name, collection, filter: command.query ?? command.filter ?? null, lockedRead: command.comment === LOCKED_READ }),
    });
    b = await MongoDocumentStore.connect({ url, database, locks: { holder: 'instance-b', ttlMs: 2_000, waitMs: 500 } });
  });
  after(async () => {
    await a?.dropDatabase();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('are used on FerretDB, detected from buildInfo', () => {
    assert.equal(a.isolation, 'lock');
  });

  it('keep concurrent increments of one document from two instances from losing any', async () => {
    await a.collection<Counter>('counters').insertOne({ _id: 'c1', n: 0 });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).collection<Counter>('counters').updateOne({ _id: 'c1' }, { $inc: { n: 1 } })),
    );
    assert.equal((await a.collection<Counter>('counters').findOne({ _id: 'c1' }))?.n, 40);
    assert.equal(await a.collection(DOCUMENT_LOCKS).count({}), 0, 'every lock was released');
  });

  it('make a write wait for a document another instance holds, and fail closed when it stays held', async () => {
    await a.collection<Counter>('counters').insertOne({ _id: 'c2', n: 0 });
    await a.collection<LockDocument>(DOCUMENT_LOCKS).insertOne({ _id: 'counters:c2', holder: 'instance-c', token: 't', expiresAt: new Date(Date.now() + 60_000) });
    await assert.rejects(b.collection<Counter>('counters').updateOne({ _id: 'c2' }, { $inc: { n: 1 } }), DocumentBusyError);
    assert.equal((await a.collection<Counter>('counters').findOne({ _id: 'c2' }))?.n, 0, 'nothing was written');
  });

  it('break the lock of an instance that died once it expired', async () => {
    await a.collection<Counter>('counters').insertOne({ _id: 'c3', n: 0 });
    await a.collection<LockDocument>(DOCUMENT_LOCKS).insertOne({ _id: 'counters:c3', holder: 'instance-dead', token: 'old', expiresAt: new Date(Date.now() - 1_000) });
    await b.collection<Counter>('counters').updateOne({ _id: 'c3' }, { $inc: { n: 1 } });
    assert.equal((await a.collection<Counter>('counters').findOne({ _id: 'c3' }))?.n, 1);
    assert.equal(await a.collection(DOCUMENT_LOCKS).count({ _id: 'counters:c3' }), 0);
  });

  it('check the terms of a conditional write against the locked document, and send it by `_id` alone', async () => {
    const collection = a.collection<Counter>('counters');
    await collection.insertOne({ _id: 'g1', n: 0, open: true });
    sentByA.length = 0;
    assert.equal(await collection.findOneAndUpdate({ _id: 'g1', open: false }, { $inc: { n: 1 } }), null);
    // The read under the lock found the terms unmet: nothing else was sent.
    assert.deepEqual(
      counters(sentByA).map((command) => [command.name, command.lockedRead]),
      [['find', true]],
    );
    sentByA.length = 0;
    assert.equal((await collection.findOneAndUpdate({ _id: 'g1', open: true, n: { $lt: 1 } }, { $inc: { n: 1 } }))?.n, 1);
    const [read, write] = counters(sentByA);
    assert.deepEqual([read?.name, read?.lockedRead, write?.name, write?.filter], ['find', true, 'findAndModify', { _id: 'g1' }]);
    assert.equal((await collection.findOne({ _id: 'g1' }))?.n, 1);
  });

  it('let only as many concurrent guarded writes through, from two instances, as the guard allows', async () => {
    await a.collection<Counter>('counters').insertOne({ _id: 'g2', n: 0 });
    sentByA.length = 0;
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        (i % 2 === 0 ? a : b).collection<Counter>('counters').findOneAndUpdate({ _id: 'g2', n: { $lt: 5 } }, { $inc: { n: 1 } }),
      ),
    );
    assert.equal(results.filter((result) => result !== null).length, 5);
    assert.equal((await a.collection<Counter>('counters').findOne({ _id: 'g2' }))?.n, 5);
    // Writes queued behind one another share their hold, and what the previous one returned.
    const sent = counters(sentByA);
    assert.ok(
      sent.filter((command) => command.lockedRead).length < 12,
      `instance a read the document ${sent.filter((command) => command.lockedRead).length} times for its 12 writes`,
    );
  });

  it('send an upsert of a missing document as it is, so the store creates it from its filter', async () => {
    const collection = a.collection<Counter>('counters');
    const created = await collection.findOneAndUpdate({ _id: 'g3', kind: 'fresh' }, { $set: { n: 1 } }, { upsert: true });
    assert.deepEqual(created, { _id: 'g3', kind: 'fresh', n: 1 });
    const { matched } = await collection.updateOne({ _id: 'g3', kind: 'other' }, { $set: { n: 2 } });
    assert.equal(matched, 0);
    // An upsert whose filter misses an existing `_id` would insert it again: refused, as MongoDB does.
    await assert.rejects(collection.updateOne({ _id: 'g3', kind: 'other' }, { $set: { n: 2 } }, { upsert: true }), DuplicateKeyError);
    assert.equal((await collection.findOne({ _id: 'g3' }))?.n, 1);
  });
});
