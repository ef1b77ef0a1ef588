/**
 * Discovery (issue: search, nearby, trending, recommendations).
 *
 * `discovery` — on the real servers (FerretDB, Redis, Kafka, Neo4j): a data set of
 * BENCH_DISCOVERY_EVENTS events over cities, BENCH_DISCOVERY_USERS users with about
 * BENCH_DISCOVERY_FRIENDS friends each, their answers and trending interactions, written
 * through the repositories (not HTTP) by this process. Then the compiled subgraph, pinned
 * to the server core, serves autocannon (the other core): each request as a random user
 * (anonymous for one trending row), 20 events with category and friends going.
 * Recommendations are measured cold (every user's cached list dropped, each user asked
 * once) and warm (cached).
 *
 * `discovery-scaling` — the embedded twin in this process at BENCH_DISCOVERY_SCALES
 * events (about a thousand per city, so a city's neighbourhood holds as many events at
 * every scale): sequential search and nearby latency, showing index lookups rather than
 * scans.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import autocannon from 'autocannon';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { signTokens } from '../lib/api.js';
import { compiledBuild } from '../lib/compiled.js';
import { startCpuWindow } from '../lib/cpu.js';
import { benchEvents, cities, discoveryDataSet, inParallel, sequence, type SeedSummary } from '../lib/discovery-data.js';
import { localUrl, request, waitReady, withoutGraphQLErrors } from '../lib/http.js';
import { Failures, percentileOf, runSettledLoad, type SettledLoadResult } from '../lib/load.js';
import { startProfile, stopProfile } from '../lib/profile-run.js';
import { progress, warn } from '../lib/log.js';
import { fmt, type Check, type Table } from '../lib/report.js';
import { spawnSubgraph } from '../lib/production-node.js';
import { BENCH_JWT_SECRET, realAppEnv, SUBGRAPH_BENCH_ENV } from '../lib/subgraph-env.js';
import type { NamedScenario, Section, SectionContext, SectionResult } from './types.js';

const NODE = 'id title startsAt category { name } friendsGoing { count }';
const SEARCH = `query BenchSearch($q: String!) { searchEvents(query: $q, first: 20) { edges { node { ${NODE} } } } }`;
const NEARBY = `query BenchNearby($near: GeoPointInput!) { nearbyEvents(near: $near, radiusKm: 5, first: 20) { edges { distanceKm node { ${NODE} } } } }`;
const TRENDING = `query BenchTrending { trendingEvents(first: 20) { edges { node { ${NODE} } } } }`;
const RECOMMENDED = `query BenchRecommended { recommendedEvents(first: 20) { edges { score reasons { kind count } node { ${NODE} } } } }`;
const MAX_WARMUP_S = 30;
const COLD_WARMUP_REQUESTS = 200;
const COLD_WARMUP_CONNECTIONS = 4;
const WARM_ENOUGH = 0.85;
/** Rows to beat, from the service this one replaces (measured on an 8-core laptop). */
const TARGETS = { recommended: { rps: 800, p95Ms: 120 }, trending: { rps: 5_000, p95Ms: 8 } };

interface Row {
  what: string;
  result: Pick<SettledLoadResult, 'requestsPerSecond' | 'latencyP50Ms' | 'latencyP95Ms' | 'latencyP99Ms' | 'ok' | 'failed' | 'non2xx' | 'serverCpuPct' | 'firstFailure'>;
}

function requestOf(query: string, variables: Record<string, unknown>, token: string | null) {
  return {
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  };
}

/**
 * A fixed number of requests (each from `next`), `connections` at a time, timed one by
 * one: for the cold recommendations, where every user must be asked exactly once.
 */
