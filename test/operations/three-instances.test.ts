import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signToken } from '../../src/auth.js';
import { loadConfig } from '../../src/config.js';
import { connectDeps, type Deps } from '../../src/deps.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import type { RsvpRecord } from '../../src/domain/rsvps/model.js';
import { createLogger } from '../../src/logger.js';
import { eventInput, TEST_JWT_SECRET, testEnv } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { collect } from '../support/messages.js';
import { startSubgraphProcess, type SubgraphProcess } from '../support/subgraph-process.js';

const INSTANCES = 3;
const SUBSCRIBERS = 200;
const ANSWERS = 1_000;
const IN_FLIGHT = 15;
const EVENTS = 5;
const CAPACITY = 100;
const KILL_AFTER = ANSWERS / 2;
const VICTIM = 1;

const RSVP = 'mutation($e: ID!, $s: RsvpStatus!) { rsvp(eventId: $e, status: $s) { status } }';
const LIVE = 'subscription($id: ID!) { eventStatsChanged(eventId: $id) { counts { going interested maybe notGoing waitlisted } } }';

type Counts = Record<'going' | 'interested' | 'maybe' | 'notGoing' | 'waitlisted', number>;

interface Subscriber {
  eventId: string;
  last: Counts | null;
  client: Client;
}

/** Retries by cause, for the test's diagnostics. */
const retries = new Map<string, number>();

/** What a router does: another instance when one does not answer or asks to retry. */
async function answerSomewhere(alive: () => SubgraphProcess[], userId: string, eventId: string, status: string): Promise<void> {
  const authorization = `Bearer ${await signToken(TEST_JWT_SECRET, userId, '1h')}`;
  for (let attempt = 0; attempt < 60; attempt++) {
    const instances = alive();
    const target = instances[(attempt + userId.length) % instances.length]!;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: RSVP, variables: { e: eventId, s: status } }),
      });
      const body = (await response.json()) as { data?: { rsvp: { status: string } }; errors?: { extensions?: { code?: string } }[] };
      if (body.data?.rsvp.status === status) return;
      const code = body.errors?.[0]?.extensions?.code;
      // A document still locked by the killed instance, until its lock expires.
      if (code !== 'SERVICE_UNAVAILABLE' && code !== 'CONFLICT') throw new Error(`answer refused: ${JSON.stringify(body.errors)}`);
      retries.set(code, (retries.get(code) ?? 0) + 1);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('answer refused')) throw error;
      retries.set('no answer', (retries.get('no answer') ?? 0) + 1);
      // The instance died under the request: whether it was recorded is for the retry to find out.
    }
    await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
  }
  throw new Error(`${userId} could not answer`);
}

