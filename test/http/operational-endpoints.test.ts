import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.js';

const ROUTER_SECRET = 'router-secret-for-ops-0123456789';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const SERVICE_SDL = '{ _service { sdl } }';

const production = (extra: Record<string, string> = {}) => ({ NODE_ENV: 'production', ALLOW_EMBEDDED: 'true', ...extra });

async function graphql(app: TestApp, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as { data?: { _service?: { sdl: string } } | null; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: Record<string, unknown> } };
}

describe('production behind a router: monitoring and federation internals', () => {
  let app: TestApp;
  let base: string;
  before(async () => {
    app = await startTestApp({ mode: 'embedded', env: production({ ROUTER_SECRET, METRICS_TOKEN }) });
    base = app.url.replace('/graphql', '');
  });
  after(() => app?.stop());

  it('serves /metrics only with the metrics token', async () => {
    assert.equal((await fetch(`${base}/metrics`)).status, 401);
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ROUTER_SECRET}` } })).status, 401);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /# TYPE events_created_total /);
  });

  it('gives everyone the verdict of /health and only the token holder its details; /live and /ready stay open', async () => {
    assert.deepEqual(await (await fetch(`${base}/health`)).json(), { status: 'ok' });
    const details = (await (await fetch(`${base}/health`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json()) as { dependencies?: Record<string, unknown> };
    assert.deepEqual(Object.keys(details.dependencies ?? {}).sort(), ['kafka', 'mongodb', 'neo4j', 'redis']);
    assert.equal((await fetch(`${base}/live`)).status, 200);
    assert.equal((await fetch(`${base}/ready`)).status, 200);
  });

  it('serves _service { sdl } and inline traces to the router', async () => {
    const sdl = await graphql(app, SERVICE_SDL, { 'router-authorization': ROUTER_SECRET });
    assert.match(sdl.body.data?._service?.sdl ?? '', /type Event/);
    const traced = await graphql(app, '{ categories { id } }', { 'router-authorization': ROUTER_SECRET, 'apollo-federation-include-trace': 'ftv1' });
    assert.equal(typeof traced.body.extensions?.ftv1, 'string');
  });
});

describe('production without a router secret: no one can be told from the router', () => {
  let app: TestApp;
  let base: string;
  before(async () => {
    app = await startTestApp({ mode: 'embedded', env: production() });
    base = app.url.replace('/graphql', '');
  });
  after(() => app?.stop());

  it('refuses _service { sdl } like introspection and sends no inline traces', async () => {
    const sdl = await graphql(app, SERVICE_SDL);
    assert.equal(sdl.status, 400);
    assert.equal(sdl.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.equal(sdl.body.data, undefined);
    const traced = await graphql(app, '{ categories { id } }', { 'apollo-federation-include-trace': 'ftv1' });
    assert.equal(traced.body.errors, undefined);
    assert.equal(traced.body.extensions?.ftv1, undefined);
  });

  it('keeps /metrics open when no router secret locks the deployment down', async () => {
    assert.equal((await fetch(`${base}/metrics`)).status, 200);
  });
});

describe('production behind a router without a metrics token', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'embedded', env: production({ ROUTER_SECRET }) });
  });
  after(() => app?.stop());

  it('closes /metrics and the details of /health', async () => {
    const base = app.url.replace('/graphql', '');
    assert.equal((await fetch(`${base}/metrics`)).status, 403);
    assert.deepEqual(await (await fetch(`${base}/health`)).json(), { status: 'ok' });
  });
});