async function runCount(port: number, count: number, connections: number, next: () => { headers: Record<string, string>; body: string }, serverPid: number, ctx: SectionContext): Promise<Row['result']> {
  const latencies: number[] = [];
  const sentAt = new WeakMap<object, number>();
  let ok = 0;
  const failures = new Failures();
  let non2xx = 0;
  const window = startCpuWindow(ctx.pinning, serverPid);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    autocannon(
      {
        url: localUrl(port, '/graphql'),
        connections,
        amount: count,
        timeout: 60,
        requests: [
          {
            method: 'POST',
            path: '/graphql',
            setupRequest: (req, context) => {
              sentAt.set(context, performance.now());
              const { headers, body } = next();
              return { ...req, headers: { ...req.headers, ...headers }, body };
            },
            onResponse: (status, body, context) => {
              const sent = sentAt.get(context);
              if (sent !== undefined) latencies.push(performance.now() - sent);
              if (status !== 200) non2xx += 1;
              else if (withoutGraphQLErrors(body)) ok += 1;
              else failures.note(body);
            },
          },
        ],
      },
      (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
    );
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = window();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: latencies.length / seconds,
    latencyP50Ms: percentileOf(sorted, 50),
    latencyP95Ms: percentileOf(sorted, 95),
    latencyP99Ms: percentileOf(sorted, 99),
    ok,
    failed: failures.count,
    non2xx,
    serverCpuPct: cpu.serverCpuPct,
    firstFailure: failures.first,
  };
}

/** Waits until /health shows the graph's breaker closed (a warm-up may have opened it; its probe closes it within a second). */
async function graphBreakerClosed(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const response = await request(localUrl(port, '/health'));
    const neo4j = (JSON.parse(response.body.toString()) as { dependencies?: { neo4j?: { status?: string; breaker?: string | null } } }).dependencies?.neo4j;
    if (neo4j?.status === 'up' && neo4j.breaker !== 'open') return;
    last = JSON.stringify(neo4j);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the graph's breaker stayed open for ${timeoutMs} ms (last: ${last})`);
}

interface StoreRun {
  store: string;
  seeded: SeedSummary;
  rows: Row[];
}

/** The document store of a run: the embedded twin (in the subgraph) or FerretDB; Redis, Neo4j and Kafka are the real servers either way. */
function storeEnv(store: string, realEnv: Record<string, string>): Record<string, string> {
  if (store === 'ferretdb') return realEnv;
  if (store === 'embedded') return Object.fromEntries(Object.entries(realEnv).filter(([name]) => name !== 'MONGODB_URL'));
  throw new Error(`BENCH_DISCOVERY_STORES: unknown store ${store} (embedded, ferretdb)`);
}

