import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DOCUMENT_LOCKS, DocumentBusyError, type LockDocument } from '../../src/datasources/mongo/document-locks.js';
import { MongoDocumentStore } from '../../src/datasources/mongo/mongo-document-store.js';
import { requireEnv } from '../support/env.js';

interface Counter {
  _id: string;
  n: number;
}

describe('per-document locks across instances (FerretDB)', () => {
  const database = `test_locks_${randomUUID().slice(0, 8)}`;
  let a: MongoDocumentStore;
  let b: MongoDocumentStore;
  before(async () => {
    const url = requireEnv('MONGODB_URL');
    // Two instances of the service, as far as the store can tell.
    a = await MongoDocumentStore.connect({ url, database, locks: { holder: 'instance-a', ttlMs: 2_000, waitMs: 500 } });
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
});
