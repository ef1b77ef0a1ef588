/**
 * RSVP throughput on the real servers (design §6: ≥ 70 % of the raw driver upsert on the
 * same store). The compiled subgraph runs pinned to the server core against FerretDB,
 * Redis, Kafka and Neo4j; autocannon (load-generator core) sends `rsvp(eventId, status:
 * GOING)`, each request by a fresh user (a pre-signed token pool) for a random event of
 * the ones created first, so every request records a new answer. Then, in the same run
 * and on the same core, the raw MongoDB driver does the equivalent single-document upsert
 * on the same FerretDB with the same number in flight (bench/raw-upsert.ts).
 */
import { createPublicEvent, signTokens, userToken } from '../lib/api.js';
import { spawnChild, type Child } from '../lib/children.js';
import { compiledBuild } from '../lib/compiled.js';
import { startCpuWindow, type CpuWindow } from '../lib/cpu.js';
import { graphql, waitReady, withoutGraphQLErrors } from '../lib/http.js';
import type { RawRunResult } from '../lib/ipc.js';
import { runSettledLoad, type SettledLoadResult } from '../lib/load.js';
import { progress, warn } from '../lib/log.js';
import { labelOf, metricsDelta, scrapeMetrics } from '../lib/metrics.js';
import { profileData, profileTable, startProfile, stopProfile, type ProfileResult } from '../lib/profile-run.js';
import { startStoreCpuWindow, storeCpuText, type StoreName } from '../lib/store-cpu.js';
import { fmt, type Check, type Table } from '../lib/report.js';
import { spawnSubgraph } from '../lib/production-node.js';
import { realAppEnv } from '../lib/subgraph-env.js';
import type { NamedScenario, Section, SectionContext, SectionResult } from './types.js';
import { runInstances } from './rsvp-instances.js';

const TARGET_RATIO = 0.7;
const RAW_COLLECTION = 'bench_raw_rsvps';
const RSVP_MUTATION = 'mutation BenchRsvp($e: ID!) { rsvp(eventId: $e, status: GOING) { status } }';
/** User tokens signed before the load starts; more are signed while it runs when few are left. */
const FIRST_POOL = 4_000;
const TOP_UP_BELOW = 2_000;
const TOP_UP_BY = 2_000;
const MAX_POOL = 150_000;
/** The warm-up goes on in BENCH_WARMUP-second steps until two in a row answer at rates within this share… */
const WARM_ENOUGH = 0.85;
/** …or this many seconds have passed. */
const MAX_WARMUP_S = 45;
const DATASTORE_COUNT = 'datastore_operation_duration_seconds_count';
const RSVP_TOTAL = 'events_rsvp_total';
const RELAY_DELAY = 'outbox_relay_delay_seconds';

/**
 * The answers to send: each request is the next user of a pool of pre-signed tokens and a
 * random event that user has not answered yet, so every request records a new answer.
 * The pool is topped up in the background while the load runs, when it gets low.
 */
class AnswerSource {
  private readonly tokens: string[] = [];
  private readonly answered = new Map<number, Set<number>>();
  private sent = 0;
  private filling: Promise<void> | null = null;
  private stopped = false;
  /** Requests that had to reuse a user (pool exhausted): still a new (user, event) pair. */
  reusedUsers = 0;
  /** Requests whose user had answered every event already (repeated answers). */
  repeated = 0;

  constructor(private readonly events: string[]) {}

  get signed(): number {
    return this.tokens.length;
  }

  async fill(count: number): Promise<void> {
    const more = await signTokens(`bench-rsvp-user-${this.tokens.length}`, Math.min(count, MAX_POOL - this.tokens.length));
    this.tokens.push(...more);
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.filling ?? Promise.resolve();
  }