async function runOneStore(store: string, ctx: SectionContext, subgraphScript: string): Promise<StoreRun> {
  const { options } = ctx;
  const dataOptions = { events: options.discoveryEvents, users: options.discoveryUsers, friends: options.discoveryFriends };
  const data = discoveryDataSet(dataOptions);
  const appEnv = realAppEnv(storeEnv(store, ctx.realEnv!), `discovery_${store}`, { RECOMMENDATIONS_CACHE_TTL_SECONDS: '3600', ALLOW_EMBEDDED: 'true' });
  const subgraph = spawnSubgraph({
    name: `subgraph-discovery-${store}`,
    script: subgraphScript,
    cwd: ctx.root,
    pinning: ctx.pinning,
    env: { BENCH_APP_ENV: JSON.stringify(appEnv) },
  });
  const rows: Row[] = [];
  try {
    const port = await subgraph.listening(120_000);
    await waitReady(port, 60_000);
    progress('seeding the discovery data set through the repositories', { store, ...dataOptions });
    subgraph.send({ type: 'seed-discovery', options: dataOptions });
    const { summary: seeded } = await subgraph.waitFor('seeded-discovery', 60 * 60_000);
    progress('seeded', { store, ...seeded });
    const tokens = await signTokens('bench-discovery-user', data.users.length);
    const random = sequence(5);
    const user = () => Math.floor(random() * data.users.length);
    const settings = { connections: options.connections, pipelining: 1, timeoutS: 60 };
    const measure = async (what: string, next: () => { headers: Record<string, string>; body: string }) => {
      progress('warm-up, then measuring', { section: 'discovery', store, row: what, seconds: options.durationS, profiling: options.profile });
      // A profile covers the warm-up too: the settled load decides when warm-up ends.
      if (options.profile) await startProfile(subgraph);
      const result = await runSettledLoad(port, {
        path: '/graphql',
        next,
        ok: withoutGraphQLErrors,
        settings,
        warmupStepS: options.warmupS,
        maxWarmupS: MAX_WARMUP_S,
        settledShare: WARM_ENOUGH,
        durationS: options.durationS,
        serverPid: subgraph.pid,
        pinning: ctx.pinning,
      });
      if (options.profile) await stopProfile(subgraph, ctx.root, `discovery-${store}-${what.split(/[ ,(]+/).slice(0, 3).join('-').toLowerCase()}`);
      progress('measured', { store, row: what, rps: Math.round(result.requestsPerSecond), p95: result.latencyP95Ms, failed: result.failed });
      if (result.failed > 0) warn(`${what}: GraphQL errors`, { first: result.firstFailure });
      rows.push({ what, result });
    };

    await measure('searchEvents (a word + the city), signed in', () => {
      const u = user();
      return requestOf(SEARCH, { q: data.searchQuery(random, data.homeOf(u)) }, tokens[u]!);
    });
    await measure('nearbyEvents (5 km of a point in the city), signed in', () => {
      const u = user();
      const city = data.cities[data.homeOf(u)]!;
      return requestOf(NEARBY, { near: { lat: city.latitude + (random() - 0.5) * 0.05, lng: city.longitude + (random() - 0.5) * 0.05 } }, tokens[u]!);
    });
    await measure('trendingEvents, signed in', () => requestOf(TRENDING, {}, tokens[user()]!));
    await measure('trendingEvents, anonymous', () => requestOf(TRENDING, {}, null));

    // Cold: every user's cached recommendations dropped, then each user asked once. Its
    // warm-up (a few users, a few at a time, their lists dropped again after): the graph
    // plans the friends' answers query anew once seeding has changed its statistics, and
    // the JIT compiles the scoring; neither is what a cold cache costs.
    progress('warm-up', { section: 'discovery', store, row: 'recommendedEvents, cold', requests: COLD_WARMUP_REQUESTS });
    let warmupUser = 0;
    await runCount(port, COLD_WARMUP_REQUESTS, COLD_WARMUP_CONNECTIONS, () => requestOf(RECOMMENDED, {}, tokens[warmupUser++ % tokens.length]!), subgraph.pid, ctx);
    subgraph.send({ type: 'drop-recommendations', users: data.users });
    await subgraph.waitFor('dropped-recommendations', 120_000);
    await graphBreakerClosed(port);
    let nextUser = 0;
    progress('measuring', { section: 'discovery', store, row: 'recommendedEvents, cold', requests: data.users.length });
    const cold = await runCount(port, data.users.length, options.connections, () => requestOf(RECOMMENDED, {}, tokens[nextUser++ % tokens.length]!), subgraph.pid, ctx);
    rows.push({ what: `recommendedEvents, cold cache (${data.users.length} users once each)`, result: cold });
    await measure('recommendedEvents, warm cache', () => requestOf(RECOMMENDED, {}, tokens[user()]!));
    return { store, seeded, rows };
  } finally {
    await subgraph.stop();
  }
}

