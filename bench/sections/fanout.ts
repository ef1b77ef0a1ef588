/**
 * Live fan-out on the real servers (design §6: many live subscribers on one instance,
 * mutation → message p99 ≤ 250 ms, ≤ 30 KB per connection). The compiled subgraph runs
 * pinned to the server core against FerretDB, Redis, Kafka and Neo4j; this process (the
 * load-generator core) opens BENCH_SUBSCRIBERS graphql-ws connections, each a different
 * user subscribed to `eventStatsChanged` of one PUBLIC event, then sends RSVP mutations one
 * at a time and times, for every subscriber, the arrival of the counts version each one
 * produced. The answer travels the production path: event document + outbox → relay →
 * Kafka → this instance's live-stats consumer → every subscriber.
 */
import { createPublicEvent, signTokens, userToken } from '../lib/api.js';
import { spawnChild, type Child } from '../lib/children.js';
import { compiledBuild } from '../lib/compiled.js';
import { openFilesLimit, processCpuSeconds, processMemoryBytes, startCpuWindow } from '../lib/cpu.js';
import { graphql, waitReady } from '../lib/http.js';
import { openLiveSubscriber, type LiveSubscriber } from '../lib/live-client.js';
import type { MemoryReading } from '../lib/ipc.js';
import { progress, warn } from '../lib/log.js';
import { labelOf, metricsDelta, scrapeMetrics } from '../lib/metrics.js';
import { profileData, profileTable, startProfile, stopProfile, type ProfileResult } from '../lib/profile-run.js';
import { startStoreCpuWindow, storeCpuText, type StoreName } from '../lib/store-cpu.js';
import { fmt, type Check, type Table } from '../lib/report.js';
import { realAppEnv, SUBGRAPH_PROCESS_ENV } from '../lib/subgraph-env.js';
import type { NamedScenario, Section, SectionContext, SectionResult } from './types.js';

const TARGET_P99_MS = 250;
const TARGET_BYTES_PER_CONNECTION = 30_000;
const BATCH = 100;
const BATCH_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 30_000;
/** File descriptors beyond the sockets: the process's own files, store connections, etc. */
const FD_HEADROOM = 512;
const SETTLE_MS = 1_000;
const PAUSE_BETWEEN_MUTATIONS_MS = 100;

const LIVE = 'subscription BenchLive($id: ID!) { eventStatsChanged(eventId: $id) { eventId version counts { going interested maybe notGoing waitlisted } } }';
const RSVP = 'mutation BenchFanoutRsvp($e: ID!) { rsvp(eventId: $e, status: GOING) { status } }';

