import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventInput, startTestApp, uniqueUser, type TestApp } from '../support/app.js';

/**
 * The same request answered by the direct path and by Apollo Server (which answers any
 * request carrying `extensions`): status, content type and body must be the same bytes.
 */
describe('GraphQL over HTTP answers as Apollo Server does (embedded stores)', () => {
  let app: TestApp;
  let eventId: string;
  const host = uniqueUser('host');

  before(async () => {
    app = await startTestApp({ mode: 'embedded' });
    const created = await app.gql<{ createEvent: { id: string } }>('mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', { input: eventInput() }, host);
    eventId = created.data!.createEvent.id;
  });
  after(() => app.stop());

  /** Lookups of the operation pipeline's documents: only the direct path makes them. */
  async function pipelineLookups(): Promise<number> {
    const count = async (counter: typeof app.deps.metrics.cacheHits) =>
      (await counter.get()).values.find((sample) => sample.labels.cache === 'graphql-documents')?.value ?? 0;
    return (await count(app.deps.metrics.cacheHits)) + (await count(app.deps.metrics.cacheMisses));
  }

  async function both(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
    const send = async (extra: Record<string, unknown>) => {
      const before = await pipelineLookups();
      const response = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables, ...extra }),
      });
      const answer = { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
      return { answer, direct: (await pipelineLookups()) > before };
    };
    const direct = await send({});
    const apollo = await send({ extensions: { note: 'answered by Apollo Server' } });
    assert.deepEqual([direct.direct, apollo.direct], [true, false], 'which path answered');
    return { direct: direct.answer, apollo: apollo.answer };
  }

  const cases: [string, string, () => Record<string, unknown>, () => Promise<Record<string, string>>][] = [
    ['a public read', 'query($id: ID!) { event(id: $id) { id title startsAt host { id } category { name } } }', () => ({ id: eventId }), async () => ({})],
    ['a list', '{ events(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }', () => ({}), async () => ({})],
    ['an event that is not there', 'query { event(id: "nope") { id } }', () => ({}), async () => ({})],
    ['a mutation refused for an anonymous caller', 'mutation($id: ID!) { rsvp(eventId: $id, status: GOING) { status } }', () => ({ id: eventId }), async () => ({})],
    ['a mutation on an event that is not there', 'mutation { rsvp(eventId: "nope", status: GOING) { status } }', () => ({}), async () => ({ authorization: `Bearer ${await app.token(uniqueUser('guest'))}` })],
    ['a signed-in read', 'query($id: ID!) { event(id: $id) { id viewerRsvp { status } } }', () => ({ id: eventId }), async () => ({ authorization: `Bearer ${await app.token(host)}`, accept: 'application/json' })],
  ];

  for (const [name, query, variables, headers] of cases) {
    it(`gives the same status, type and bytes for ${name}`, async () => {
      const { direct, apollo } = await both(query, variables(), await headers());
      assert.deepEqual(direct, apollo);
      assert.equal(direct.type, 'application/json; charset=utf-8');
    });
  }
});
