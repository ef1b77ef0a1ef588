import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventInput, startTestApp, uniqueUser, type TestApp } from '../support/app.js';

const CREATE = 'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }';

describe('HTTP surface: limits, router secret, health and metrics (real stores)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({
      mode: 'real',
      env: { RATE_LIMIT_CREATE_PER_HOUR: '2', RATE_LIMIT_BROWSE_PER_HOUR: '3', GRAPHQL_MAX_DEPTH: '6', HTTP_BODY_LIMIT_BYTES: '20000', ROUTER_SECRET: 'router-secret-0123456789' },
    });
  });
  after(() => app.stop());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'router-authorization': 'router-secret-0123456789', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('refuses callers without the router secret before parsing anything', async () => {
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{ not json' });
    assert.equal(response.status, 403);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]?.extensions.code, 'FORBIDDEN');
  });

  it('limits creates per user with RATE_LIMITED and retryAfter, writing nothing', async () => {
    const host = uniqueUser('host');
    const token = await app.token(host);
    const create = async () =>
      (await (await post({ query: CREATE, variables: { input: eventInput() } }, { authorization: `Bearer ${token}` })).json()) as {
        errors?: { extensions: { code: string; retryAfter?: number } }[];
      };
    assert.equal((await create()).errors, undefined);
    assert.equal((await create()).errors, undefined);
    const third = await create();
    assert.equal(third.errors?.[0]?.extensions.code, 'RATE_LIMITED');
    assert.ok((third.errors?.[0]?.extensions.retryAfter ?? 0) > 0);
    assert.equal(await app.deps.store.collection('events').count({ hostId: host }), 2);
  });

  it('limits anonymous browsing per client address the router forwards, not per router', async () => {
    const browse = async (client: string) =>
      ((await (await post({ query: '{ events { edges { cursor } } }' }, { 'x-forwarded-for': `${client}, 10.0.0.1` })).json()) as {
        errors?: { extensions: { code: string } }[];
      }).errors?.[0]?.extensions.code ?? 'OK';
    const first = [await browse('198.51.100.1'), await browse('198.51.100.1'), await browse('198.51.100.1'), await browse('198.51.100.1')];
    assert.deepEqual(first, ['OK', 'OK', 'OK', 'RATE_LIMITED']);
    assert.equal(await browse('198.51.100.2'), 'OK');
  });

  it('rejects queries deeper than the limit and bodies larger than the limit', async () => {
    const deep = '{ events { edges { node { attendees { edges { node { rsvps { edges { node { status } } } } } } } } } }';
    const tooDeep = (await (await post({ query: deep })).json()) as { errors: { message: string; extensions: { code: string } }[] };
    assert.equal(tooDeep.errors[0]?.extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(tooDeep.errors[0]!.message, /depth/i);
    const large = await post({ query: `{ categories { id } }`, variables: { padding: 'x'.repeat(30_000) } });
    assert.equal(large.status, 413);
  });

  it('reports each dependency on /health, answers /live and /ready, and exposes Prometheus metrics', async () => {
    const base = app.url.replace('/graphql', '');
    const health = (await (await fetch(`${base}/health`)).json()) as { status: string; dependencies: Record<string, { status: string; kind: string }> };
    assert.equal(health.status, 'ok');
    assert.deepEqual(
      Object.entries(health.dependencies).map(([name, state]) => [name, state.status, state.kind]).sort(),
      [['kafka', 'up', 'kafka'], ['mongodb', 'up', 'mongodb'], ['neo4j', 'up', 'neo4j'], ['redis', 'up', 'redis']],
    );
    assert.equal((await fetch(`${base}/live`)).status, 200);
    assert.equal((await fetch(`${base}/ready`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['events_created_total', 'events_rsvp_total', 'cache_hits_total', 'cache_misses_total', 'graphql_request_duration_seconds', 'datastore_operation_duration_seconds', 'kafka_consumer_lag']) {
      assert.match(metrics, new RegExp(`# TYPE ${name} `), name);
    }
  });
});

describe('production settings (embedded stores allowed explicitly)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'embedded', env: { NODE_ENV: 'production', ALLOW_EMBEDDED: 'true' } });
  });
  after(() => app.stop());

  it('turns off introspection and field suggestions', async () => {
    const introspection = await app.gql('{ __schema { types { name } } }');
    assert.equal(introspection.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    const typo = await app.gql('{ categorie { id } }');
    assert.doesNotMatch(typo.errors?.[0]?.message ?? '', /Did you mean/);
  });
});
