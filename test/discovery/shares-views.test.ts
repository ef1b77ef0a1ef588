import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { EventShared, EventViewed } from '../../src/domain/messaging/event-messages.js';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { collectEvents } from '../support/messages.js';
import { createAt, datastoreCalls, lonelyPlace } from './support.js';

const SHARE = 'mutation($e: ID!, $c: ShareChannel!) { shareEvent(eventId: $e, channel: $c) { id stats { shares } } }';
const VIEW = 'query($id: ID!) { event(id: $id) { id title } }';

/** Read from the store, not through event(id), which would count as a view. */
async function statsOf(app: TestApp, eventId: string) {
  const event = await app.deps.events.findById(eventId);
  assert.ok(event, `event ${eventId} is stored`);
  return event.stats;
}

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`shares and views (${mode} stores)`, () => {
    let app: TestApp;
    /** Commands on the events collection (consumers and jobs read others in the background). */
    const commands: string[] = [];
    const host = uniqueUser('host');

    before(async () => {
      // The outbox relay polls only when kicked, so the commands counted are the requests'.
      app = await startTestApp({
        mode,
        onCommand: (name, collection) => {
          if (collection === 'events') commands.push(name);
        },
        env: { VIEWS_FLUSH_INTERVAL_SECONDS: '3600', VIEWS_MAX_BUFFERED: '50', OUTBOX_POLL_MS: '3600000' },
      });
    });
    after(() => app.stop());

    it('counts a share once per person, event and day, and publishes event.shared', async () => {
      const eventId = await createAt(app, host, lonelyPlace());
      const messages = await collectEvents(app.deps.bus, TOPICS.events, eventId);
      try {
        const [ann, bob] = [uniqueUser('ann'), uniqueUser('bob')];
        const shares = async (viewer: string | undefined, channel = 'EMAIL') => {
          const result = await app.gql<{ shareEvent: { stats: { shares: number } } }>(SHARE, { e: eventId, c: channel }, viewer);
          assert.equal(result.errors, undefined, JSON.stringify(result.errors));
          return result.data!.shareEvent.stats.shares;
        };
        assert.equal(await shares(ann), 1);
        assert.equal(await shares(ann, 'SMS'), 1);
        assert.equal(await shares(bob, 'SOCIAL'), 2);
        assert.equal(await shares(undefined, 'LINK'), 3);
        assert.equal(await shares(undefined, 'LINK'), 3);
        const shared = (await messages.waitFor(4)).filter((message) => EventShared.is(message.event)).map((message) => EventShared.parse(message.event));
        assert.deepEqual(
          shared.map((data) => [data.sharedBy, data.channel]),
          [[ann, 'EMAIL'], [bob, 'SOCIAL'], [null, 'LINK']],
        );
      } finally {
        await messages.stop();
      }
    });

    it('refuses to share an event the viewer cannot see, as if it did not exist, and counts nothing', async () => {
      const eventId = await createAt(app, host, lonelyPlace(), { privacy: 'PRIVATE' });
      for (const [id, viewer] of [[eventId, uniqueUser('stranger')], [eventId, undefined], ['no-such-event', host]] as const) {
        const result = await app.gql(SHARE, { e: id, c: 'LINK' }, viewer);
        assert.equal(result.errors?.[0]?.extensions?.code, 'NOT_FOUND');
        assert.equal(result.errors?.[0]?.extensions?.field, 'eventId');
      }
      assert.equal((await statsOf(app, eventId)).shares, 0);
    });

    it('records a view of event(id) without any I/O beyond reading the event, and counts unique viewers per day at the flush', async () => {
      const eventId = await createAt(app, host, lonelyPlace());
      const messages = await collectEvents(app.deps.bus, TOPICS.events, eventId);
      try {
        await app.deps.views.flush();
        await eventually(async () => assert.equal((await app.deps.outbox.backlog()).entries, 0), { what: 'the outbox relay to be idle' });
        const viewers = [uniqueUser('v'), uniqueUser('v'), uniqueUser('v')];
        const redisBefore = await datastoreCalls(app, 'redis');
        commands.length = 0;
        for (const viewer of [...viewers, viewers[0]!, undefined, undefined]) {
          const result = await app.gql<{ event: { id: string } }>(VIEW, { id: eventId }, viewer);
          assert.equal(result.data!.event.id, eventId);
        }
        if (mode === 'real') {
          assert.deepEqual(commands, Array(6).fill('find'), 'one read of the event per request, no write');
          assert.equal(await datastoreCalls(app, 'redis'), redisBefore, 'no Redis call');
        }
        assert.equal((await statsOf(app, eventId)).views, 0, 'nothing written before the flush');

        // Three users and one anonymous client (this test's address).
        assert.equal(await app.deps.views.flush(), 4);
        assert.equal((await statsOf(app, eventId)).views, 4);
        for (const viewer of viewers) await app.gql(VIEW, { id: eventId }, viewer);
        assert.equal(await app.deps.views.flush(), 0, 'the same viewers the same day count once');
        const tomorrow = Date.now() + 86_400_000;
        app.deps.views.record(eventId, `user:${viewers[0]}`, tomorrow);
        assert.equal(await app.deps.views.flush(), 1, 'and again on another day');
        assert.equal((await statsOf(app, eventId)).views, 5);

        const viewed = (await messages.waitFor(3)).filter((message) => EventViewed.is(message.event)).map((message) => EventViewed.parse(message.event));
        assert.deepEqual(viewed.map((data) => data.views), [4, 1]);
        assert.equal(viewed[1]!.day, new Date(tomorrow).toISOString().slice(0, 10));
      } finally {
        await messages.stop();
      }
    });

    it('records no view of an event the viewer cannot see', async () => {
      const eventId = await createAt(app, host, lonelyPlace(), { privacy: 'PRIVATE' });
      await app.deps.views.flush();
      assert.equal((await app.gql<{ event: null }>(VIEW, { id: eventId }, uniqueUser('stranger'))).data!.event, null);
      assert.equal(await app.deps.views.flush(), 0);
    });

    it('holds at most VIEWS_MAX_BUFFERED views between flushes and counts those it drops', async () => {
      await app.deps.views.flush();
      const eventId = await createAt(app, host, lonelyPlace());
      const dropped = async () => (await app.deps.metrics.viewsDropped.get()).values[0]?.value ?? 0;
      const before = await dropped();
      for (let i = 0; i < 60; i++) app.deps.views.record(eventId, `user:viewer-${i}`);
      assert.equal(await dropped(), before + 10);
      assert.equal(await app.deps.views.flush(), 50);
    });
  });
}