describe('three instances on FerretDB, one killed midway (per-document locks)', () => {
  const shared = (() => {
    const id = randomUUID().slice(0, 8);
    return testEnv('real', {
      MONGODB_DATABASE: `test_three_${id}`,
      REDIS_KEY_PREFIX: `test-three-${id}:`,
      CONSUMER_GROUP_PREFIX: `test-three-${id}`,
      CONSUMERS_ENABLED: 'true',
      RATE_LIMIT_RSVP_PER_HOUR: '100000',
      LIVE_MAX_UPDATES_PER_SECOND: '20',
      MONGODB_LOCK_TTL_MS: '3000',
      RECONCILE_SETTLE_MS: '1000',
    });
  })();
  const instances: SubgraphProcess[] = [];
  const subscribers: Subscriber[] = [];
  let observer: { deps: Deps; close: () => Promise<void> };
  before(async () => {
    observer = await connectDeps(loadConfig({ ...shared, INSTANCE_ID: 'observer', LOG_LEVEL: 'silent' }), createLogger('silent'));
    const started = await Promise.allSettled(Array.from({ length: INSTANCES }, (_, i) => startSubgraphProcess({ ...shared, INSTANCE_ID: `three-${i}-${shared.INSTANCE_ID}` })));
    // Those that did start are stopped by `after` even when another did not.
    for (const outcome of started) if (outcome.status === 'fulfilled') instances.push(outcome.value);
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  });
  after(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.client.dispose()));
    for (const instance of instances) instance.kill('SIGTERM');
    await Promise.all(instances.map((instance) => instance.exited));
    await observer?.deps.store.dropDatabase().catch(() => undefined);
    await observer?.close();
  });

  it('keeps counts equal to the records, never oversells, brings every subscriber to the stored counts and every committed answer to Kafka', async (t) => {
    const began = Date.now();
    const phase = (name: string) => t.diagnostic(`${name} after ${((Date.now() - began) / 1000).toFixed(1)} s`);
    assert.equal(observer.deps.store.isolation, 'lock', 'FerretDB is detected as not isolating updates of one document');
    const killed = new Set<SubgraphProcess>();
    const alive = () => instances.filter((instance) => !killed.has(instance));
    const host = `host-${shared.INSTANCE_ID}`;
    const hostToken = await signToken(TEST_JWT_SECRET, host, '1h');
    const eventIds: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const response = await fetch(instances[i % INSTANCES]!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${hostToken}` },
        body: JSON.stringify({ query: 'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', variables: { input: eventInput({ capacity: CAPACITY }) } }),
      });
      eventIds.push(((await response.json()) as { data: { createEvent: { id: string } } }).data.createEvent.id);
    }
    const messages = await collect(observer.deps.bus, TOPICS.events, (message) => {
      const event = JSON.parse(message.value ?? 'null') as { id: string; type: string; subject: string; data: { userId: string | null; promoted?: boolean } } | null;
      return event && event.type === 'event.rsvp' && eventIds.includes(event.subject) ? event : null;
    });

    // 200 subscribers (each a user of their own) over the three instances; a subscriber whose instance dies reconnects to another.
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const watcherToken = await signToken(TEST_JWT_SECRET, `watcher-${i}-${shared.INSTANCE_ID}`, '1h');
      let target = i % INSTANCES;
      const subscriber: Subscriber = {
        eventId: eventIds[i % EVENTS]!,
        last: null,
        client: createClient({
          url: () => {
            while (killed.has(instances[target]!)) target = (target + 1) % INSTANCES;
            return instances[target]!.url.replace(/^http/, 'ws');
          },
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${watcherToken}` },
          retryAttempts: 1_000,
          shouldRetry: () => true,
          retryWait: () => new Promise((resolve) => setTimeout(resolve, 200)),
          lazy: false,
          onNonLazyError: () => undefined,
        }),
      };
      subscriber.client.subscribe<{ eventStatsChanged: { counts: Counts } }>(
        { query: LIVE, variables: { id: subscriber.eventId } },
        { next: (message) => void (message.data && (subscriber.last = message.data.eventStatsChanged.counts)), error: () => undefined, complete: () => undefined },
      );
      subscribers.push(subscriber);
    }
    await eventually(
      async () => {
        const held = await Promise.all(instances.map(async (instance) => ((await (await fetch(new URL('/health', instance.url))).json()) as { liveSubscriptions: number }).liveSubscriptions));
        assert.equal(held.reduce((sum, n) => sum + n, 0), SUBSCRIBERS);
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'every subscription held' },
    );

    phase('subscribed');
    // 1,000 answers spread over the instances and events; one instance killed halfway through.
    let sent = 0;
    const worker = async () => {
      while (sent < ANSWERS) {
        const n = sent++;
        if (n === KILL_AFTER) {
          instances[VICTIM]!.kill('SIGKILL');
          killed.add(instances[VICTIM]!);
        }
        const status = n % 5 === 4 ? (n % 2 === 0 ? 'MAYBE' : 'INTERESTED') : 'GOING';
        await answerSomewhere(alive, `guest-${n}-${shared.INSTANCE_ID}`, eventIds[n % EVENTS]!, status);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    assert.deepEqual(await instances[VICTIM]!.exited, { code: null, signal: 'SIGKILL' });
    phase(`answered (retries: ${JSON.stringify(Object.fromEntries(retries))})`);

    // The survivors' reconciler and relay finish what the killed one left (claimed seats, unwritten messages).
    const records = async (eventId: string) => observer.deps.store.collection<RsvpRecord>('rsvps').find({ eventId });
    for (const eventId of eventIds) {
      await eventually(async () => assert.equal(await observer.deps.ledger.reconcile(eventId), 'consistent'), {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: `${eventId} consistent`,
      });
    }
    await eventually(async () => assert.equal((await observer.deps.outbox.backlog()).entries, 0), { timeoutMs: 60_000, intervalMs: 200, what: 'every message published' });
    phase('reconciled and published');

    let committed = 0;
    const stored = new Map<string, Counts>();
    const messageIds = new Set<string>();
    for (const eventId of eventIds) {
      const answers = await records(eventId);
      committed += answers.length;
      for (const answer of answers) messageIds.add(answer.messageId!);
      const count = (bucket: string) => answers.filter((answer) => answer.bucket === bucket).length;
      const event = (await observer.deps.events.findById(eventId))!;
      const fromRecords: Counts = { going: count('GOING'), interested: count('INTERESTED'), maybe: count('MAYBE'), notGoing: count('NOT_GOING'), waitlisted: count('WAITLISTED') };
      const { going, interested, maybe, notGoing, waitlisted } = event.stats;
      assert.deepEqual({ going, interested, maybe, notGoing, waitlisted }, fromRecords, 'counts equal the records');
      assert.ok(fromRecords.going <= CAPACITY, `no more GOING than the capacity (${fromRecords.going})`);
      assert.equal(event.seatsLeft, CAPACITY - fromRecords.going);
      stored.set(eventId, fromRecords);
    }
    assert.equal(committed, ANSWERS, 'every answer was recorded once');

    await eventually(
      () => {
        const behind = subscribers.filter((subscriber) => JSON.stringify(subscriber.last) !== JSON.stringify(stored.get(subscriber.eventId)));
        assert.equal(behind.length, 0, `${behind.length} subscribers behind, e.g. ${JSON.stringify(behind[0]?.last)} vs ${JSON.stringify(stored.get(behind[0]?.eventId ?? ''))}`);
      },
      { timeoutMs: 2_000, intervalMs: 50, what: 'every subscriber at the stored counts' },
    );

    await eventually(
      () => {
        const published = new Set(messages.received.filter((event) => event.data.userId !== null && !event.data.promoted).map((event) => event.id));
        assert.deepEqual([...messageIds].filter((id) => !published.has(id)).length, 0, 'every committed answer reached Kafka');
        assert.equal(published.size, messageIds.size, 'and no answer that was not committed did');
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'every answer on Kafka' },
    );
    await messages.stop();
  });
});
