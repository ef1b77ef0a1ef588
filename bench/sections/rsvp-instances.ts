/**
 * What the per-document lock costs (BENCH_ONLY=rsvp-instances, or rsvp): answers per second
 * on the real servers with one instance writing without locks (as on MongoDB, which
 * isolates updates of one document; on FerretDB this is not safe, only a yardstick), one
 * instance with the locks FerretDB needs, and three instances with them. The instances run
 * pinned to the server core, all three on it: the rows compare the cost of coordination,
 * not a gain from more cores. A fetch-based load (BENCH_CONNECTIONS in flight, spread
 * round-robin over the instances) sends `rsvp(GOING)`, a new user each time.
 */
import { signTokens, createPublicEvent, userToken } from '../lib/api.js';
import type { Child } from '../lib/children.js';
import { compiledBuild } from '../lib/compiled.js';
import { localUrl, waitReady, withoutGraphQLErrors } from '../lib/http.js';
import { progress } from '../lib/log.js';
import { labelOf, metricsDelta, scrapeMetrics } from '../lib/metrics.js';
import { fmt, type Table } from '../lib/report.js';
import { spawnSubgraph } from '../lib/production-node.js';
import { realAppEnv } from '../lib/subgraph-env.js';
import type { SectionContext } from './types.js';

const RSVP = 'mutation BenchRsvp($e: ID!) { rsvp(eventId: $e, status: GOING) { status } }';
const EVENTS = 20;
const DATASTORE_COUNT = 'datastore_operation_duration_seconds_count';
const RSVP_TOTAL = 'events_rsvp_total';

interface Setup {
  label: string;
  instances: number;
  isolation: 'store' | 'lock';
}

const SETUPS: Setup[] = [
  { label: '1 instance, no locks (as on MongoDB)', instances: 1, isolation: 'store' },
  { label: '1 instance, per-document locks', instances: 1, isolation: 'lock' },
  { label: '3 instances, per-document locks', instances: 3, isolation: 'lock' },
];

export interface InstancesRow {
  setup: Setup;
  answersPerSecond: number;
  errors: number;
  firstError: string | null;
  /** Document-store operations per answer, and the lock's share of them (all instances, relay included). */
  storeOpsPerAnswer: number;
  lockOpsPerAnswer: number;
}

