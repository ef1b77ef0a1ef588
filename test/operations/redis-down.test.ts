import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDedicatedServer, type DedicatedServer } from '../../scripts/servers/index.js';
import { eventInput, startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { answer, createEvent } from '../support/events.js';
import { subscribe } from '../support/ws-client.js';
import { eventually } from '../support/eventually.js';
import { dependencyBecomes, FAST_BREAKERS, health, readyStatus } from './support.js';

const LIVE = 'subscription($id: ID!) { eventStatsChanged(eventId: $id) { counts { going } } }';
const CREATE = 'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }';
const LIST = '{ events(first: 5) { edges { node { id } } } }';

describe('Redis down (dedicated server stopped and restarted)', () => {
  let redis: DedicatedServer;
  let app: TestApp;
  const logs: Record<string, unknown>[] = [];
  before(async () => {
    redis = await startDedicatedServer('redis');
    app = await startTestApp({
      mode: 'real',
      logs,
      env: { ...redis.env, ...FAST_BREAKERS, LOG_LEVEL: 'warn', RATE_LIMIT_CREATE_PER_HOUR: '3', RATE_LIMIT_BROWSE_PER_HOUR: '1', RATE_LIMIT_RSVP_PER_HOUR: '100' },
    });
  });
  after(async () => {
    await app?.stop();
    await redis?.dispose();
  });

  it('keeps reads, mutations, the outbox and live counts going; each bucket follows its choice; recovers by itself', async () => {
    const host = uniqueUser('host');
    const eventId = await createEvent(app, host, { capacity: 10 });
    const reader = uniqueUser('reader');
    assert.equal((await app.gql(LIST, {}, reader)).errors, undefined);
    assert.equal((await app.gql(LIST, {}, reader)).errors?.[0]?.extensions?.code, 'RATE_LIMITED', 'browse is counted in Redis while it is up');
    const live = subscribe<{ eventStatsChanged: { counts: { going: number } } }>(app.url, await app.token(host), LIVE, { id: eventId });
    await eventually(() => assert.equal(app.deps.live.subscriberCount(eventId), 1), { what: 'the subscription' });

    await redis.stop('SIGKILL');
    // Reads, the category counts (cached in Redis) and lists: browse fails open.
    for (let i = 0; i < 3; i++) {
      const read = await app.gql(`query($id: ID!) { event(id: $id) { id title } categories { id eventCount } events(first: 5) { edges { node { id } } } }`, { id: eventId }, reader);
      assert.equal(read.errors, undefined, JSON.stringify(read.errors));
    }
    // Mutations: answers recorded, published by the relay (its lease is in the store), counted live.
    for (let i = 0; i < 3; i++) assert.equal((await answer(app, eventId, uniqueUser('guest'), 'GOING')).errors, undefined);
    await live.until((latest) => latest.eventStatsChanged.counts.going === 3);
    // Creating events keeps a limit, per instance: 3 more, then RATE_LIMITED.
    const creates = [];
    for (let i = 0; i < 4; i++) creates.push(await app.gql(CREATE, { input: eventInput() }, host));
    assert.deepEqual(
      creates.map((result) => result.errors?.[0]?.extensions?.code ?? 'ok'),
      ['ok', 'ok', 'ok', 'RATE_LIMITED'],
      'without Redis, the same limit per instance',
    );
    const report = await dependencyBecomes(app, 'redis', 'down', 'open');
    assert.equal(report.status, 'degraded');
    assert.equal(await readyStatus(app), 200, 'Redis away does not take the instance out');
    assert.ok(logs.some((line) => line.msg === 'redis connection lost; reconnecting'), 'the lost connection is logged');
    assert.ok(logs.some((line) => String(line.msg).startsWith('redis unavailable: circuit open')));
    assert.match(await (await fetch(new URL('/metrics', app.url))).text(), /^dependency_circuit_state\{dependency="redis"\} 2$/m);

    await redis.start();
    await dependencyBecomes(app, 'redis', 'up', 'closed');
    assert.equal((await app.gql(LIST, {}, reader)).errors?.[0]?.extensions?.code, 'RATE_LIMITED', 'browse is counted in Redis again');
    assert.equal((await answer(app, eventId, uniqueUser('guest'), 'GOING')).errors, undefined);
    await live.until((latest) => latest.eventStatsChanged.counts.going === 4);
    assert.equal((await health(app)).status, 'ok');
    await live.dispose();
  });
});
