import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startDedicatedServer, type DedicatedServer } from '../../scripts/servers/index.js';
import { MongoDocumentStore } from '../../src/datasources/mongo/mongo-document-store.js';
import { Neo4jSocialGraph } from '../../src/datasources/neo4j/neo4j-social-graph.js';
import { RedisKeyValueStore } from '../../src/datasources/redis/redis-key-value-store.js';

/**
 * Tests that stop, crash, freeze and restart a real server rely on these promises of a
 * dedicated server: the same address and the same data after it comes back. (Kafka's are
 * proven by the broker-restart tests of the consumers and the outbox.)
 */

/** Writes through a fresh connection, then reads through another one. */
interface Probe {
  write(server: DedicatedServer): Promise<void>;
  read(server: DedicatedServer): Promise<unknown>;
  expected: unknown;
}

async function withKeyValueStore<T>(server: DedicatedServer, work: (store: RedisKeyValueStore) => Promise<T>): Promise<T> {
  const store = await RedisKeyValueStore.connect(server.url, { keyPrefix: 'dedicated:' });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const keyValueProbe: Probe = {
  write: (server) => withKeyValueStore(server, (store) => store.set('kept', 'across restarts', 600)),
  read: (server) => withKeyValueStore(server, (store) => store.get('kept')),
  expected: 'across restarts',
};

interface Note {
  _id: string;
  text: string;
}

async function withDocumentStore<T>(server: DedicatedServer, work: (store: MongoDocumentStore) => Promise<T>): Promise<T> {
  const store = await MongoDocumentStore.connect({ url: server.url, database: 'dedicated' });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function withGraph<T>(server: DedicatedServer, work: (graph: Neo4jSocialGraph) => Promise<T>): Promise<T> {
  const graph = await Neo4jSocialGraph.connect({ url: server.url });
  try {
    return await work(graph);
  } finally {
    await graph.close();
  }
}

const PROBES = {
  ferretdb: {
    write: (server) => withDocumentStore(server, (store) => store.collection<Note>('notes').insertOne({ _id: 'kept', text: 'across restarts' })),
    read: (server) => withDocumentStore(server, async (store) => (await store.collection<Note>('notes').findOne({ _id: 'kept' }))?.text),
    expected: 'across restarts',
  },
  redis: keyValueProbe,
  'redis-cluster': keyValueProbe,
  neo4j: {
    write: (server) => withGraph(server, (graph) => graph.addFriendship('ada', 'grace', new Date())),
    read: (server) => withGraph(server, (graph) => graph.areFriends('ada', 'grace')),
    expected: true,
  },
} satisfies Record<string, Probe>;

for (const [name, probe] of Object.entries(PROBES) as [keyof typeof PROBES, Probe][]) {
  describe(`a dedicated ${name}`, () => {
    let server: DedicatedServer;
    before(async () => {
      server = await startDedicatedServer(name);
    });
    after(async () => {
      await server?.dispose();
    });

    it('comes back on the same address with the same data after a stop, and after a crash', async () => {
      const url = server.url;
      await probe.write(server);
      await server.stop();
      await assert.rejects(probe.read(server), 'nothing answers while it is stopped');
      await server.start();
      assert.equal(server.url, url);
      assert.deepEqual(await probe.read(server), probe.expected);

      await server.stop('SIGKILL');
      await server.start();
      assert.deepEqual(await probe.read(server), probe.expected);
    });
  });
}

describe('a paused dedicated redis', () => {
  let server: DedicatedServer;
  before(async () => {
    server = await startDedicatedServer('redis');
  });
  after(async () => {
    await server?.dispose();
  });

  it('keeps connections open but answers nothing until it is resumed', async () => {
    const client = new Redis(server.url, { commandTimeout: 300, maxRetriesPerRequest: 0 });
    try {
      assert.equal(await client.ping(), 'PONG');
      server.pause();
      await assert.rejects(client.ping(), /Command timed out/);
      server.resume();
      assert.equal(await client.ping(), 'PONG');
    } finally {
      client.disconnect();
    }
  });
});