/** Sends answers for `seconds` with `connections` in flight, round-robin over the ports; counts the ones that succeeded. */
async function load(ports: number[], events: string[], tokens: string[], seconds: number, connections: number, next: { n: number }) {
  let ok = 0;
  let errors = 0;
  let firstError: string | null = null;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const n = next.n++;
      const port = ports[n % ports.length]!;
      try {
        const response = await fetch(localUrl(port, '/graphql'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n % tokens.length]!}` },
          body: JSON.stringify({ query: RSVP, variables: { e: events[Math.floor(n / tokens.length + n) % events.length]! } }),
        });
        const text = await response.text();
        if (response.status === 200 && withoutGraphQLErrors(text)) ok += 1;
        else {
          errors += 1;
          firstError ??= text.slice(0, 200);
        }
      } catch (error) {
        errors += 1;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return { ok, errors, firstError };
}

async function measure(setup: Setup, ctx: SectionContext, script: string): Promise<InstancesRow> {
  const appEnv = realAppEnv(ctx.realEnv!, `rsvp${setup.instances}${setup.isolation}`, { MONGODB_WRITE_ISOLATION: setup.isolation });
  const children: Child[] = Array.from({ length: setup.instances }, (_, i) =>
    spawnSubgraph({
      name: `subgraph-rsvp-${setup.isolation}-${i}`,
      script,
      cwd: ctx.root,
      pinning: ctx.pinning,
      env: { BENCH_APP_ENV: JSON.stringify({ ...appEnv, INSTANCE_ID: `${appEnv.INSTANCE_ID}-${i}` }) },
    }),
  );
  try {
    const ports = await Promise.all(children.map((child) => child.listening(120_000)));
    await Promise.all(ports.map((port) => waitReady(port, 60_000)));
    const host = await userToken('bench-instances-host');
    const events: string[] = [];
    for (let i = 0; i < EVENTS; i++) events.push(await createPublicEvent(ports[0]!, host, `Bench instances ${i + 1}`, 7 + i));
    const tokens = await signTokens(`bench-${setup.instances}-${setup.isolation}`, 40_000);
    const next = { n: 0 };
    progress('warm-up', { section: 'rsvp-instances', setup: setup.label, seconds: ctx.options.warmupS });
    await load(ports, events, tokens, ctx.options.warmupS, ctx.options.connections, next);
    const names = [DATASTORE_COUNT, RSVP_TOTAL];
    const before = await Promise.all(ports.map((port) => scrapeMetrics(port, names)));
    progress('measuring', { section: 'rsvp-instances', setup: setup.label, seconds: ctx.options.durationS });
    const started = performance.now();
    const result = await load(ports, events, tokens, ctx.options.durationS, ctx.options.connections, next);
    const elapsedS = (performance.now() - started) / 1000;
    const after = await Promise.all(ports.map((port) => scrapeMetrics(port, names)));
    let answers = 0;
    let storeOps = 0;
    let lockOps = 0;
    ports.forEach((_, i) => {
      for (const [key, value] of metricsDelta(before[i]!, after[i]!)) {
        if (key.startsWith(RSVP_TOTAL)) answers += value;
        else if (key.startsWith(DATASTORE_COUNT) && labelOf(key, 'store') === 'mongodb') {
          storeOps += value;
          if (labelOf(key, 'operation')?.startsWith('document_locks.')) lockOps += value;
        }
      }
    });
    const row: InstancesRow = {
      setup,
      answersPerSecond: result.ok / elapsedS,
      errors: result.errors,
      firstError: result.firstError,
      storeOpsPerAnswer: answers > 0 ? storeOps / answers : Number.NaN,
      lockOpsPerAnswer: answers > 0 ? lockOps / answers : Number.NaN,
    };
    progress('measured', { section: 'rsvp-instances', setup: setup.label, answersPerSecond: Math.round(row.answersPerSecond), errors: row.errors });
    return row;
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

export async function runInstances(ctx: SectionContext): Promise<{ table: Table; rows: InstancesRow[] }> {
  if (!ctx.realEnv) throw new Error('the real servers were not started');
  const { subgraphScript } = await compiledBuild(ctx.root);
  const rows: InstancesRow[] = [];
  for (const setup of SETUPS) rows.push(await measure(setup, ctx, subgraphScript));
  const base = rows[0]!.answersPerSecond;
  const table: Table = {
    title: 'RSVP answers/s: the cost of per-document locks (real servers, FerretDB)',
    headers: ['setup', 'answers/s', 'vs no locks', 'store ops/answer', 'of which locks', 'errors'],
    rows: rows.map((row) => [
      row.setup.label,
      fmt.int(row.answersPerSecond),
      fmt.pct(row.answersPerSecond / base),
      row.storeOpsPerAnswer.toFixed(2),
      row.lockOpsPerAnswer.toFixed(2),
      String(row.errors),
    ]),
    numeric: [1, 2, 3, 4, 5],
    notes: [
      `${ctx.options.connections} in flight spread round-robin over the instances, ${ctx.options.durationS} s measured after ${ctx.options.warmupS} s of warm-up; ` +
        `${EVENTS} PUBLIC events without capacity, a new user per answer; every instance on the server core (${ctx.pinning.pinned ? `CPU ${ctx.pinning.serverCpu}` : 'unpinned'})`,
      '"no locks" is what MongoDB needs; on FerretDB it is not safe with concurrent writers of one event (shown as the yardstick of the lock\'s cost only)',
      'store ops include the outbox relay (one instance at a time) and, with locks, the lock documents: an insert and a delete per locked write, fewer when writes of one event queue in one process and share a lock',
      ...rows.filter((row) => row.errors > 0).map((row) => `${row.setup.label}: first error ${row.firstError}`),
    ],
  };
  return { table, rows };
}