  next(): { headers: Record<string, string>; body: string } {
    const n = this.sent++;
    if (!this.stopped && !this.filling && this.tokens.length - n < TOP_UP_BELOW && this.tokens.length < MAX_POOL) {
      this.filling = this.fill(TOP_UP_BY).finally(() => (this.filling = null));
    }
    const user = n % this.tokens.length;
    if (n >= this.tokens.length) this.reusedUsers += 1;
    let done = this.answered.get(user);
    if (!done) this.answered.set(user, (done = new Set()));
    let event = Math.floor(Math.random() * this.events.length);
    if (done.size >= this.events.length) this.repeated += 1;
    else while (done.has(event)) event = (event + 1) % this.events.length;
    done.add(event);
    return {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.tokens[user]!}` },
      body: JSON.stringify({ query: RSVP_MUTATION, variables: { e: this.events[event]! } }),
    };
  }
}

/** Store round trips per recorded answer, by store and operation, from the /metrics counters. */
interface RoundTrips {
  answers: number;
  perAnswer: { store: string; operation: string; count: number; perAnswer: number }[];
  perAnswerByStore: Record<string, number>;
}

function roundTrips(delta: Map<string, number>): RoundTrips {
  let answers = 0;
  const perAnswer: RoundTrips['perAnswer'] = [];
  for (const [key, value] of delta) if (key.startsWith(RSVP_TOTAL)) answers += value;
  for (const [key, value] of delta) {
    if (!key.startsWith(DATASTORE_COUNT)) continue;
    perAnswer.push({ store: labelOf(key, 'store') ?? '?', operation: labelOf(key, 'operation') ?? '?', count: value, perAnswer: answers > 0 ? value / answers : Number.NaN });
  }
  perAnswer.sort((a, b) => a.store.localeCompare(b.store) || b.count - a.count);
  const perAnswerByStore: Record<string, number> = {};
  for (const row of perAnswer) perAnswerByStore[row.store] = (perAnswerByStore[row.store] ?? 0) + row.perAnswer;
  return { answers, perAnswer, perAnswerByStore };
}

/**
 * How long the events written in the window waited in the outbox before Kafka had them:
 * the mean, and the upper bound of the histogram bucket holding the 99th percentile.
 */
function relayDelay(delta: Map<string, number>): { count: number; meanS: number; p99AtMostS: number } {
  const count = delta.get(`${RELAY_DELAY}_count`) ?? 0;
  const sum = delta.get(`${RELAY_DELAY}_sum`) ?? 0;
  const buckets = [...delta]
    .filter(([key]) => key.startsWith(`${RELAY_DELAY}_bucket`))
    .map(([key, n]) => ({ le: labelOf(key, 'le') === '+Inf' ? Number.POSITIVE_INFINITY : Number(labelOf(key, 'le')), n }))
    .sort((a, b) => a.le - b.le);
  const p99 = buckets.find((bucket) => bucket.n >= count * 0.99)?.le ?? Number.NaN;
  return { count, meanS: count > 0 ? sum / count : Number.NaN, p99AtMostS: p99 };
}

type StoreCpu = Partial<Record<StoreName, number>>;

interface RawMeasured {
  result: RawRunResult;
  cpu: CpuWindow;
  storeCpu: StoreCpu;
}

async function rawRun(child: Child, seconds: number, concurrency: number, ctx: SectionContext): Promise<RawMeasured> {
  const window = startCpuWindow(ctx.pinning, child.pid);
  const stores = startStoreCpuWindow();
  child.send({ type: 'raw-run', seconds, concurrency });
  const { result } = await child.waitFor('raw-result', (seconds + 60) * 1000);
  return { result, cpu: window(), storeCpu: stores() };
}

/**
 * Answers recorded (events_rsvp_total) and the sum of `going` over the events, once both
 * stopped moving: requests still in flight when the load stopped complete on the server.
 */
async function settledCounts(port: number, events: string[], timeoutMs: number): Promise<{ going: number; recorded: number; settled: boolean }> {
  const ours = new Set(events);
  const read = async () => {
    const recorded = [...(await scrapeMetrics(port, [RSVP_TOTAL])).values()].reduce((sum, n) => sum + n, 0);
    const data = await graphql<{ events: { edges: { node: { id: string; stats: { going: number } } }[] } }>(
      port,
      'query BenchStats($first: Int!) { events(first: $first) { edges { node { id stats { going } } } } }',
      { first: Math.min(100, events.length + 10) },
    );
    const going = data.events.edges.filter((edge) => ours.has(edge.node.id)).reduce((sum, edge) => sum + edge.node.stats.going, 0);
    return { going, recorded };
  };
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = await read();
    if (now.going === last.going && now.recorded === last.recorded) return { ...now, settled: true };
    if (Date.now() > deadline) return { ...now, settled: false };
    last = now;
  }
}

export interface RsvpResult {
  events: number;
  subgraph: SettledLoadResult;
  /** Tokens signed; requests by reused users (still new answers); repeated answers. */
  users: { signed: number; reused: number; repeated: number };
  roundTrips: RoundTrips;
  /** How long the events relayed in the window had waited in the outbox. */
  relayed: { count: number; meanS: number; p99AtMostS: number };
  /** CPU of the real servers during the measured subgraph run, % of one core. */
  storeCpu: StoreCpu;
  raw: RawMeasured;
  ratio: number;
  /** Sum of `going` over the events vs answers the subgraph recorded (events_rsvp_total, warm-up and stragglers included). */
  countsCheck: { going: number; recorded: number; settled: boolean };
  profile?: ProfileResult;
}

async function runRsvp(selected: NamedScenario[], ctx: SectionContext): Promise<SectionResult> {
  const names = new Set(selected.map((scenario) => scenario.name));
  const throughput = names.has('rsvp-throughput') ? await runThroughput(ctx) : { tables: [], checks: [], data: null };
  if (!names.has('rsvp-instances')) return throughput;
  const instances = await runInstances(ctx);
  return { tables: [...throughput.tables, instances.table], checks: throughput.checks, data: { throughput: throughput.data, instances: instances.rows } };
}

async function runThroughput(ctx: SectionContext): Promise<SectionResult> {
  if (!ctx.realEnv) throw new Error('the real servers were not started');
  const { subgraphScript } = await compiledBuild(ctx.root);
  const appEnv = realAppEnv(ctx.realEnv, 'rsvp');
  // A generous response timeout: on the real servers an answer can take seconds under load,
  // and a request autocannon abandons keeps the server busy while it sends another.
  const settings = { connections: ctx.options.connections, pipelining: ctx.options.pipelining, timeoutS: 60 };
  const subgraph = spawnSubgraph({
    name: 'subgraph-rsvp',
    script: subgraphScript,
    cwd: ctx.root,
    pinning: ctx.pinning,
    env: { BENCH_APP_ENV: JSON.stringify(appEnv) },
  });
  let raw: Child | undefined;
  try {
    const port = await subgraph.listening(120_000);
    await waitReady(port, 60_000);
    const host = await userToken('bench-rsvp-host');
    const events: string[] = [];
    for (let i = 0; i < ctx.options.rsvpEvents; i++) events.push(await createPublicEvent(port, host, `Bench RSVP event ${i + 1}`, 7 + i));
    progress('created events', { events: events.length });

    // One continuous load run: warm-up until the rate settles (right after the servers
    // start, the JVMs, Neo4j above all, take many seconds to get up to speed), then the
    // measured window.
    const source = new AnswerSource(events);
    await source.fill(FIRST_POOL);
    const metricNames = [DATASTORE_COUNT, RSVP_TOTAL, `${RELAY_DELAY}_bucket`, `${RELAY_DELAY}_sum`, `${RELAY_DELAY}_count`];
    let before = new Map<string, number>();
    let after = new Map<string, number>();
    let stores: (() => StoreCpu) | undefined;
    let storeCpu: StoreCpu = {};
    progress('warm-up, then measuring', { section: 'rsvp', stepS: ctx.options.warmupS, maxWarmupS: MAX_WARMUP_S, seconds: ctx.options.durationS, profiling: ctx.options.profile, ...settings });
    const subgraphResult = await runSettledLoad(port, {
      path: '/graphql',
      next: () => source.next(),
      ok: withoutGraphQLErrors,
      settings,
      warmupStepS: ctx.options.warmupS,
      maxWarmupS: MAX_WARMUP_S,
      settledShare: WARM_ENOUGH,
      durationS: ctx.options.durationS,
      serverPid: subgraph.pid,
      pinning: ctx.pinning,
      onWindowStart: async () => {
        before = await scrapeMetrics(port, metricNames);
        if (ctx.options.profile) await startProfile(subgraph);
        stores = startStoreCpuWindow();
        progress('measuring', { section: 'rsvp', seconds: ctx.options.durationS });
      },
      onWindowEnd: async () => {
        storeCpu = stores?.() ?? {};
        after = await scrapeMetrics(port, metricNames);
      },
    });
    await source.stop();
    const profile = ctx.options.profile ? await stopProfile(subgraph, ctx.root, 'rsvp') : undefined;
    const delta = metricsDelta(before, after);
    const trips = roundTrips(delta);
    const relayed = relayDelay(delta);
    progress('measured', {
      section: 'rsvp',
      rps: Math.round(subgraphResult.requestsPerSecond),
      p50: subgraphResult.latencyP50Ms,
      p99: subgraphResult.latencyP99Ms,
      ok: subgraphResult.ok,
      graphqlErrors: subgraphResult.failed,
      warmupS: Math.round(subgraphResult.warmupS),
      settled: subgraphResult.settled,
      storeCpu: storeCpuText(storeCpu),
    });
    if (subgraphResult.failed > 0) warn('RSVP: GraphQL errors', { errors: subgraphResult.failed, first: subgraphResult.firstFailure });

    // Counts follow the answers: every answer recorded shows up in some event's `going`.
    const countsCheck = await settledCounts(port, events, 90_000);
    if (events.length > 90) warn('more events than one page of events(first:) shows; the counts check covers only those listed');

    // The subgraph leaves the server core before the baseline takes it.
    await subgraph.stop();

    raw = spawnChild({
      name: 'raw-upsert',
      script: 'bench/raw-upsert.ts',
      cwd: ctx.root,
      pinning: ctx.pinning,
      env: { BENCH_RAW: JSON.stringify({ url: appEnv.MONGODB_URL, database: appEnv.MONGODB_DATABASE, collection: RAW_COLLECTION, events }) },
    });
    await raw.waitFor('raw-ready', 60_000);
    if (ctx.options.warmupS > 0) {
      progress('warm-up', { section: 'rsvp', server: 'raw driver', seconds: ctx.options.warmupS });
      await rawRun(raw, ctx.options.warmupS, ctx.options.connections, ctx);
    }
    progress('measuring', { section: 'rsvp', server: 'raw driver', seconds: ctx.options.durationS, inFlight: ctx.options.connections });
    const rawMeasured = await rawRun(raw, ctx.options.durationS, ctx.options.connections, ctx);
    progress('measured', { section: 'rsvp', server: 'raw driver', opsPerSecond: Math.round(rawMeasured.result.opsPerSecond), errors: rawMeasured.result.errors });
    if (rawMeasured.result.errors > 0) warn('raw driver: errors', { errors: rawMeasured.result.errors, first: rawMeasured.result.firstError });

    const result: RsvpResult = {
      events: events.length,
      subgraph: subgraphResult,
      users: { signed: source.signed, reused: source.reusedUsers, repeated: source.repeated },
      roundTrips: trips,
      relayed,
      storeCpu,
      raw: rawMeasured,
      ratio: subgraphResult.requestsPerSecond / rawMeasured.result.opsPerSecond,
      countsCheck,
      ...(profile ? { profile } : {}),
    };
    return report(result, ctx);
  } finally {
    await Promise.all([subgraph.stop(), raw?.stop()]);
  }
}

function others(server: number | null, load: number | null): string {
  return server === null || load === null ? '-' : `${Math.round(server)} / ${Math.round(load)} %`;
}

/** FerretDB CPU-milliseconds per operation (answer or raw upsert), when measured. */
function ferretMsPer(storeCpu: StoreCpu, opsPerSecond: number): number {
  const pct = storeCpu.ferretdb;
  return pct === undefined || opsPerSecond <= 0 ? Number.NaN : (pct / 100 / opsPerSecond) * 1000;
}

function report(r: RsvpResult, ctx: SectionContext): SectionResult {
  const s = r.subgraph;
  const raw = r.raw.result;
  const mongoPerAnswer = r.roundTrips.perAnswerByStore.mongodb ?? Number.NaN;
  const ferretPerAnswer = ferretMsPer(r.storeCpu, s.requestsPerSecond);
  const ferretPerUpsert = ferretMsPer(r.raw.storeCpu, raw.opsPerSecond);
  const table: Table = {
    title: 'RSVP throughput (real servers: FerretDB, Redis, Kafka, Neo4j)',
    headers: ['what', 'ops/s', 'p50', 'p99', 'max', 'client CPU', 'loadgen CPU', 'others on cores', 'real servers CPU', 'FerretDB CPU/op', 'errors', 'ratio'],
    rows: [
      [
        'subgraph rsvp(GOING), new answer each',
        fmt.int(s.requestsPerSecond),
        fmt.ms(s.latencyP50Ms),
        fmt.ms(s.latencyP99Ms),
        fmt.ms(s.latencyMaxMs),
        s.serverCpuPct === null ? '-' : `${Math.round(s.serverCpuPct)} %`,
        `${Math.round(s.loadCpuPct)} %`,
        others(s.othersOnServerCpuPct, s.othersOnLoadCpuPct),
        storeCpuText(r.storeCpu),
        fmt.ms(ferretPerAnswer),
        `${s.non2xx + s.failed}`,
        fmt.pct(r.ratio),
      ],
      [
        'raw driver updateOne upsert',
        fmt.int(raw.opsPerSecond),
        fmt.ms(raw.latencyP50Ms),
        fmt.ms(raw.latencyP99Ms),
        fmt.ms(raw.latencyMaxMs),
        r.raw.cpu.serverCpuPct === null ? '-' : `${Math.round(r.raw.cpu.serverCpuPct)} %`,
        `${Math.round(r.raw.cpu.loadCpuPct)} %`,
        others(r.raw.cpu.othersOnServerCpuPct, r.raw.cpu.othersOnLoadCpuPct),
        storeCpuText(r.raw.storeCpu),
        fmt.ms(ferretPerUpsert),
        String(raw.errors),
        '',
      ],
    ],
    numeric: [1, 2, 3, 4, 5, 6, 7, 9, 10, 11],
    notes: [
      `${ctx.options.connections} in flight for both (autocannon connections / driver operations), ${ctx.options.durationS} s measured each after a warm-up ` +
        `(subgraph: one continuous run, measured once the rate settled — ${Math.round(s.warmupS)} s, answers/s per ${ctx.options.warmupS} s step ` +
        `${s.warmupRates.map((v) => v.toFixed(1)).join(' → ')}${s.settled ? '' : ', NOT settled'}; raw: ${ctx.options.warmupS} s); ` +
        `${r.events} PUBLIC events without capacity, a fresh user per request (${fmt.int(r.users.signed)} pre-signed tokens), random event; ` +
        (ctx.pinning.pinned
          ? `subgraph and raw client on CPU ${ctx.pinning.serverCpu}; autocannon and the real servers on CPU ${ctx.pinning.loadCpu}`
          : `UNPINNED: ${ctx.pinning.note}`),
      `an answer is not one write: the RSVP path is 3 document-store round trips on an event without capacity (read the event; write the answer, ` +
        `returning what it replaced; one event update that moves the counts and appends the outbox entry) plus the Redis rate limit, where the raw ` +
        `baseline makes 1; on FerretDB the event update also takes a lock document (insert, delete) and reads the event by _id under it (findOneLocked) ` +
        `unless writes queue and share the lock; the answer is an insert; measured here: ` +
        Object.entries(r.roundTrips.perAnswerByStore)
          .map(([store, n]) => `${n.toFixed(2)} ${store}`)
          .join(', ') +
        ' round trips per answer (table below, background work included)',
      `"FerretDB CPU/op": CPU the FerretDB process spent per answer / per raw upsert; when FerretDB is the bottleneck the ratio is about the inverse ` +
        `of these (${fmt.ms(ferretPerUpsert)} ÷ ${fmt.ms(ferretPerAnswer)} = ${fmt.pct(ferretPerUpsert / ferretPerAnswer)})`,
      `answers recorded without error in the measured window: ${fmt.int(s.ok)}` +
        (s.failed ? `, ${fmt.int(s.failed)} with GraphQL errors (first: ${s.firstFailure})` : '') +
        (s.non2xx ? `, ${fmt.int(s.non2xx)} non-200` : '') +
        (s.timeouts ? `, ${fmt.int(s.timeouts)} autocannon timeouts over the whole run` : '') +
        (r.users.reused ? `, ${fmt.int(r.users.reused)} requests by reused users (pool exhausted; still new answers)` : '') +
        (r.users.repeated ? `, ${fmt.int(r.users.repeated)} REPEATED answers` : '') +
        `; sum of going over the events ${fmt.int(r.countsCheck.going)} vs ${fmt.int(r.countsCheck.recorded)} answers the subgraph recorded in all (warm-up and requests still in flight at the end included)` +
        (r.countsCheck.going === r.countsCheck.recorded ? ' — consistent' : ' — MISMATCH') +
        (r.countsCheck.settled ? '' : ' (the subgraph was still recording answers when the check gave up waiting)'),
      `outbox relay: ${fmt.int(r.relayed.count)} events reached Kafka in the window after waiting ${fmt.ms(r.relayed.meanS * 1000)} on average ` +
        `(99 % within ${fmt.ms(r.relayed.p99AtMostS * 1000)}); entries waiting make every write of their event slower on FerretDB, which reads whole documents`,
      'client CPU: CPU of the subgraph process / of the raw driver process; "others on cores": CPU used on the server / load-generator core by anything else ' +
        '(on the load-generator core that includes the real servers)',
    ],
  };
  const trips: Table = {
    title: 'Store operations per RSVP answer (subgraph, measured run, from its /metrics)',
    headers: ['store', 'operation', 'count', 'per answer'],
    rows: r.roundTrips.perAnswer.map((row) => [row.store, row.operation, fmt.int(row.count), row.perAnswer.toFixed(2)]),
    numeric: [2, 3],
    notes: [`${fmt.int(r.roundTrips.answers)} answers counted by events_rsvp_total; includes the outbox relay, which runs in the same process`],
  };
  const checks: Check[] = [
    {
      name: 'RSVP subgraph/raw upsert throughput',
      measured: fmt.pct(r.ratio),
      target: `≥ ${Math.round(TARGET_RATIO * 100)} %`,
      pass: r.ratio >= TARGET_RATIO,
      note: `${fmt.int(s.requestsPerSecond)} vs ${fmt.int(raw.opsPerSecond)} ops/s; ${Number.isFinite(mongoPerAnswer) ? mongoPerAnswer.toFixed(1) : '-'} MongoDB round trips per answer vs 1`,
    },
  ];
  const tables = [table, trips];
  if (r.profile) tables.push(profileTable('rsvp(GOING), measured run', r.profile));
  return { tables, checks, data: r.profile ? { ...r, profile: profileData(r.profile) } : r };
}

export const rsvpSection: Section = {
  name: 'rsvp',
  description: 'RSVP mutation throughput on the real servers vs the raw MongoDB driver upsert on the same FerretDB',
  needsRealServers: true,
  byDefault: false,
  scenarios: [
    { name: 'rsvp-throughput', title: 'RSVP throughput vs raw upsert' },
    { name: 'rsvp-instances', title: 'RSVP answers/s with one and three instances (the per-document lock)' },
  ],
  run: runRsvp,
};
