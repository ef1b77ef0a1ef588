import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { createEvent } from '../support/events.js';

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { hostedEvents { totalCount } coHostedEvents { totalCount } } } }';

describe('the browse bucket covers every way of listing events', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'embedded', env: { RATE_LIMIT_BROWSE_PER_HOUR: '3' } });
  });
  after(() => app?.stop());

  const codes = (result: { errors?: { extensions?: { code?: string } }[] }) => [...new Set((result.errors ?? []).map((error) => error.extensions?.code))];

  it('charges a user’s hosted and co-hosted events through _entities, once per request however many users it lists', async () => {
    const viewer = uniqueUser('router-client');
    const hosts = Array.from({ length: 20 }, () => uniqueUser('host'));
    await createEvent(app, hosts[0]!);
    const representations = hosts.map((id) => ({ __typename: 'User', id }));
    const first = await app.gql<{ _entities: { hostedEvents: { totalCount: number } }[] }>(ENTITIES, { r: representations }, viewer);
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    assert.equal(first.data?._entities[0]?.hostedEvents.totalCount, 1);
    assert.deepEqual(codes(await app.gql(ENTITIES, { r: representations }, viewer)), []);
    assert.deepEqual(codes(await app.gql(ENTITIES, { r: representations }, viewer)), []);
    const limited = await app.gql(ENTITIES, { r: representations.slice(0, 1) }, viewer);
    assert.deepEqual(codes(limited), ['RATE_LIMITED']);
    assert.ok(Number(limited.errors?.[0]?.extensions?.retryAfter) > 0);
  });

  it('shares the bucket between events, myEvents, myInvitations and a user’s lists', async () => {
    const viewer = uniqueUser('browser');
    const calls = [
      '{ events { totalCount } }',
      '{ myEvents { totalCount } }',
      '{ myInvitations { totalCount } }',
    ];
    for (const query of calls) assert.deepEqual(codes(await app.gql(query, {}, viewer)), [], query);
    for (const query of [...calls, `{ _entities(representations: [{ __typename: "User", id: "${viewer}" }]) { ... on User { hostedEvents { totalCount } } } }`]) {
      assert.deepEqual(codes(await app.gql(query, {}, viewer)), ['RATE_LIMITED'], query);
    }
  });
});
