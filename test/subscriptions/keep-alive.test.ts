import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { createEvent } from '../support/events.js';
import { ProtocolSocket } from '../support/ws-client.js';

const LIVE = 'subscription($id: ID!) { eventStatsChanged(eventId: $id) { eventId } }';

describe('sockets kept alive by pings (WS_KEEPALIVE_MS)', () => {
  let app: TestApp;
  let eventId: string;
  before(async () => {
    app = await startTestApp({ mode: 'real', env: { WS_KEEPALIVE_MS: '200' } });
    eventId = await createEvent(app, uniqueUser('host'));
  });
  after(() => app?.stop());

  it('terminates a socket that leaves a ping unanswered, frees its subscription, and keeps the ones that answer', async () => {
    const before = app.deps.live.subscriberCount(eventId);
    const gone = new ProtocolSocket(app.url, { token: await app.token(uniqueUser('gone')), autoPong: false });
    const present = new ProtocolSocket(app.url, { token: await app.token(uniqueUser('present')) });
    await Promise.all([gone.acknowledged, present.acknowledged]);
    gone.start(LIVE, { id: eventId });
    present.start(LIVE, { id: eventId });
    await gone.pinged(1);

    const closed = await gone.closed;
    // Terminated, not closed: a peer that is gone would not read a close frame.
    assert.equal(closed.code, 1006);
    assert.ok(gone.pings >= 1);

    // The socket that answers stays open ping after ping, and its subscription stays held.
    await present.pinged(present.pings + 3);
    assert.equal(app.deps.live.subscriberCount(eventId), before + 1);
    const answered = await present.run('{ __typename }');
    assert.deepEqual(answered.results[0]?.data, { __typename: 'Query' });
    await present.close();
  });
});