interface StatsChange {
  eventStatsChanged: { eventId: string; version: number; counts: { going: number } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One subscriber: its connection and what it received. */
interface Subscriber {
  connection: LiveSubscriber;
  connected: boolean;
  failed: string | null;
  /** Highest counts version received. */
  version: number;
  going: number;
}

/**
 * Arrival times of each round's version at each subscriber (NaN = not yet), filled by the
 * subscribers' message handlers.
 */
class Arrivals {
  readonly times: Float64Array[] = [];
  readonly received: number[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    rounds: number,
    subscribers: number,
    /** Counts version each round produces (the event's version before round 1, plus the round). */
    private readonly baseVersion: number,
  ) {
    for (let r = 0; r < rounds; r++) {
      this.times.push(new Float64Array(subscribers).fill(Number.NaN));
      this.received.push(0);
    }
  }

  /** Subscriber `i` now holds `version` (a later version also delivers the earlier rounds: coalesced). */
  record(i: number, previous: number, version: number, at: number) {
    for (let round = Math.max(0, previous - this.baseVersion); round < Math.min(this.times.length, version - this.baseVersion); round++) {
      const times = this.times[round]!;
      if (!Number.isNaN(times[i]!)) continue;
      times[i] = at;
      this.received[round]! += 1;
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once `round` reached `expected` subscribers, or at the deadline. */
  async waitFor(round: number, expected: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.received[round]! < expected) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }
}

async function inspect(child: Child, options: { gc?: boolean; eventId?: string } = {}): Promise<{ memory: MemoryReading; subscribers: number | null }> {
  child.send({ type: 'inspect', ...options });
  const { memory, subscribers } = await child.waitFor('inspected', 30_000);
  return { memory, subscribers };
}

/** Polls the child's live-subscriber count until it equals `expected()` (bounded); returns the last count. */
async function waitSubscribers(child: Child, eventId: string, expected: () => number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = (await inspect(child, { eventId })).subscribers ?? -1;
    if (count === expected() || Date.now() > deadline) return count;
    await sleep(50);
  }
}

function openSubscriber(
  url: string,
  token: string,
  eventId: string,
  index: number,
  arrivals: () => Arrivals | null,
  state: { badMessages: number },
): Subscriber {
  const subscriber: Omit<Subscriber, 'connection'> = { connected: false, failed: null, version: 0, going: 0 };
  const connection = openLiveSubscriber({
    url,
    token,
    query: LIVE,
    variables: { id: eventId },
    onConnected: () => {
      subscriber.connected = true;
    },
    onFailure: (reason) => {
      subscriber.failed ??= reason;
    },
    onData: (data, errors) => {
      const at = performance.now();
      const change = (data as StatsChange | null | undefined)?.eventStatsChanged;
      if (errors?.length) {
        subscriber.failed ??= `subscription error: ${JSON.stringify(errors).slice(0, 300)}`;
        return;
      }
      if (!change || typeof change.version !== 'number') {
        state.badMessages += 1;
        return;
      }
      const previous = subscriber.version;
      if (change.version <= previous) return;
      subscriber.version = change.version;
      subscriber.going = change.counts.going;
      arrivals()?.record(index, previous, change.version, at);
    },
  });
  return Object.assign(subscriber, { connection });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function latencySummary(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    minMs: sorted.length ? sorted[0]! : Number.NaN,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

export interface FanoutRound {
  round: number;
  /** HTTP round trip of the mutation. */
  mutationMs: number;
  delivered: number;
  missed: number;
  /** From the mutation's HTTP response to arrival. */
  fromResponse: ReturnType<typeof latencySummary>;
  /** From sending the mutation to arrival. */
  fromRequest: ReturnType<typeof latencySummary>;
  /** Inside the subgraph, from the same HTTP response: when this version passed each step (null if not traced). */
  path: {
    relayPublishMs: number | null;
    relayAckedMs: number | null;
    liveMs: number | null;
    firstSendMs: number | null;
    lastSendMs: number | null;
    sends: number;
  };
}

export interface FanoutResult {
  requested: number;
  connected: number;
  connectFailures: number;
  firstConnectFailure: string | null;
  registered: number;
  connectMs: number;
  memoryBefore: MemoryReading;
  memoryAfter: MemoryReading;
  memoryAfterDeliveries: MemoryReading;
  peakRssBytes: number | null;
  bytesPerConnection: number;
  heapBytesPerConnection: number;
  rounds: FanoutRound[];
  all: { fromResponse: ReturnType<typeof latencySummary>; fromRequest: ReturnType<typeof latencySummary>; deliveries: number; missed: number };
  serverCpuMsPerRound: number | null;
  loadgenCpuMsPerRound: number;
  badMessages: number;
  finalCountsCorrect: number;
  subscribersAfterClose: number;
  openFiles: { self: number | null; child: number | null };
  /** Store operations the subgraph made while the subscribers subscribed, per subscriber. */
  subscribeOps: SubscribeOps;
  /** CPU of the real servers (% of one core) while subscribing / during the mutations. */
  subscribeStoreCpu: Partial<Record<StoreName, number>>;
  roundStoreCpu: Partial<Record<StoreName, number>>;
  /** CPU used on the server / load-generator core by anything else during the mutations, % of the core. */
  othersOnCores: { server: number | null; load: number | null };
  profile?: ProfileResult;
}

const DATASTORE_COUNT = 'datastore_operation_duration_seconds_count';

interface SubscribeOps {
  perSubscriber: { store: string; operation: string; perSubscriber: number }[];
  perSubscriberByStore: Record<string, number>;
}

function storeOpsPer(delta: Map<string, number>, subscribers: number): SubscribeOps {
  const perSubscriber: SubscribeOps['perSubscriber'] = [];
  const perSubscriberByStore: Record<string, number> = {};
  for (const [key, count] of delta) {
    const store = labelOf(key, 'store') ?? '?';
    const per = subscribers > 0 ? count / subscribers : Number.NaN;
    perSubscriber.push({ store, operation: labelOf(key, 'operation') ?? '?', perSubscriber: per });
    perSubscriberByStore[store] = +((perSubscriberByStore[store] ?? 0) + per).toFixed(2);
  }
  perSubscriber.sort((a, b) => b.perSubscriber - a.perSubscriber);
  return { perSubscriber, perSubscriberByStore };
}

function checkOpenFiles(needed: number, limit: number | null, who: string): void {
  if (limit === null || limit >= needed) return;
  throw new Error(
    `${who} may open ${limit} files but BENCH_SUBSCRIBERS needs about ${needed} (one socket per subscriber plus ${FD_HEADROOM}); ` +
      `raise the limit (e.g. \`ulimit -n ${Math.max(needed, 65_536)}\` in the shell that runs npm run bench; node raises its soft limit ` +
      `up to the hard limit, so the hard limit is what counts) or lower BENCH_SUBSCRIBERS`,
  );
}

async function runFanout(_selected: NamedScenario[], ctx: SectionContext): Promise<SectionResult> {
  if (!ctx.realEnv) throw new Error('the real servers were not started');
  const n = ctx.options.subscribers;
  const rounds = ctx.options.fanoutMutations;
  const needed = n + FD_HEADROOM;
  const selfLimit = openFilesLimit('self');
  checkOpenFiles(needed, selfLimit, 'the load generator (this process)');

  const { subgraphScript } = await compiledBuild(ctx.root);
  const appEnv = realAppEnv(ctx.realEnv, 'fanout', { LIVE_MAX_UPDATES_PER_SECOND: '1000' });
  const subgraph = spawnChild({
    name: 'subgraph-fanout',
    script: subgraphScript,
    cwd: ctx.root,
    pinning: ctx.pinning,
    // --expose-gc: the memory readings before and after subscribing follow a full GC.
    nodeArgs: ['--expose-gc'],
    env: { ...SUBGRAPH_PROCESS_ENV, BENCH_APP_ENV: JSON.stringify(appEnv), BENCH_TRACE_LIVE_SENDS: '1' },
  });
  const subscribers: Subscriber[] = [];
  let arrivals: Arrivals | null = null;
  const state = { badMessages: 0 };
  let closed = false;
  const closeAll = async () => {
    if (closed) return;
    closed = true;
    for (let from = 0; from < subscribers.length; from += BATCH * 5) {
      await Promise.allSettled(subscribers.slice(from, from + BATCH * 5).map((s) => s.connection.close()));
    }
  };
  try {
    const port = await subgraph.listening(120_000);
    const childLimit = openFilesLimit(subgraph.pid);
    checkOpenFiles(needed, childLimit, 'the subgraph child');
    await waitReady(port, 60_000);
    const eventId = await createPublicEvent(port, await userToken('bench-fanout-host'), 'Bench fan-out event');
    const tokens = await signTokens('bench-fanout-subscriber', n);
    const guests = await signTokens('bench-fanout-guest', rounds);
    await sleep(SETTLE_MS);
    const before = await inspect(subgraph, { gc: true, eventId });

    const metricsBefore = await scrapeMetrics(port, [DATASTORE_COUNT]);
    const subscribeStores = startStoreCpuWindow();
    const url = `ws://127.0.0.1:${port}/graphql`;
    // In batches: each waits for its acknowledgements, then until the server holds every
    // subscription made so far (each one reads the event and the viewer's relations first),
    // so the stores are not handed thousands of look-ups at once.
    const connectStarted = performance.now();
    const live = () => subscribers.filter((sub) => sub.connected && !sub.failed).length;
    let held = 0;
    for (let from = 0; from < n; from += BATCH) {
      const batch: Subscriber[] = [];
      for (let i = from; i < Math.min(n, from + BATCH); i++) batch.push(openSubscriber(url, tokens[i]!, eventId, i, () => arrivals, state));
      subscribers.push(...batch);
      const deadline = Date.now() + BATCH_TIMEOUT_MS;
      while (batch.some((sub) => !sub.connected && !sub.failed) && Date.now() < deadline) await sleep(10);
      for (const sub of batch) if (!sub.connected && !sub.failed) sub.failed = `no acknowledgement within ${BATCH_TIMEOUT_MS} ms`;
      held = await waitSubscribers(subgraph, eventId, live, BATCH_TIMEOUT_MS);
      if ((from / BATCH) % 10 === 9 || from + BATCH >= n) {
        progress('subscribers connecting', { held, failed: subscribers.filter((sub) => sub.failed).length, of: n });
      }
    }
    const connectMs = performance.now() - connectStarted;
    // Late failures (a subscription refused after the acknowledgement) leave the server too.
    const registered = await waitSubscribers(subgraph, eventId, live, 5_000);
    const connected = subscribers.filter((sub) => sub.connected && !sub.failed);
    const failures = subscribers.filter((sub) => sub.failed);
    if (failures.length > 0) warn('some subscribers failed', { failed: failures.length, first: failures[0]!.failed });
    if (connected.length === 0) throw new Error(`no subscriber connected (first failure: ${failures[0]?.failed ?? 'none'})`);
    if (registered !== connected.length) warn('the server does not hold every subscription', { registered, connected: connected.length });
    const subscribeStoreCpu = subscribeStores();
    const subscribeOps = storeOpsPer(metricsDelta(metricsBefore, await scrapeMetrics(port, [DATASTORE_COUNT])), subscribers.filter((sub) => sub.connected).length);
    progress('subscribed', { subscribers: registered, failed: failures.length, connectMs: Math.round(connectMs), storeOpsPerSubscription: subscribeOps.perSubscriberByStore });
    await sleep(SETTLE_MS);
    const after = await inspect(subgraph, { gc: true, eventId });

    // The event is new: its counts version is 0, and answer k makes it k.
    const active = subscribers.map((s) => s.connected && !s.failed);
    const expected = connected.length;
    arrivals = new Arrivals(rounds, n, 0);
    const results: FanoutRound[] = [];
    /** Epoch ms of each mutation's HTTP response, to compare with the subgraph's send times. */
    const answeredAtMs: number[] = [];
    const allFromResponse: number[] = [];
    const allFromRequest: number[] = [];
    if (ctx.options.profile) await startProfile(subgraph);
    const roundStores = startStoreCpuWindow();
    const roundCpu = startCpuWindow(ctx.pinning, subgraph.pid);
    const serverCpuBefore = processCpuSeconds(subgraph.pid);
    const selfBefore = process.cpuUsage();
    for (let round = 0; round < rounds; round++) {
      const sent = performance.now();
      await graphql(port, RSVP, { e: eventId }, guests[round]!);
      const answered = performance.now();
      const complete = await arrivals.waitFor(round, expected, ctx.options.fanoutTimeoutMs);
      const fromResponse: number[] = [];
      const fromRequest: number[] = [];
      const times = arrivals.times[round]!;
      for (let i = 0; i < n; i++) {
        if (!active[i] || Number.isNaN(times[i]!)) continue;
        fromResponse.push(times[i]! - answered);
        fromRequest.push(times[i]! - sent);
      }
      for (const v of fromResponse) allFromResponse.push(v);
      for (const v of fromRequest) allFromRequest.push(v);
      answeredAtMs.push(performance.timeOrigin + answered);
      const result: FanoutRound = {
        round: round + 1,
        mutationMs: answered - sent,
        delivered: fromResponse.length,
        missed: expected - fromResponse.length,
        fromResponse: latencySummary(fromResponse),
        fromRequest: latencySummary(fromRequest),
        path: { relayPublishMs: null, relayAckedMs: null, liveMs: null, firstSendMs: null, lastSendMs: null, sends: 0 },
      };
      results.push(result);
      progress('fan-out round', {
        round: result.round,
        delivered: result.delivered,
        missed: result.missed,
        complete,
        p50: +result.fromResponse.p50Ms.toFixed(1),
        p99: +result.fromResponse.p99Ms.toFixed(1),
        max: +result.fromResponse.maxMs.toFixed(1),
      });
      await sleep(PAUSE_BETWEEN_MUTATIONS_MS);
    }
    const serverCpuAfter = processCpuSeconds(subgraph.pid);
    const self = process.cpuUsage(selfBefore);
    const roundStoreCpu = roundStores();
    const cpuWindow = roundCpu();
    subgraph.send({ type: 'live-trace' });
    const { versions } = await subgraph.waitFor('live-trace', 30_000);
    results.forEach((result, round) => {
      const traced = versions[round + 1];
      if (!traced) return;
      const since = (at: number | null) => (at === null ? null : at - answeredAtMs[round]!);
      result.path = {
        relayPublishMs: since(traced.relayPublishMs),
        relayAckedMs: since(traced.relayAckedMs),
        liveMs: since(traced.liveMs),
        firstSendMs: since(traced.firstSendMs),
        lastSendMs: since(traced.lastSendMs),
        sends: traced.sends,
      };
    });
    const profile = ctx.options.profile ? await stopProfile(subgraph, ctx.root, 'fanout') : undefined;
    const afterDeliveries = await inspect(subgraph, { eventId });
    const peak = processMemoryBytes(subgraph.pid)?.peak ?? null;

    // Every subscriber should end on the counts after the last answer.
    const finalCountsCorrect = subscribers.filter((s, i) => active[i] && s.version === rounds && s.going === rounds).length;

    await closeAll();
    const subscribersAfterClose = await waitSubscribers(subgraph, eventId, () => 0, CLOSE_TIMEOUT_MS);

    return report(
      {
        requested: n,
        connected: connected.length,
        connectFailures: failures.length,
        firstConnectFailure: failures[0]?.failed ?? null,
        registered,
        connectMs,
        memoryBefore: before.memory,
        memoryAfter: after.memory,
        memoryAfterDeliveries: afterDeliveries.memory,
        peakRssBytes: peak,
        bytesPerConnection: (after.memory.rss - before.memory.rss) / connected.length,
        heapBytesPerConnection: (after.memory.heapUsed - before.memory.heapUsed) / connected.length,
        rounds: results,
        all: {
          fromResponse: latencySummary(allFromResponse),
          fromRequest: latencySummary(allFromRequest),
          deliveries: results.reduce((sum, r) => sum + r.delivered, 0),
          missed: results.reduce((sum, r) => sum + r.missed, 0),
        },
        serverCpuMsPerRound: serverCpuBefore !== null && serverCpuAfter !== null ? ((serverCpuAfter - serverCpuBefore) * 1000) / rounds : null,
        loadgenCpuMsPerRound: (self.user + self.system) / 1000 / rounds,
        badMessages: state.badMessages,
        finalCountsCorrect,
        subscribersAfterClose,
        openFiles: { self: selfLimit, child: childLimit },
        subscribeOps,
        subscribeStoreCpu,
        roundStoreCpu,
        othersOnCores: { server: cpuWindow.othersOnServerCpuPct, load: cpuWindow.othersOnLoadCpuPct },
        ...(profile ? { profile } : {}),
      },
      ctx,
    );
  } finally {
    await closeAll().catch(() => undefined);
    await subgraph.stop();
  }
}

const kb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1000).toFixed(1)} KB` : '-');

function report(r: FanoutResult, ctx: SectionContext): SectionResult {
  const a = r.all;
  const rows = r.rounds.map((round) => [
    String(round.round),
    fmt.ms(round.mutationMs),
    `${fmt.int(round.delivered)} / ${fmt.int(round.delivered + round.missed)}`,
    fmt.ms(round.fromResponse.minMs),
    fmt.ms(round.fromResponse.p50Ms),
    fmt.ms(round.fromResponse.p99Ms),
    fmt.ms(round.fromResponse.maxMs),
    fmt.ms(round.fromRequest.p99Ms),
  ]);
  rows.push([
    'all',
    '',
    `${fmt.int(a.deliveries)} / ${fmt.int(a.deliveries + a.missed)}`,
    fmt.ms(a.fromResponse.minMs),
    fmt.ms(a.fromResponse.p50Ms),
    fmt.ms(a.fromResponse.p99Ms),
    fmt.ms(a.fromResponse.maxMs),
    fmt.ms(a.fromRequest.p99Ms),
  ]);
  const delivery: Table = {
    title: `Live fan-out: ${fmt.int(r.registered)} graphql-ws subscribers of one event, ${r.rounds.length} RSVP mutations one at a time (real servers)`,
    headers: ['mutation', 'HTTP', 'delivered', 'first', 'p50', 'p99', 'last', 'p99 from request'],
    rows,
    numeric: [1, 3, 4, 5, 6, 7],
    notes: [
      'first / p50 / p99 / last: from the mutation\'s HTTP response (as this process saw it) to each subscriber\'s message with the new counts version; ' +
        '"p99 from request" counts from sending the mutation instead; a negative time means the message came before the HTTP response (the subgraph ' +
        'fans out on the event loop that also finishes the mutation, so a fan-out can delay the response)',
      `path: event update + outbox entry → outbox relay → Kafka → this instance's live-stats consumer → LIVE_MAX_UPDATES_PER_SECOND=1000 throttle → ` +
        `graphql-ws executes the selection per subscriber and sends; the receive times include this process handling ${fmt.int(r.registered)} messages on one core ` +
        `(load generator CPU ${fmt.ms(r.loadgenCpuMsPerRound)} per mutation, ${fmt.ms(r.loadgenCpuMsPerRound / Math.max(1, r.registered))} per message)`,
      `subgraph CPU per mutation (answer + fan-out to every subscriber): ${r.serverCpuMsPerRound === null ? '-' : fmt.ms(r.serverCpuMsPerRound)}` +
        (r.serverCpuMsPerRound === null || r.registered === 0 ? '' : ` (${((r.serverCpuMsPerRound * 1000) / r.registered).toFixed(1)} µs per delivery)`),
      `CPU taken on the server / load-generator core by anything else during the mutations (other processes, the real servers): ` +
        `${r.othersOnCores.server === null ? '-' : Math.round(r.othersOnCores.server)} / ${r.othersOnCores.load === null ? '-' : Math.round(r.othersOnCores.load)} %`,
      `missed deliveries: ${fmt.int(a.missed)} (waited up to ${ctx.options.fanoutTimeoutMs} ms per mutation); subscribers on the final counts: ${fmt.int(r.finalCountsCorrect)} / ${fmt.int(r.connected)}` +
        (r.badMessages ? `; ${r.badMessages} messages without counts or with errors` : ''),
    ],
  };
  const ms = (v: number | null) => fmt.ms(v ?? Number.NaN);
  const path: Table = {
    title: 'Live fan-out: where the time goes (inside the subgraph, from the mutation\'s HTTP response)',
    headers: ['mutation', 'relay → Kafka', 'Kafka acked', 'consumer → LiveStats', 'first ws send', 'last ws send', 'sends', 'last received'],
    rows: r.rounds.map((round) => [
      String(round.round),
      ms(round.path.relayPublishMs),
      ms(round.path.relayAckedMs),
      ms(round.path.liveMs),
      ms(round.path.firstSendMs),
      ms(round.path.lastSendMs),
      fmt.int(round.path.sends),
      fmt.ms(round.fromResponse.maxMs),
    ]),
    numeric: [1, 2, 3, 4, 5, 6, 7],
    notes: [
      'traced in the subgraph (BENCH_TRACE_LIVE_SENDS=1): the outbox relay publishing the event.rsvp message and the broker acknowledging it, the live-stats ' +
        'consumer handing it to LiveStats, graphql-ws handing it to the first and last WebSocket; "last received" is the last subscriber seeing it in this process',
      'relay → Kafka: the relay reads the event documents with pending outbox entries (after its Redis lease check) before it publishes; ' +
        'first → last ws send: graphql-ws executing the subscription\'s selection and serialising it once per subscriber; last ws send → last received: sockets and this process',
    ],
  };
  const memory: Table = {
    title: 'Live fan-out: connections and subgraph memory',
    headers: ['what', 'value'],
    rows: [
      ['subscribers requested / acknowledged / held by the server', `${fmt.int(r.requested)} / ${fmt.int(r.connected)} / ${fmt.int(r.registered)}`],
      ['subscribers failed (connection or subscription)', r.connectFailures ? `${fmt.int(r.connectFailures)} (first: ${r.firstConnectFailure})` : '0'],
      [`open and subscribe all (batches of ${BATCH}, each until the server holds it)`, fmt.ms(r.connectMs)],
      [
        'store operations per subscription',
        r.subscribeOps.perSubscriber
          .filter((o) => o.perSubscriber >= 0.05)
          .map((o) => `${o.store} ${o.operation} ${o.perSubscriber.toFixed(2)}`)
          .join(', ') || '-',
      ],
      ['real servers CPU while subscribing / during the mutations', `${storeCpuText(r.subscribeStoreCpu)} / ${storeCpuText(r.roundStoreCpu)}`],
      ['RSS before subscribing (after GC)', fmt.mb(r.memoryBefore.rss)],
      ['RSS with every subscriber (after GC)', fmt.mb(r.memoryAfter.rss)],
      ['RSS after the deliveries / peak', `${fmt.mb(r.memoryAfterDeliveries.rss)} / ${fmt.mb(r.peakRssBytes ?? Number.NaN)}`],
      ['RSS per connection', kb(r.bytesPerConnection)],
      ['JS heap per connection', kb(r.heapBytesPerConnection)],
      ['server subscribers after the clients closed', fmt.int(r.subscribersAfterClose)],
      ['open files allowed (load generator / subgraph)', `${r.openFiles.self ?? '?'} / ${r.openFiles.child ?? '?'}`],
    ],
    numeric: [],
    notes: [
      'per connection = (RSS with every subscriber − RSS before) ÷ acknowledged connections, both read in the subgraph after a full GC (--expose-gc)',
      `each subscriber is a different signed-in user with its own WebSocket; design §6 speaks of 10,000 (BENCH_SUBSCRIBERS=10000)` +
        (ctx.pinning.pinned ? `; subgraph on CPU ${ctx.pinning.serverCpu}, subscribers and the real servers on CPU ${ctx.pinning.loadCpu}` : `; UNPINNED: ${ctx.pinning.note}`),
    ],
  };
  const checks: Check[] = [
    {
      name: 'live subscribers held by one instance',
      measured: fmt.int(r.registered),
      target: `${fmt.int(r.requested)} (BENCH_SUBSCRIBERS)`,
      pass: r.registered === r.requested,
      ...(r.connectFailures ? { note: `${fmt.int(r.connectFailures)} failed; first: ${(r.firstConnectFailure ?? '').slice(0, 120)}` } : {}),
    },
    {
      name: `live fan-out p99 (${fmt.int(r.registered)} subscribers)`,
      measured: fmt.ms(a.fromResponse.p99Ms),
      target: `≤ ${TARGET_P99_MS} ms`,
      pass: a.fromResponse.p99Ms <= TARGET_P99_MS && a.missed === 0,
      note: `from the HTTP response; from the request: p99 ${fmt.ms(a.fromRequest.p99Ms)}; max ${fmt.ms(a.fromResponse.maxMs)}; ${fmt.int(a.missed)} missed` + (a.missed ? ' (a miss fails the check)' : ''),
    },
    {
      name: 'memory per live connection',
      measured: kb(r.bytesPerConnection),
      target: `≤ ${kb(TARGET_BYTES_PER_CONNECTION)}`,
      pass: r.bytesPerConnection <= TARGET_BYTES_PER_CONNECTION,
      note: `RSS ${fmt.mb(r.memoryBefore.rss)} → ${fmt.mb(r.memoryAfter.rss)}`,
    },
  ];
  const tables = [delivery, path, memory];
  if (r.profile) tables.push(profileTable(`fan-out, ${r.rounds.length} mutations to ${fmt.int(r.registered)} subscribers`, r.profile));
  return { tables, checks, data: r.profile ? { ...r, profile: profileData(r.profile) } : r };
}

export const fanoutSection: Section = {
  name: 'fanout',
  description: 'live subscribers on one instance: mutation → message latency and memory per connection, real servers',
  needsRealServers: true,
  byDefault: false,
  scenarios: [{ name: 'live-fanout', title: 'live fan-out' }],
  run: runFanout,
};
