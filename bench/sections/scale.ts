/**
 * Costs that stay flat as data grows: `event(id)`, `events(first: 20, filter: { categoryId })`
 * and an RSVP with 1,000, 10,000 and 100,000 events in the embedded store (`scale`), and
 * with 1,000 and 10,000 in FerretDB (`scale-real`). Each size is a fresh subgraph child
 * that seeds the demo generator's first N events through the event repository before it
 * listens; the response cache is off, so every read goes to the store. Requests vary:
 * a random one of NAMED_EVENTS public events spread over the store, a random category, a
 * random user answering a random one of NAMED_EVENTS open events; then `event(id)` again, in
 * the process that has served the RSVPs (reported, not a target).
 * Target: throughput at the largest size ≥ 80 % of that at 1,000.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CATEGORIES } from '../../src/domain/categories/defaults.js';
import { demoEvents } from '../../src/demo/seed.js';
import { signTokens } from '../lib/api.js';
import { compiledBuild } from '../lib/compiled.js';
import { graphqlRequest, waitReady, withoutGraphQLErrors } from '../lib/http.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { progress } from '../lib/log.js';
import { startProfile, stopProfile } from '../lib/profile-run.js';
import { startStoreCpuWindow } from '../lib/store-cpu.js';
import { fmt, type Check, type Table } from '../lib/report.js';
import { spawnSubgraph } from '../lib/production-node.js';
import { realAppEnv } from '../lib/subgraph-env.js';
import type { NamedScenario, Section, SectionContext, SectionResult } from './types.js';

const TARGET_RATIO = 0.8;
/**
 * Requests in flight on FerretDB: its SQLite backend reads every document of a collection
 * for any filter but a plain `_id` equality, so 50 at once only queue up past autocannon's
 * timeout and measure nothing.
 */
const FERRETDB_CONNECTIONS = 8;
const USERS = 2_000;
/**
 * The events requests name, the same number at every size, spread evenly over the store:
 * the requests differ only in how much else the store holds. A view or an answer writes
 * its event once per flush or relay pass however many requests named it, so random picks
 * among all of the store's events would name more events the larger the store (as many
 * picks as public events, at most 2,000, name about 500 of the 800 at 1,000 and about
 * 1,980 at 100,000),
 * and the larger rows would write more per request: a different workload, not a larger store.
 */
const NAMED_EVENTS = 500;

const EVENT = 'query ScaleEvent($id: ID!) { event(id: $id) { id title startsAt host { id } category { name } stats { going } } }';
const EVENTS = 'query ScaleEvents($c: ID!) { events(first: 20, filter: { categoryId: $c }) { edges { node { id title startsAt } } pageInfo { hasNextPage } } }';
const RSVP = 'mutation ScaleRsvp($e: ID!) { rsvp(eventId: $e, status: GOING) { status } }';

interface ScaleScenario extends NamedScenario {
  /** Held to the target (throughput at the largest size ≥ 80 % of that at 1,000). */
  target: boolean;
  /** A request body per call, from what the store holds and the users' tokens. */
  request(data: { publicIds: string[]; openIds: string[]; tokens: string[] }): () => { body: string; headers?: Record<string, string> };
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const body = (query: string, variables: Record<string, unknown>) => graphqlRequest(query, variables).body;

const eventById: ScaleScenario['request'] = ({ publicIds }) => () => ({ body: body(EVENT, { id: pick(publicIds) }) });

const SCENARIOS: ScaleScenario[] = [
  { name: 'event-by-id', title: 'event(id)', target: true, request: eventById },
  {
    name: 'events-by-category',
    title: 'events(first: 20, filter: { categoryId })',
    target: true,
    request: () => () => ({ body: body(EVENTS, { c: pick(DEFAULT_CATEGORIES)._id }) }),
  },
  {
    name: 'rsvp',
    title: 'rsvp(GOING)',
    target: true,
    request: ({ openIds, tokens }) => () => ({ body: body(RSVP, { e: pick(openIds) }), headers: { authorization: `Bearer ${pick(tokens)}` } }),
  },
  // Reads in a process that has just served writes, as in production: V8's allocation-site
  // pretenuring once made them much slower than the same reads before any write.
  { name: 'event-by-id-after-rsvp', title: 'event(id), after the RSVPs', target: false, request: eventById },
];

interface Row {
  scenario: string;
  title: string;
  events: number;
  seedMs: number | null;
  result: LoadResult;
}

/** `count` of `items` at even steps from first to last (all of them when there are fewer). */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}

