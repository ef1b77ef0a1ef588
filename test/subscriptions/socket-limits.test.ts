import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { createEvent } from '../support/events.js';
import { ProtocolSocket } from '../support/ws-client.js';

const LIVE = 'subscription($id: ID!) { eventStatsChanged(eventId: $id) { eventId } }';

describe('bounded sockets', () => {
  let app: TestApp;
  let eventId: string;
  before(async () => {
    app = await startTestApp({
      mode: 'embedded',
      env: { WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2', WS_MAX_SUBSCRIPTIONS_PER_CLIENT: '3', WS_MAX_OPERATIONS_PER_MINUTE: '6', WS_MAX_MESSAGE_BYTES: '4000' },
    });
    eventId = await createEvent(app, uniqueUser('host'));
  });
  after(() => app?.stop());

  const socketOf = async (userId: string) => {
    const socket = new ProtocolSocket(app.url, { token: await app.token(userId) });
    await socket.acknowledged;
    return socket;
  };
  /** Whether a new subscription on `socket` was refused, and with which code. */
  const refusal = async (socket: ProtocolSocket) => {
    const id = socket.start(LIVE, { id: eventId });
    const refused = await Promise.race([
      socket.outcome(id).then((outcome) => outcome.errors?.[0]?.extensions?.code ?? 'completed'),
      waitUntil(() => app.deps.live.subscriberCount(eventId) > held).then(() => null),
    ]);
    if (refused === null) held += 1;
    return { id, refused };
  };
  let held = 0;
  async function waitUntil(condition: () => boolean) {
    while (!condition()) await new Promise((resolve) => setImmediate(resolve));
  }

  it('holds at most the configured subscriptions per socket, and frees a place when one completes', async () => {
    const socket = await socketOf(uniqueUser('viewer'));
    const first = await refusal(socket);
    assert.equal(first.refused, null);
    assert.equal((await refusal(socket)).refused, null);
    const third = socket.start(LIVE, { id: eventId });
    const outcome = await socket.outcome(third);
    assert.deepEqual(outcome.errors?.map((error) => [error.extensions?.code, error.extensions?.limit, error.extensions?.scope]), [['TOO_MANY_SUBSCRIPTIONS', 2, 'socket']]);
    socket.complete(first.id);
    await waitUntil(() => app.deps.live.subscriberCount(eventId) === held - 1);
    held -= 1;
    assert.equal((await refusal(socket)).refused, null);
    await socket.close();
    await waitUntil(() => app.deps.live.subscriberCount(eventId) === held - 2);
    held -= 2;
  });

  it('holds at most the configured subscriptions per user over all their sockets, until a socket closes', async () => {
    const user = uniqueUser('busy');
    const [a, b] = [await socketOf(user), await socketOf(user)];
    assert.equal((await refusal(a)).refused, null);
    assert.equal((await refusal(a)).refused, null);
    assert.equal((await refusal(b)).refused, null);
    const fourth = await b.outcome(b.start(LIVE, { id: eventId }));
    assert.deepEqual(fourth.errors?.map((error) => [error.extensions?.code, error.extensions?.scope]), [['TOO_MANY_SUBSCRIPTIONS', 'client']]);
    // Someone else is not affected.
    const other = await socketOf(uniqueUser('other'));
    assert.equal((await refusal(other)).refused, null);
    await a.close();
    await waitUntil(() => app.deps.live.subscriberCount(eventId) === held - 2);
    held -= 2;
    assert.equal((await refusal(b)).refused, null);
    await Promise.all([b.close(), other.close()]);
    await waitUntil(() => app.deps.live.subscriberCount(eventId) === 0);
    held = 0;
  });

  it('answers operations beyond the per-socket rate with RATE_LIMITED and retryAfter', async () => {
    const socket = await socketOf(uniqueUser('eager'));
    for (let i = 0; i < 6; i++) assert.equal((await socket.run('{ categories { id } }')).errors, null);
    const limited = await socket.run('{ categories { id } }');
    assert.equal(limited.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    assert.ok(Number(limited.errors?.[0]?.extensions?.retryAfter) > 0);
    // A fresh socket has its own allowance; the limit protects the socket, not the account.
    const fresh = await socketOf(uniqueUser('eager'));
    assert.equal((await fresh.run('{ categories { id } }')).errors, null);
    await Promise.all([socket.close(), fresh.close()]);
  });

  it('closes a socket that sends a message over the size limit with 1009', async () => {
    const socket = await socketOf(uniqueUser('large'));
    socket.start(`{ categories { id } } # ${'x'.repeat(5000)}`);
    assert.equal((await socket.closed).code, 1009);
  });
});
