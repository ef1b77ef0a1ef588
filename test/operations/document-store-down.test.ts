import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDedicatedServer, type DedicatedServer } from '../../scripts/servers/index.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { answer, createEvent } from '../support/events.js';
import { eventually } from '../support/eventually.js';
import { dependencyBecomes, FAST_BREAKERS, health, readyStatus } from './support.js';

const EVENT = 'query($id: ID!) { event(id: $id) { id stats { going } } }';

describe('document store down (dedicated FerretDB stopped and restarted)', () => {
  let ferretdb: DedicatedServer;
  let app: TestApp;
  before(async () => {
    ferretdb = await startDedicatedServer('ferretdb');
    app = await startTestApp({ mode: 'real', env: { ...ferretdb.env, ...FAST_BREAKERS, MONGODB_TIMEOUT_MS: '5000' } });
  });
  after(async () => {
    await app?.stop();
    await ferretdb?.dispose();
  });

  it('answers SERVICE_UNAVAILABLE, turns /ready false and /health down while staying live, and recovers by itself', async () => {
    const host = uniqueUser('host');
    const eventId = await createEvent(app, host);
    assert.equal(await readyStatus(app), 200);

    await ferretdb.stop('SIGKILL');
    for (let i = 0; i < 3; i++) {
      const read = await app.gql(EVENT, { id: eventId }, host);
      assert.equal(read.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE', JSON.stringify(read.errors));
      assert.match(read.errors?.[0]?.message ?? '', /event storage is temporarily unavailable/);
      assert.equal(read.data?.event ?? null, null);
    }
    const written = await answer(app, eventId, uniqueUser('guest'), 'GOING');
    assert.equal(written.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
    const report = await dependencyBecomes(app, 'mongodb', 'down', 'open');
    assert.equal(report.status, 'down');
    assert.equal((await fetch(new URL('/health', app.url))).status, 503);
    assert.equal(await readyStatus(app), 503, 'without its store the instance cannot serve');
    assert.equal((await fetch(new URL('/live', app.url))).status, 200, 'but it is not wedged: no restart wanted');

    await ferretdb.start();
    await dependencyBecomes(app, 'mongodb', 'up', 'closed');
    await eventually(async () => assert.equal(await readyStatus(app), 200), { what: '/ready again' });
    // A store just restarted may answer its first reads slowly; reads come back first.
    await eventually(async () => assert.equal((await app.gql(EVENT, { id: eventId }, host)).errors, undefined), { what: 'reads again' });
    // The first write after the restart may still be refused with `retryAfter`; a client retries
    // as told (the same guest: a refusal that left half an answer would show in the count below).
    const guest = uniqueUser('guest');
    await eventually(async () => assert.equal((await answer(app, eventId, guest, 'GOING')).errors, undefined), { what: 'an answer accepted again' });
    const read = await app.gql<{ event: { stats: { going: number } } }>(EVENT, { id: eventId }, host);
    assert.equal(read.data?.event.stats.going, 1, 'the answer refused during the outage left nothing behind');
    assert.equal((await health(app)).status, 'ok');
  });
});