/** Public ids (anyone may read them) and open public ids (anyone may answer): NAMED_EVENTS of each, spread over the seeded set. */
function seededIds(count: number) {
  const events = demoEvents(count);
  const now = Date.now();
  const publicEvents = events.filter((event) => event.privacy === 'PUBLIC');
  const open = publicEvents.filter((event) => event.status === 'ACTIVE' && event.endsAt.getTime() > now);
  return { publicIds: spread(publicEvents, NAMED_EVENTS).map((event) => event._id), openIds: spread(open, NAMED_EVENTS).map((event) => event._id) };
}

/**
 * Until FerretDB used less than a tenth of a core for a whole second (at most 2 minutes):
 * it goes on with the seeding's writes a while after the subgraph is ready, and a row
 * measured meanwhile shares the store with them.
 */
async function waitFerretDbIdle(size: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const window = startStoreCpuWindow();
    await sleep(1_000);
    const busy = window().ferretdb;
    progress('waiting for FerretDB to be idle', { events: size, cpuPercent: busy === undefined ? null : Math.round(busy) });
    if (busy === undefined || busy < 10 || Date.now() > deadline) return;
  }
}

async function runSizes(sizes: number[], store: 'embedded' | 'ferretdb', ctx: SectionContext): Promise<Row[]> {
  const { subgraphScript } = await compiledBuild(ctx.root);
  const tokens = await signTokens(`bench-scale-${Date.now().toString(36)}`, USERS);
  const rows: Row[] = [];
  for (const size of sizes) {
    const appEnv =
      store === 'embedded'
        ? { SEED_DEMO_DATA: 'false', RESPONSE_CACHE_MAX_BYTES: '0' }
        : realAppEnv(ctx.realEnv ?? {}, `scale${size}`, { RESPONSE_CACHE_MAX_BYTES: '0' });
    const child = spawnSubgraph({
      name: `subgraph-scale-${size}`,
      script: subgraphScript,
      cwd: ctx.root,
      pinning: ctx.pinning,
      env: { BENCH_APP_ENV: JSON.stringify(appEnv), BENCH_SEED_EVENTS: String(size) },
    });
    try {
      progress('seeding', { store, events: size });
      const port = await child.listening(600_000);
      await waitReady(port, 180_000);
      const seedMs = child.timings?.seedMs ?? null;
      progress('seeded', { store, events: size, ms: seedMs === null ? null : Math.round(seedMs) });
      if (store === 'ferretdb') await waitFerretDbIdle(size);
      const data = { ...seededIds(size), tokens };
      for (const scenario of SCENARIOS) {
        const vary = scenario.request(data);
        const first = vary();
        const base = graphqlRequest(EVENT);
        const req = { ...base, body: first.body, headers: { ...base.headers, ...first.headers } };
        const connections = store === 'ferretdb' ? Math.min(ctx.options.connections, FERRETDB_CONNECTIONS) : ctx.options.connections;
        // Only answers without an error count: a store whose breaker opened answers errors fast.
        const settings = { connections, pipelining: ctx.options.pipelining, vary, ok: withoutGraphQLErrors, timeoutS: 30 };
        if (ctx.options.warmupS > 0) await runLoad(port, req, ctx.options.warmupS, settings, child.pid, ctx.pinning);
        if (ctx.options.profile) await startProfile(child);
        const result = await runLoad(port, req, ctx.options.durationS, settings, child.pid, ctx.pinning);
        if (ctx.options.profile) await stopProfile(child, ctx.root, `scale-${store}-${size}-${scenario.name}`);
        progress('measured', { store, events: size, scenario: scenario.name, rps: Math.round(result.okPerSecond), non2xx: result.non2xx, failed: result.failed });
        if (result.firstFailure) progress('answered with errors', { store, events: size, scenario: scenario.name, failed: result.failed, first: result.firstFailure });
        rows.push({ scenario: scenario.name, title: scenario.title, events: size, seedMs, result });
      }
    } finally {
      await child.stop();
    }
  }
  return rows;
}