async function runDiscovery(_selected: NamedScenario[], ctx: SectionContext): Promise<SectionResult> {
  if (!ctx.realEnv) throw new Error('the real servers were not started');
  const { options } = ctx;
  const { subgraphScript } = await compiledBuild(ctx.root);
  const runs: StoreRun[] = [];
  for (const store of options.discoveryStores) runs.push(await runOneStore(store, ctx, subgraphScript));

  const storeName = (store: string) => (store === 'embedded' ? 'embedded document store + real Redis, Neo4j, Kafka' : 'FerretDB + real Redis, Neo4j, Kafka');
  const tables: Table[] = runs.map((run) => ({
    title: `Discovery, ${storeName(run.store)} (${run.seeded.events} events, ${run.seeded.users} users, ${run.seeded.friendships} friendships, ${run.seeded.answers} answers; subgraph pinned to one core)`,
    headers: ['what', 'req/s', 'p50', 'p95', 'p99', 'subgraph CPU', 'errors'],
    rows: run.rows.map(({ what, result }) => [
      what,
      fmt.int(result.requestsPerSecond),
      fmt.ms(result.latencyP50Ms),
      fmt.ms(result.latencyP95Ms),
      fmt.ms(result.latencyP99Ms),
      result.serverCpuPct === null ? '-' : `${Math.round(result.serverCpuPct)} %`,
      String(result.failed + result.non2xx),
    ]),
    numeric: [1, 2, 3, 4],
    notes: [
      `seeded through the repositories in ${Object.entries(run.seeded.ms).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(0)} s`).join(', ')}`,
      'each request: 20 events with category and friends going (one graph query), as a random user of the data set',
      'rows to beat come from an 8-core laptop; here the subgraph has one core and the real servers share the other with the load generator',
      ...(run.store === 'ferretdb' ? ['FerretDB 1.24 (SQLite) pushes down only `_id` equality: every other query (an `_id` $in included) reads the whole collection, so these rows measure its scans'] : []),
    ],
  }));
  const checks: Check[] = [];
  for (const run of runs) {
    const find = (prefix: string) => run.rows.find((row) => row.what.startsWith(prefix))?.result;
    const warm = find('recommendedEvents, warm');
    const trending = find('trendingEvents, anonymous');
    if (warm) {
      checks.push({
        name: `recommendedEvents (warm cache, ${run.store})`,
        measured: `${fmt.int(warm.requestsPerSecond)} req/s, p95 ${fmt.ms(warm.latencyP95Ms)}`,
        target: `${TARGETS.recommended.rps} req/s at p95 ${TARGETS.recommended.p95Ms} ms`,
        pass: warm.requestsPerSecond >= TARGETS.recommended.rps && warm.latencyP95Ms <= TARGETS.recommended.p95Ms,
        note: 'target measured on 8 cores',
      });
    }
    if (trending) {
      checks.push({
        name: `trendingEvents (anonymous, ${run.store})`,
        measured: `${fmt.int(trending.requestsPerSecond)} req/s, p95 ${fmt.ms(trending.latencyP95Ms)}`,
        target: `${TARGETS.trending.rps} req/s at p95 ${TARGETS.trending.p95Ms} ms`,
        pass: trending.requestsPerSecond >= TARGETS.trending.rps && trending.latencyP95Ms <= TARGETS.trending.p95Ms,
        note: 'target measured on 8 cores',
      });
    }
  }
  return { tables, checks, data: { runs } };
}

interface ScaleRow {
  events: number;
  seedS: number;
  heapMb: number;
  latency: Record<string, { p50: number; p95: number; p99: number; gcMsPerRequest: number }>;
}

/** A full garbage collection, without starting node with --expose-gc. */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Sequential requests, after a warm-up: latency of one request at a time. */
async function latencyOf(url: string, queries: () => string, count: number, gc: { ms: number }) {
  const send = async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: queries() }) });
    const body = await response.text();
    if (response.status !== 200 || !withoutGraphQLErrors(body)) throw new Error(`discovery-scaling: request failed: ${body.slice(0, 300)}`);
  };
  for (let i = 0; i < 20; i++) await send();
  const latencies: number[] = [];
  const gcBefore = gc.ms;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await send();
    latencies.push(performance.now() - started);
  }
  const sorted = Float64Array.from(latencies).sort();
  return { p50: percentileOf(sorted, 50), p95: percentileOf(sorted, 95), p99: percentileOf(sorted, 99), gcMsPerRequest: (gc.ms - gcBefore) / count };
}

async function runScaling(_selected: NamedScenario[], ctx: SectionContext): Promise<SectionResult> {
  const rows: ScaleRow[] = [];
  const gc = { ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gc.ms += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    for (const events of ctx.options.discoveryScales) {
      const config = loadConfig({ ...SUBGRAPH_BENCH_ENV, SEED_DEMO_DATA: 'false', CONSUMERS_ENABLED: 'false', JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: 'warn' });
      const app = await startApp(config, createLogger('warn'));
      try {
        const started = performance.now();
        await inParallel(`${events} events into the embedded twin`, benchEvents(events, 1_000), 1, async (event) => {
          await app.deps.events.insert(event);
        });
        const seedS = (performance.now() - started) / 1000;
        // Collect what seeding left behind, so the requests meet the heap a running twin has.
        fullGc();
        const places = cities(Math.ceil(events / 1_000));
        const random = sequence(11);
        const city = () => places[Math.floor(random() * places.length)]!;
        const words = ['jazz', 'coffee', 'yoga', 'python', 'theatre'];
        const word = () => words[Math.floor(random() * words.length)]!;
        progress('measuring', { section: 'discovery-scaling', events });
        const latency = {
          'search: a word + the city': await latencyOf(app.server.url, () => `{ searchEvents(query: "${word()} ${city().name}") { edges { node { id title } } } }`, 200, gc),
          'search: one common word': await latencyOf(app.server.url, () => `{ searchEvents(query: "${word()}") { edges { node { id title } } } }`, 200, gc),
          'nearby: 3 km in a city': await latencyOf(
            app.server.url,
            () => {
              const c = city();
              return `{ nearbyEvents(near: { lat: ${c.latitude}, lng: ${c.longitude} }, radiusKm: 3) { edges { distanceKm node { id } } } }`;
            },
            200,
            gc,
          ),
        };
        rows.push({ events, seedS, heapMb: process.memoryUsage().heapUsed / 1e6, latency });
        progress('measured', { section: 'discovery-scaling', events, latency });
      } finally {
        await app.stop();
      }
    }
  } finally {
    observer.disconnect();
  }
  const kinds = Object.keys(rows[0]?.latency ?? {});
  const table: Table = {
    title: 'Discovery on the embedded twin as events grow (one request at a time, in the benchmark process)',
    headers: ['events', 'seeded in', 'heap', ...kinds.flatMap((kind) => [`${kind} p50`, 'p95']), 'GC per request'],
    rows: rows.map((row) => [
      fmt.int(row.events),
      `${row.seedS.toFixed(0)} s`,
      `${fmt.int(row.heapMb)} MB`,
      ...kinds.flatMap((kind) => [fmt.ms(row.latency[kind]!.p50), fmt.ms(row.latency[kind]!.p95)]),
      kinds.map((kind) => fmt.ms(row.latency[kind]!.gcMsPerRequest)).join(' / '),
    ]),
    numeric: [0, 3, 4, 5, 6, 7, 8],
    notes: [
      'about a thousand events per city at every scale: a query about one city meets as many candidates whatever the total, so flat lines mean index lookups, not scans',
      '"one common word" reads at most 700 matches (the 500 soonest upcoming, the 200 latest past), then ranks them',
      'GC per request: collector time while the requests ran, per request (the twin keeps every index in the heap)',
    ],
  };
  return { tables: [table], checks: [], data: { rows } };
}

export const discoverySection: Section = {
  name: 'discovery',
  description: 'searchEvents, nearbyEvents, trendingEvents and recommendedEvents (cold and warm) on the real servers with a seeded data set',
  needsRealServers: true,
  byDefault: false,
  scenarios: [{ name: 'discovery-real', title: 'discovery on the real servers' }],
  run: runDiscovery,
};

export const discoveryScalingSection: Section = {
  name: 'discovery-scaling',
  description: 'search and nearby latency on the embedded twin at 1,000 / 10,000 / 100,000 events',
  needsRealServers: false,
  byDefault: false,
  scenarios: [{ name: 'discovery-scaling', title: 'search and nearby as events grow (embedded)' }],
  run: runScaling,
};
