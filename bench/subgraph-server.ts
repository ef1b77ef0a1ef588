/**
 * The events subgraph as a benchmark target: embedded twins, demo data, production
 * settings, rate limits out of the way. Started by bench/run.ts as a child process (pinned
 * to one core); reports its port over the IPC channel, or on stdout when run by hand:
 *
 *   NODE_ENV=production npx tsx bench/subgraph-server.ts
 *
 * The benchmark runs it compiled, as `npm start` runs the service (bench/lib/compiled.ts:
 * bench/.build/subgraph-server.js on plain node, importing the dist/ build of src/).
 *
 * BENCH_APP_ENV (JSON object) overrides or adds app settings, e.g. real store URLs.
 */
import { writeFileSync } from 'node:fs';
import type { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { demoEvents } from '../src/demo/seed.js';
import { createLogger } from '../src/logger.js';
import type { ChildMessage, LiveTrace, ParentMessage } from './lib/ipc.js';
import { seedDiscovery } from './lib/discovery-data.js';
import { mapProfileToSources } from './lib/profile-sources.js';
import { SUBGRAPH_BENCH_ENV } from './lib/subgraph-env.js';

// The repository root, both from bench/subgraph-server.ts (tsx) and from the compiled
// bench/.build/subgraph-server.js.
const REPO_URL = import.meta.url.slice(0, import.meta.url.lastIndexOf('/bench/') + 1);

function report(message: ChildMessage): void {
  if (process.send) process.send(message);
  else process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** CPU profiling on request of the parent, so a profile covers one measured run only. */
function serveProfiling(): void {
  let session: Session | undefined;
  process.on('message', (message: ParentMessage) => {
    void (async () => {
      if (message.type === 'profile-start') {
        // Loaded on demand: the start-up measurement should not pay for the inspector.
        const { Session: InspectorSession } = await import('node:inspector/promises');
        session = new InspectorSession();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        report({ type: 'profile-started' });
      } else if (message.type === 'profile-stop' && session) {
        const { profile } = await session.post('Profiler.stop');
        // Our code (not node_modules), compiled by tsx or esbuild: map positions back to the sources.
        await mapProfileToSources(session, profile, (url) => url.startsWith(REPO_URL) && !url.includes('/node_modules/'));
        writeFileSync(message.file, JSON.stringify(profile));
        session.disconnect();
        session = undefined;
        report({ type: 'profile-written', file: message.file });
      }
    })().catch((error: unknown) => report({ type: 'error', message: `profiling: ${String(error)}` }));
  });
}

/** Memory and live-subscriber readings on request of the parent (fan-out benchmark). */
function serveInspection(app: App): void {
  process.on('message', (message: ParentMessage) => {
    if (message.type !== 'inspect') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (message.gc && gc) {
      // Twice: the first pass may only queue finalizers whose memory the second frees.
      gc();
      gc();
    }
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    const subscribers = message.eventId === undefined ? null : app.deps.live.subscriberCount(message.eventId);
    report({ type: 'inspected', memory: { rss, heapTotal, heapUsed, external, arrayBuffers }, subscribers });
  });
}

/**
 * BENCH_TRACE_LIVE_SENDS=1 (fan-out benchmark): notes when each counts version passes the
 * steps of the live path — the outbox relay publishing it to the bus and the broker
 * acknowledging it, the live-stats consumer handing it to LiveStats, and the fan-out handing
 * it to the first and last WebSocket — so the parent can tell where the time goes, and the
 * server's fan-out from its own time to receive thousands of messages. Wraps
 * `deps.bus.publish`, `deps.live.publish` and `ws`'s WebSocket#send (which the fan-out calls
 * once per message and subscriber); nothing else changes.
 */
function traceLive(app: App): void {
  const versions = new Map<number, LiveTrace>();
  const now = () => performance.timeOrigin + performance.now();
  const trace = (version: number) => {
    let seen = versions.get(version);
    if (!seen) {
      seen = { relayPublishMs: null, relayAckedMs: null, liveMs: null, firstSendMs: null, lastSendMs: null, sends: 0 };
      versions.set(version, seen);
    }
    return seen;
  };

  const bus = app.deps.bus;
  const publish = bus.publish.bind(bus);
  bus.publish = async (messages) => {
    const carried: number[] = [];
    for (const message of messages) {
      if (message.value === null || !message.value.includes('"event.rsvp"')) continue;
      const version = (JSON.parse(message.value) as { data?: { countsVersion?: number } }).data?.countsVersion;
      if (typeof version === 'number') carried.push(version);
    }
    const at = now();
    for (const version of carried) trace(version).relayPublishMs ??= at;
    await publish(messages);
    const acked = now();
    for (const version of carried) trace(version).relayAckedMs ??= acked;
  };

  const live = app.deps.live;
  const livePublish = live.publish.bind(live);
  live.publish = (change) => {
    trace(change.version).liveMs ??= now();
    livePublish(change);
  };

  const proto = WebSocket.prototype as unknown as { send: (data: unknown, ...rest: unknown[]) => void };
  const send = proto.send;
  // Found with indexOf rather than a regular expression: this runs for every message the
  // fan-out writes, inside the time it measures.
  const versionOf = (data: string): number | null => {
    if (!data.includes('"eventStatsChanged":')) return null;
    const at = data.lastIndexOf('"version":');
    return at < 0 ? null : Number.parseInt(data.slice(at + 10, at + 30), 10);
  };
  proto.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
    if (typeof data === 'string') {
      const version = versionOf(data);
      if (version !== null && !Number.isNaN(version)) {
        const seen = trace(version);
        const at = now();
        seen.firstSendMs ??= at;
        seen.lastSendMs = at;
        seen.sends += 1;
      }
    }
    return send.call(this, data, ...rest);
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'live-trace') report({ type: 'live-trace', versions: Object.fromEntries(versions) });
  });
}

