/**
 * Live fan-out on the real servers (design §6: many live subscribers on one instance,
 * mutation → message p99 ≤ 250 ms, ≤ 30 KB per connection). The compiled subgraph runs
 * pinned to the server core against FerretDB, Redis, Kafka and Neo4j; this process (the
 * load-generator core) opens BENCH_SUBSCRIBERS graphql-ws connections, each a different
 * user subscribed to `eventStatsChanged` of one PUBLIC event, then sends RSVP mutations one
 * at a time and times, for every subscriber, the arrival of the counts version each one
 * produced. The answer travels the production path: event document + outbox → relay →
 * Kafka → this instance's live-stats consumer → every subscriber. The subscribers are in
 * fanout-subscribers.ts, the tables and checks in fanout-report.ts.
 */
import { createPublicEvent, signTokens, userToken } from '../lib/api.js';
import type { Child } from '../lib/children.js';
import { compiledBuild } from '../lib/compiled.js';
import { openFilesLimit, processCpuSeconds, processMemoryBytes, startCpuWindow } from '../lib/cpu.js';
import { graphql, waitReady } from '../lib/http.js';
import type { MemoryReading } from '../lib/ipc.js';
import { progress, warn } from '../lib/log.js';
import { metricsDelta, scrapeMetrics } from '../lib/metrics.js';
import { ensureOpenFiles } from '../lib/open-files.js';
import { startProfile, stopProfile } from '../lib/profile-run.js';
import { startStoreCpuWindow } from '../lib/store-cpu.js';
import { spawnSubgraph } from '../lib/production-node.js';
import { realAppEnv } from '../lib/subgraph-env.js';
import { BATCH, report, storeOpsPer, type FanoutRound } from './fanout-report.js';
import { Arrivals, latencySummary, openSubscriber, type Subscriber } from './fanout-subscribers.js';
import type { NamedScenario, Section, SectionContext, SectionResult } from './types.js';

const BATCH_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 30_000;
/** File descriptors beyond the sockets: the process's own files, store connections, etc. */
const FD_HEADROOM = 512;
const SETTLE_MS = 1_000;
const PAUSE_BETWEEN_MUTATIONS_MS = 100;

/** Answers given before the measured rounds (see runFanout). */
const WARMUP_ANSWERS = 1;
const RSVP = 'mutation BenchFanoutRsvp($e: ID!) { rsvp(eventId: $e, status: GOING) { status } }';
const DATASTORE_COUNT = 'datastore_operation_duration_seconds_count';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

async function runFanout(_selected: NamedScenario[], ctx: SectionContext): Promise<SectionResult> {
  if (!ctx.realEnv) throw new Error('the real servers were not started');
  const n = ctx.options.subscribers;
  const rounds = ctx.options.fanoutMutations;
  const needed = n + FD_HEADROOM;
  // Raised for this process first when it can be: the subgraph child inherits the limit.
  const selfLimit = ensureOpenFiles(needed, 'the load generator (this process)');

  const { subgraphScript } = await compiledBuild(ctx.root);
  const appEnv = realAppEnv(ctx.realEnv, 'fanout', { LIVE_MAX_UPDATES_PER_SECOND: '1000' });
  const subgraph = spawnSubgraph({
    name: 'subgraph-fanout',
    script: subgraphScript,
    cwd: ctx.root,
    pinning: ctx.pinning,
    // --expose-gc: the memory readings before and after subscribing follow a full GC.
    nodeArgs: ['--expose-gc'],
    env: { BENCH_APP_ENV: JSON.stringify(appEnv), BENCH_TRACE_LIVE_SENDS: '1' },
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
    if (childLimit !== null && childLimit < needed) throw new Error(`the subgraph child may open ${childLimit} files but needs about ${needed}`);
    await waitReady(port, 60_000);
    const eventId = await createPublicEvent(port, await userToken('bench-fanout-host'), 'Bench fan-out event');
    const tokens = await signTokens('bench-fanout-subscriber', n);
    // One more than the measured rounds: the first answer warms the path up, unmeasured.
    const guests = await signTokens('bench-fanout-guest', rounds + 1);
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
    let half: { memory: MemoryReading; connected: number } | null = null;
    for (let from = 0; from < n; from += BATCH) {
      if (half === null && from >= n / 2) {
        // Memory with half the subscribers: what each added one costs is measured from here,
        // with whatever the process sized once for its load (the young generation) in both readings.
        await sleep(SETTLE_MS);
        half = { memory: (await inspect(subgraph, { gc: true, eventId })).memory, connected: live() };
      }
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

    // The event is new: its counts version is 0, and answer k makes it k. Answer 1 is a
    // warm-up, as every other row has one: the first fan-out of a process compiles its path.
    const active = subscribers.map((s) => s.connected && !s.failed);
    const expected = connected.length;
    arrivals = new Arrivals(1, n, 0);
    await graphql(port, RSVP, { e: eventId }, guests[rounds]!);
    const warmedUp = await arrivals.waitFor(0, expected, ctx.options.fanoutTimeoutMs);
    progress('fan-out warm-up', { delivered: arrivals.received[0], complete: warmedUp });
    await sleep(PAUSE_BETWEEN_MUTATIONS_MS);
    arrivals = new Arrivals(rounds, n, WARMUP_ANSWERS);
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
      const traced = versions[WARMUP_ANSWERS + round + 1];
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
    const finalCountsCorrect = subscribers.filter((s, i) => active[i] && s.version === WARMUP_ANSWERS + rounds && s.going === WARMUP_ANSWERS + rounds).length;

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
        memoryAtHalf: half?.memory ?? null,
        bytesPerAddedConnection: half && connected.length > half.connected ? (after.memory.rss - half.memory.rss) / (connected.length - half.connected) : Number.NaN,
        heapBytesPerAddedConnection:
          half && connected.length > half.connected ? (after.memory.heapUsed - half.memory.heapUsed) / (connected.length - half.connected) : Number.NaN,
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

export const fanoutSection: Section = {
  name: 'fanout',
  description: 'live subscribers on one instance: mutation → message latency and memory per connection, real servers',
  needsRealServers: true,
  byDefault: false,
  scenarios: [{ name: 'live-fanout', title: 'live fan-out' }],
  run: runFanout,
};