describe('unique views across instances (real servers)', () => {
  let one: TestApp;
  let two: TestApp;
  before(async () => {
    one = await startTestApp({ mode: 'real', env: { VIEWS_FLUSH_INTERVAL_SECONDS: '3600' } });
    // The same database and Redis keys: another replica of the same service.
    two = await startTestApp({
      mode: 'real',
      env: { VIEWS_FLUSH_INTERVAL_SECONDS: '3600', MONGODB_DATABASE: one.config.mongo!.database, REDIS_KEY_PREFIX: one.config.redis!.keyPrefix },
    });
  });
  after(async () => {
    await two?.stop();
    await one?.stop();
  });

  it('counts a viewer seen by two instances once', async () => {
    const host = uniqueUser('host');
    const eventId = await createAt(one, host, lonelyPlace());
    const [ann, bob, cat] = [uniqueUser('ann'), uniqueUser('bob'), uniqueUser('cat')];
    for (const viewer of [ann, bob]) await one.gql(VIEW, { id: eventId }, viewer);
    for (const viewer of [bob, cat]) await two.gql(VIEW, { id: eventId }, viewer);
    const counted = (await one.deps.views.flush()) + (await two.deps.views.flush());
    assert.equal(counted, 3);
    assert.equal((await statsOf(one, eventId)).views, 3);
  });
});
