import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { answer, createEvent } from '../support/events.js';
import { LIVE, waitFor, type Change, type Errors } from '../support/live.js';
import { ProtocolSocket, subscribe } from '../support/ws-client.js';


async function ok(app: TestApp, query: string, variables: Record<string, unknown>, userId: string) {
  const result = await app.gql(query, variables, userId);
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
}

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`live access ends when access ends (${mode === 'real' ? 'real Kafka and stores' : 'embedded twins'})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode, env: { RATE_LIMIT_RSVP_PER_HOUR: '10000', LIVE_MAX_UPDATES_PER_SECOND: '50' } });
    });
    after(() => app?.stop());

    /** A live subscription of `userId`, once the server holds it. */
    async function watch(eventId: string, userId: string, holders: number) {
      const live = subscribe<Change>(app.url, await app.token(userId), LIVE, { id: eventId });
      await waitFor(() => app.deps.live.subscriberCount(eventId) === holders);
      return live;
    }

    it('ends a stranger’s stream with NOT_FOUND when the event turns private, and keeps the host’s', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host);
      const stranger = await watch(eventId, uniqueUser('stranger'), 1);
      const own = await watch(eventId, host, 2);
      await ok(app, 'mutation($id: ID!) { updateEvent(id: $id, input: { privacy: PRIVATE }) { id } }', { id: eventId }, host);
      const errors = (await stranger.error) as Errors;
      assert.deepEqual(errors.map((error) => error.extensions?.code), ['NOT_FOUND']);
      await waitFor(() => app.deps.live.subscriberCount(eventId) === 1);
      // The host still sees it: the next answer reaches them.
      assert.equal((await answer(app, eventId, host, 'GOING')).errors, undefined);
      await own.until((latest) => latest.eventStatsChanged.counts.going === 1);
      assert.equal(stranger.received.length, 0);
      await Promise.all([stranger.dispose(), own.dispose()]);
    });

    it('ends a removed co-host’s stream on a private event with NOT_FOUND', async () => {
      const host = uniqueUser('host');
      const cohost = uniqueUser('cohost');
      const eventId = await createEvent(app, host, { privacy: 'PRIVATE' });
      await ok(app, 'mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }', { e: eventId, u: cohost }, host);
      const live = await watch(eventId, cohost, 1);
      await ok(app, 'mutation($e: ID!, $u: ID!) { removeCoHost(eventId: $e, userId: $u) { id } }', { e: eventId, u: cohost }, host);
      assert.deepEqual(((await live.error) as Errors).map((error) => error.extensions?.code), ['NOT_FOUND']);
      await live.dispose();
    });

    it('ends the stream of someone who withdrew the answer that let them see a private event', async () => {
      const host = uniqueUser('host');
      const guest = uniqueUser('guest');
      const eventId = await createEvent(app, host, { privacy: 'PRIVATE' });
      await ok(app, 'mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }', { e: eventId, u: guest }, host);
      // The host's stream shows when the answer's counts have gone out, so none of them
      // reaches the guest's stream below, which must see nothing but its end.
      const own = await watch(eventId, host, 1);
      assert.equal((await answer(app, eventId, guest, 'GOING')).errors, undefined);
      await own.until((latest) => latest.eventStatsChanged.counts.going === 1);
      await ok(app, 'mutation($e: ID!, $u: ID!) { removeCoHost(eventId: $e, userId: $u) { id } }', { e: eventId, u: guest }, host);
      // A co-host no longer, but an attendee: still allowed.
      const live = await watch(eventId, guest, 2);
      await ok(app, 'mutation($e: ID!) { removeRsvp(eventId: $e) { id } }', { e: eventId }, guest);
      assert.deepEqual(((await live.error) as Errors).map((error) => error.extensions?.code), ['NOT_FOUND']);
      // The withdrawal's counts reach the host, not the guest who lost the event.
      await own.until((latest) => latest.eventStatsChanged.counts.going === 0);
      assert.equal(live.received.length, 0);
      await Promise.all([live.dispose(), own.dispose()]);
    });

    it('ends every stream of a deleted event with NOT_FOUND', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host);
      const live = await watch(eventId, host, 1);
      await ok(app, 'mutation($id: ID!) { deleteEvent(id: $id) }', { id: eventId }, host);
      assert.deepEqual(((await live.error) as Errors).map((error) => error.extensions?.code), ['NOT_FOUND']);
      await live.dispose();
    });

    it('ends streams with UNAUTHENTICATED when the token expires, then closes the socket with 4403', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host);
      // JWT expiry has a resolution of one second.
      const socket = new ProtocolSocket(app.url, { token: await app.token(host, Math.floor(Date.now() / 1000) + 3) });
      await socket.acknowledged;
      const id = socket.start(LIVE, { id: eventId });
      await waitFor(() => app.deps.live.subscriberCount(eventId) === 1);
      const outcome = await socket.outcome(id);
      assert.deepEqual(outcome.errors?.map((error) => [error.extensions?.code, error.message]), [['UNAUTHENTICATED', 'the token has expired']]);
      assert.deepEqual(await socket.closed, { code: 4403, reason: 'token expired' });
      assert.equal(app.deps.live.subscriberCount(eventId), 0);
    });

    it('lets a stock graphql-ws client subscribe again at once: it reconnects with a fresh token', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host);
      const expiries: number[] = [];
      const client = createClient({
        url: app.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 3,
        // The first token expires within seconds; the next ones are fresh.
        connectionParams: async () => {
          const exp = Math.floor(Date.now() / 1000) + (expiries.length === 0 ? 3 : 600);
          expiries.push(exp);
          return { authorization: `Bearer ${await app.token(host, exp)}` };
        },
      });
      try {
        const next = () =>
          new Promise<{ data?: unknown; errors?: unknown }>((resolve) => {
            client.subscribe({ query: LIVE, variables: { id: eventId } }, { next: (value) => resolve(value), error: (errors) => resolve({ errors }), complete: () => undefined });
          });
        const ended = (await next()) as { errors?: Errors };
        assert.deepEqual(ended.errors?.map((error) => error.extensions?.code), ['UNAUTHENTICATED']);
        // Subscribing again right away: sent on the closing socket, then again on a new one.
        const resumed = next();
        await waitFor(() => app.deps.live.subscriberCount(eventId) === 1);
        assert.equal((await answer(app, eventId, uniqueUser('guest'), 'GOING')).errors, undefined);
        assert.deepEqual(await resumed, { data: { eventStatsChanged: { eventId, counts: { going: 1 } } } });
        assert.equal(expiries.length, 2);
      } finally {
        await client.dispose();
      }
    });
  });
}

describe('tokens without an expiry', () => {
  let strict: TestApp;
  let lenient: TestApp;
  before(async () => {
    strict = await startTestApp({ mode: 'embedded' });
    lenient = await startTestApp({ mode: 'embedded', env: { AUTH_ALLOW_TOKENS_WITHOUT_EXP: 'true' } });
  });
  after(async () => {
    await strict?.stop();
    await lenient?.stop();
  });

  const unexpiring = async (app: TestApp, userId: string) => {
    const { SignJWT } = await import('jose');
    return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).sign(new TextEncoder().encode(app.config.auth.secret!));
  };

  const myEvents = async (app: TestApp, token: string) => {
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ myEvents { totalCount } }' }) });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Errors } };
  };

  it('are refused over HTTP (401) and WebSocket (4403) unless configuration allows them', async () => {
    const token = await unexpiring(strict, uniqueUser('forever'));
    const http = await myEvents(strict, token);
    assert.equal(http.status, 401);
    assert.deepEqual(http.body.errors?.map((error) => [error.extensions?.code, error.message]), [['UNAUTHENTICATED', 'the token has no expiry (exp)']]);
    const socket = new ProtocolSocket(strict.url, { token });
    assert.equal((await socket.closed).code, 4403);

    const allowed = await myEvents(lenient, await unexpiring(lenient, uniqueUser('forever')));
    assert.deepEqual(allowed.body, { data: { myEvents: { totalCount: 0 } } });
  });
});
