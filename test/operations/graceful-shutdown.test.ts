import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signToken } from '../../src/auth.js';
import { loadConfig } from '../../src/config.js';
import { connectDeps, type Deps } from '../../src/deps.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import type { RsvpRecord } from '../../src/domain/rsvps/model.js';
import { createLogger } from '../../src/logger.js';
import { LEASES } from '../../src/datasources/store-lease.js';
import { eventInput, TEST_JWT_SECRET, testEnv } from '../support/app.js';
import { collectEvents } from '../support/messages.js';
import { startSubgraphProcess, type SubgraphProcess } from '../support/subgraph-process.js';

const RSVP = 'mutation($e: ID!) { rsvp(eventId: $e, status: GOING) { status } }';
const LIVE = 'subscription($id: ID!) { eventStatsChanged(eventId: $id) { counts { going } } }';
const ANSWERS = 400;
const IN_FLIGHT = 12;
const SIGTERM_AFTER = 60;

async function post(url: string, userId: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await signToken(TEST_JWT_SECRET, userId, '1h')}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] } };
}

describe('SIGTERM during a burst (the service in its own process, real servers)', () => {
  let env: Record<string, string>;
  let observer: { deps: Deps; close: () => Promise<void> };
  let child: SubgraphProcess;
  before(async () => {
    env = testEnv('real', { CONSUMERS_ENABLED: 'true', RATE_LIMIT_RSVP_PER_HOUR: '100000', SHUTDOWN_TIMEOUT_MS: '20000' });
    // Reads the store and the broker afterwards; runs no workers of its own.
    observer = await connectDeps(loadConfig({ ...env, LOG_LEVEL: 'silent' }), createLogger('silent'));
    child = await startSubgraphProcess(env);
  });
  after(async () => {
    child?.kill('SIGKILL');
    await observer?.deps.store.dropDatabase().catch(() => undefined);
    await observer?.close();
  });

  it('finishes what was in flight, closes sockets with 1001, flushes the outbox, commits offsets, releases leases and exits 0: nothing lost', async () => {
    const host = `host-${env.INSTANCE_ID}`;
    const created = await post(child.url, host, 'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', { input: eventInput({ capacity: 150 }) });
    const eventId = (created.body.data?.createEvent as { id: string }).id;
    const collector = await collectEvents(observer.deps.bus, TOPICS.events, eventId);

    const closes: number[] = [];
    const sockets = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const client = createClient({
          url: child.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${await signToken(TEST_JWT_SECRET, `watcher-${i}`, '1h')}` },
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => undefined,
          on: { closed: (event) => void closes.push((event as { code: number }).code) },
        });
        client.subscribe({ query: LIVE, variables: { id: eventId } }, { next: () => undefined, error: () => undefined, complete: () => undefined });
        return client;
      }),
    );

    const outcomes = new Map<string, string>();
    let next = 0;
    let succeeded = 0;
    const worker = async () => {
      while (next < ANSWERS) {
        const userId = `guest-${next++}-${env.INSTANCE_ID}`;
        try {
          const result = await post(child.url, userId, RSVP, { e: eventId });
          outcomes.set(userId, result.status === 200 && !result.body.errors ? 'ok' : `error ${result.status} ${result.body.errors?.[0]?.extensions?.code}`);
          if (outcomes.get(userId) === 'ok' && ++succeeded === SIGTERM_AFTER) child.kill('SIGTERM');
        } catch {
          // Refused or reset: the instance no longer takes work (a router would retry elsewhere).
          outcomes.set(userId, 'not taken');
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const exit = await child.exited;
    await Promise.all(sockets.map((client) => client.dispose()));

    assert.deepEqual(exit, { code: 0, signal: null }, 'a clean exit');
    const byOutcome = (outcome: string) => [...outcomes].filter(([, value]) => value === outcome).map(([user]) => user);
    assert.deepEqual([...new Set(outcomes.values())].filter((outcome) => outcome.startsWith('error')), [], 'no request failed half-way');
    assert.ok(byOutcome('ok').length >= SIGTERM_AFTER && byOutcome('not taken').length > 0, `answered ${byOutcome('ok').length}, refused ${byOutcome('not taken').length}`);
    assert.deepEqual(closes, [1001, 1001, 1001, 1001, 1001], 'every socket was told the server is going away');

    // Every answer acknowledged is recorded; nothing recorded is unannounced.
    const records = await observer.deps.store.collection<RsvpRecord>('rsvps').find({ eventId });
    const recorded = new Set(records.map((record) => record.userId));
    for (const user of byOutcome('ok')) assert.ok(recorded.has(user), `${user} was told yes and is recorded`);
    const event = await observer.deps.events.findById(eventId);
    assert.equal(event?.stats.going, records.filter((record) => record.bucket === 'GOING').length, 'counts equal the records');
    assert.equal(await observer.deps.store.collection('events').count({ _id: eventId, outboxCount: { $gt: 0 } }), 0, 'the outbox was flushed before exit');
    const messageIds = new Set(records.map((record) => record.messageId));
    await collector.waitFor(1 + records.length, 60_000).catch(() => undefined);
    await collector.stop();
    const published = new Set(collector.received.map((message) => message.event.id));
    assert.deepEqual([...messageIds].filter((id) => !published.has(id!)), [], 'every recorded answer reached Kafka');

    // Offsets of what its consumers processed are committed; its leases are given back.
    const processed = await observer.deps.store.collection<{ _id: string; consumer: string; partition: number; offset: string }>('processed_messages').find({ consumer: 'rsvp-graph' });
    assert.ok(processed.length > 0, 'the RSVP graph consumer processed answers before the shutdown');
    const committed = await observer.deps.bus.lag({ groupId: `${env.CONSUMER_GROUP_PREFIX}-rsvp-graph`, topics: [TOPICS.events] });
    for (const record of processed) {
      const partition = committed.find((lag) => lag.partition === record.partition);
      assert.ok((partition?.committedOffset ?? -1) > Number(record.offset), `offset ${record.offset} of partition ${record.partition} committed`);
    }
    assert.deepEqual(await observer.deps.store.collection(LEASES).find({ holder: env.INSTANCE_ID }), [], 'no lease left behind');
    assert.ok(child.logs.some((line) => line.msg === 'shut down cleanly'));
  });
});
