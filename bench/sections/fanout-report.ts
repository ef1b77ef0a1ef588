/** The fan-out benchmark's results: the tables, and the checks against design §6. */
import { labelOf } from '../lib/metrics.js';
import type { MemoryReading } from '../lib/ipc.js';
import { profileData, profileTable, type ProfileResult } from '../lib/profile-run.js';
import { storeCpuText, type StoreName } from '../lib/store-cpu.js';
import { fmt, type Check, type Table } from '../lib/report.js';
import type { latencySummary } from './fanout-subscribers.js';
import type { SectionContext, SectionResult } from './types.js';

export const TARGET_P99_MS = 250;
export const TARGET_BYTES_PER_CONNECTION = 30_000;
/** Subscribers opened at a time. */
export const BATCH = 100;

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
  /** With half the subscribers (after GC), null when there were too few to split. */
  memoryAtHalf: MemoryReading | null;
  /** RSS and JS heap each subscriber added from half to all of them costs. */
  bytesPerAddedConnection: number;
  heapBytesPerAddedConnection: number;
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

export interface SubscribeOps {
  perSubscriber: { store: string; operation: string; perSubscriber: number }[];
  perSubscriberByStore: Record<string, number>;
}

export function storeOpsPer(delta: Map<string, number>, subscribers: number): SubscribeOps {
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


const kb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1000).toFixed(1)} KB` : '-');

export function report(r: FanoutResult, ctx: SectionContext): SectionResult {
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
    title: `Live fan-out: ${fmt.int(r.registered)} graphql-ws subscribers of one event, ${r.rounds.length} RSVP mutations one at a time after one unmeasured warm-up answer (real servers)`,
    headers: ['mutation', 'HTTP', 'delivered', 'first', 'p50', 'p99', 'last', 'p99 from request'],
    rows,
    numeric: [1, 3, 4, 5, 6, 7],
    notes: [
      'first / p50 / p99 / last: from the mutation\'s HTTP response (as this process saw it) to each subscriber\'s message with the new counts version; ' +
        '"p99 from request" counts from sending the mutation instead; a negative time means the message came before the HTTP response (the subgraph ' +
        'fans out on the event loop that also finishes the mutation, so a fan-out can delay the response)',
      `path: event update + outbox entry → outbox relay → Kafka → this instance's live-stats consumer → LIVE_MAX_UPDATES_PER_SECOND=1000 throttle → ` +
        `the selection executed and serialised once, the same payload written to every socket; the receive times include this process handling ${fmt.int(r.registered)} messages on one core ` +
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
        'consumer handing it to LiveStats, the fan-out handing it to the first and last WebSocket; "last received" is the last subscriber seeing it in this process',
      'relay → Kafka: the relay reads the event documents with pending outbox entries (after its Redis lease check) before it publishes; ' +
        'first → last ws send: writing the shared payload to every socket; last ws send → last received: sockets and this process',
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
      ['RSS with half the subscribers (after GC)', fmt.mb(r.memoryAtHalf?.rss ?? Number.NaN)],
      ['RSS per connection: each added one (half → all) / all-in (before → all)', `${kb(r.bytesPerAddedConnection)} / ${kb(r.bytesPerConnection)}`],
      ['JS heap per connection: each added one / all-in', `${kb(r.heapBytesPerAddedConnection)} / ${kb(r.heapBytesPerConnection)}`],
      ['server subscribers after the clients closed', fmt.int(r.subscribersAfterClose)],
      ['open files allowed (load generator / subgraph)', `${r.openFiles.self ?? '?'} / ${r.openFiles.child ?? '?'}`],
    ],
    numeric: [],
    notes: [
      'each added one = (RSS with every subscriber − RSS with half of them) ÷ the connections in between; all-in = (RSS with every subscriber − RSS before) ÷ all; ' +
        'every reading in the subgraph after a full GC (--expose-gc); the all-in figure also holds what the process sizes once for its load, above all the young ' +
        'generation (--max-semi-space-size=64: measured growing from 67 to 134 MB while 10,000 subscribers connected, 6.7 KB of the all-in figure each), so the check reads the added cost',
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
      measured: kb(r.bytesPerAddedConnection),
      target: `≤ ${kb(TARGET_BYTES_PER_CONNECTION)}`,
      pass: r.bytesPerAddedConnection <= TARGET_BYTES_PER_CONNECTION,
      note:
        `RSS each connection adds, from half to all of them (${fmt.mb(r.memoryAtHalf?.rss ?? Number.NaN)} → ${fmt.mb(r.memoryAfter.rss)}); ` +
        `all-in ${kb(r.bytesPerConnection)} (${fmt.mb(r.memoryBefore.rss)} → ${fmt.mb(r.memoryAfter.rss)}), which also counts the young generation growing once to its size under load`,
    },
  ];
  const tables = [delivery, path, memory];
  if (r.profile) tables.push(profileTable(`fan-out, ${r.rounds.length} mutations to ${fmt.int(r.registered)} subscribers`, r.profile));
  return { tables, checks, data: r.profile ? { ...r, profile: profileData(r.profile) } : r };
}