/** Events per insertMany while seeding: one round trip each on a real store. */
const SEED_BATCH = 1_000;

/**
 * BENCH_SEED_EVENTS=N (scale benchmark): the demo generator's first N events, inserted
 * through the event repository as the service stores them, before the port is reported.
 */
async function seedEvents(app: App, count: number): Promise<number> {
  if (count <= 0) return 0;
  const started = performance.now();
  const events = demoEvents(count);
  for (let from = 0; from < events.length; from += SEED_BATCH) await app.deps.events.insertMany(events.slice(from, from + SEED_BATCH));
  const seededMs = performance.now() - started;
  settleHeap();
  return seededMs;
}

/**
 * One full collection after seeding: the seeding's garbage is collected once, before the
 * measured window, rather than as a debt paid by whichever row runs first.
 */
function settleHeap(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * The discovery benchmark's data, written by this process through its own repositories
 * (the embedded store lives here), and its cold-cache reset.
 */
function serveDiscovery(app: App): void {
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'seed-discovery') {
      seedDiscovery(app.deps, message.options).then(
        (summary) => report({ type: 'seeded-discovery', summary }),
        (error: unknown) => report({ type: 'error', message: `seeding discovery: ${String(error)}` }),
      );
    } else if (message.type === 'drop-recommendations') {
      Promise.all(message.users.map((user) => app.deps.discovery.recommendations.drop(user))).then(
        () => report({ type: 'dropped-recommendations', users: message.users.length }),
        (error: unknown) => report({ type: 'error', message: `dropping recommendations: ${String(error)}` }),
      );
    }
  });
}

async function main(): Promise<void> {
  // performance.now() counts from this process's start: node boot plus all (tsx-compiled) imports.
  const importsDoneMs = performance.now();
  const overrides = JSON.parse(process.env.BENCH_APP_ENV ?? '{}') as Record<string, string>;
  // Only the bench settings and explicit overrides: the shell's PORT, NODE_ENV etc. do not leak in.
  const config = loadConfig({ ...SUBGRAPH_BENCH_ENV, ...overrides });
  const logger = createLogger(config.logLevel);
  const app: App = await startApp(config, logger);
  const appStartedMs = performance.now();
  const seedMs = await seedEvents(app, Number(process.env.BENCH_SEED_EVENTS ?? 0));

  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'bench subgraph: stopping');
    // Bounded: a stuck drain must not keep the benchmark waiting.
    const timer = setTimeout(() => process.exit(0), 3_000);
    timer.unref();
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // The parent went away (even if it was killed): do not outlive it.
  process.once('disconnect', () => stop('parent disconnected'));

  if (process.send) {
    serveProfiling();
    serveInspection(app);
    serveDiscovery(app);
    if (process.env.BENCH_TRACE_LIVE_SENDS === '1') traceLive(app);
  }
  report({ type: 'listening', port: app.server.port, pid: process.pid, timings: { importsDoneMs, appStartedMs, seedMs } });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  try {
    report({ type: 'error', message });
  } finally {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
});