function report(rows: Row[], store: string, ctx: SectionContext): SectionResult {
  const sizes = [...new Set(rows.map((row) => row.events))];
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  const table: Table = {
    title: `Costs as data grows (${store}; response cache off)`,
    headers: ['scenario', 'events', 'answered/s', 'p50', 'p99', 'server CPU', 'others on cores', 'non2xx/err/failed', `vs ${fmt.int(smallest)}`],
    rows: rows.map((row) => {
      const base = rows.find((other) => other.scenario === row.scenario && other.events === smallest);
      const m = row.result;
      return [
        row.title,
        fmt.int(row.events),
        fmt.int(m.okPerSecond),
        fmt.ms(m.latencyP50Ms),
        fmt.ms(m.latencyP99Ms),
        m.serverCpuPct === null ? '-' : `${Math.round(m.serverCpuPct)} %`,
        m.othersOnServerCpuPct === null ? '-' : `${Math.round(m.othersOnServerCpuPct)} / ${Math.round(m.othersOnLoadCpuPct ?? 0)} %`,
        `${m.non2xx}/${m.errors}/${m.failed}`,
        base ? fmt.pct(m.okPerSecond / base.result.okPerSecond) : '-',
      ];
    }),
    numeric: [1, 2, 3, 4, 5, 7, 8],
    notes: [
      `seeding through the event repository: ${sizes.map((size) => `${fmt.int(size)} in ${fmt.ms(rows.find((row) => row.events === size)?.seedMs ?? Number.NaN)}`).join(', ')}`,
      `requests vary: a random one of ${fmt.int(NAMED_EVENTS)} public events spread over the store, a random category, a random one of ` +
        `${fmt.int(USERS)} users answering a random one of ${fmt.int(NAMED_EVENTS)} open public events (the same number at every size)`,
      'answered/s: responses without a GraphQL error; "failed": 200 responses carrying one (not counted)',
      `${store === 'FerretDB' ? Math.min(ctx.options.connections, FERRETDB_CONNECTIONS) : ctx.options.connections} connections, ${ctx.options.warmupS} s warm-up + ${ctx.options.durationS} s measured per row`,
      `"${SCENARIOS.at(-1)!.title}": the first row again, last, in the process that served the RSVPs; ` +
        sizes
          .map((size) => {
            const before = rows.find((row) => row.scenario === 'event-by-id' && row.events === size);
            const after = rows.find((row) => row.scenario === 'event-by-id-after-rsvp' && row.events === size);
            return before && after ? `${fmt.pct(after.result.okPerSecond / before.result.okPerSecond)} of it at ${fmt.int(size)}` : null;
          })
          .filter((text) => text !== null)
          .join(', '),
      ...(store === 'FerretDB'
        ? ['FerretDB 1.24 (SQLite) uses no index but `_id` equality: every other query reads the whole collection, so list and RSVP costs grow with it here; on MongoDB the same queries read index ranges']
        : []),
    ],
  };
  const checks: Check[] = SCENARIOS.filter((scenario) => scenario.target).flatMap((scenario) => {
    const small = rows.find((row) => row.scenario === scenario.name && row.events === smallest);
    const large = rows.find((row) => row.scenario === scenario.name && row.events === largest);
    if (!small || !large || largest === smallest) return [];
    const ratio = large.result.okPerSecond / small.result.okPerSecond;
    const failed = small.result.failed + large.result.failed;
    return [
      {
        name: `${scenario.title} at ${fmt.int(largest)} vs ${fmt.int(smallest)} events (${store})`,
        measured: fmt.pct(ratio),
        target: `≥ ${Math.round(TARGET_RATIO * 100)} %`,
        pass: ratio >= TARGET_RATIO && failed === 0,
        note: `${fmt.int(large.result.okPerSecond)} vs ${fmt.int(small.result.okPerSecond)} answered/s` + (failed > 0 ? `; ${fmt.int(failed)} answered with errors` : ''),
      },
    ];
  });
  return { tables: [table], checks, data: rows };
}

export const scaleSection: Section = {
  name: 'scale',
  description: 'event(id), events by category and RSVP with 1,000 / 10,000 / 100,000 events in the embedded store',
  needsRealServers: false,
  byDefault: false,
  scenarios: [{ name: 'scale-embedded', title: 'costs as data grows (embedded)' }],
  run: async (_selected, ctx) => report(await runSizes([1_000, 10_000, 100_000], 'embedded', ctx), 'embedded store', ctx),
};

export const scaleRealSection: Section = {
  name: 'scale-real',
  description: 'the same with 1,000 and 10,000 events in FerretDB (real servers)',
  needsRealServers: true,
  byDefault: false,
  scenarios: [{ name: 'scale-ferretdb', title: 'costs as data grows (FerretDB)' }],
  run: async (_selected, ctx) => report(await runSizes([1_000, 10_000], 'ferretdb', ctx), 'FerretDB', ctx),
};
