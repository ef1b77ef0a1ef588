import type { Deps } from '../deps.js';
import type { BreakerState } from '../datasources/dependency-guard.js';
import type { DatastoreName } from '../datasources/driver-errors.js';

type State =
  | { status: 'up'; kind: string; ms: number; breaker: BreakerState | null }
  | { status: 'down'; kind: string; ms: number; breaker: BreakerState | null; error: string };

/** Counts are read at most this often: they cost a few indexed counts each. */
const COUNTS_TTL_MS = 5_000;
/** The pings' own bound; each call is also bounded by its dependency's timeout. */
const PROBE_TIMEOUT_MS = 2_000;

async function probe(kind: string, breaker: BreakerState | null, ping: () => Promise<void>): Promise<State> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', kind, ms: Date.now() - started, breaker };
  } catch (error) {
    return { status: 'down', kind, ms: Date.now() - started, breaker, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

function utcDayBounds(now: Date): [Date, Date] {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return [start, new Date(start.getTime() + 24 * 3600_000)];
}

/**
 * /health, /ready and /live as the operator and the orchestrator need them: the document
 * store alone decides readiness (Redis, Neo4j and Kafka degrade the service, they do not
 * stop it serving); liveness fails only when the process no longer gets to its timers.
 */
export class HealthReporter {
  private counts: { at: number; value: Promise<Record<string, unknown>> } | undefined;
  private lastTick = Date.now();
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly deps: Deps,
    /** How long the event loop may go without running a timer before /live fails. */
    private readonly wedgedAfterMs = 10_000,
  ) {
    this.ticker = setInterval(() => (this.lastTick = Date.now()), 1_000);
    this.ticker.unref();
  }

  close(): void {
    clearInterval(this.ticker);
  }

  /** The process still runs its timers (a loop blocked for long, or starved, is wedged). */
  live(): boolean {
    return Date.now() - this.lastTick < this.wedgedAfterMs;
  }

  /** Core reads and writes can be served: the document store answers. */
  async ready(): Promise<boolean> {
    const state = await probe(this.deps.store.kind, this.breaker('mongodb'), () => this.deps.store.ping());
    return state.status === 'up';
  }

  /** Each dependency's state, latency and breaker; the counts an operator asks for; lag; live subscriptions. */
  async report() {
    const { deps } = this;
    const [mongodb, redis, neo4j, kafka] = await Promise.all([
      probe(deps.store.kind, this.breaker('mongodb'), () => deps.store.ping()),
      probe(deps.kv.kind, this.breaker('redis'), () => deps.kv.ping()),
      probe(deps.graph.kind, this.breaker('neo4j'), () => deps.graph.ping()),
      probe(deps.bus.kind, this.breaker('kafka'), () => deps.bus.ping()),
    ]);
    const dependencies = { mongodb, redis, neo4j, kafka };
    const status = mongodb.status !== 'up' ? 'down' : Object.values(dependencies).every((state) => state.status === 'up') ? 'ok' : 'degraded';
    return {
      status,
      instanceId: deps.config.instanceId,
      dependencies,
      ...(deps.store.isolation ? { documentWrites: deps.store.isolation === 'lock' ? 'locked per document across instances' : 'isolated by the store' } : {}),
      counts: mongodb.status === 'up' ? await this.cachedCounts() : null,
      liveSubscriptions: deps.live.totalSubscribers(),
      // Unique views counted in memory, not yet flushed into the events' stats.
      viewsAwaitingFlush: deps.views.buffered,
      // From the broker, refreshed every CONSUMER_LAG_INTERVAL_SECONDS: lag and oldest unprocessed message per group.
      consumers: await deps.consumerLag.current(PROBE_TIMEOUT_MS),
    };
  }

  private breaker(name: DatastoreName): BreakerState | null {
    return this.deps.breakers[name]?.state ?? null;
  }

  private cachedCounts(): Promise<Record<string, unknown>> {
    const now = Date.now();
    if (!this.counts || now - this.counts.at > COUNTS_TTL_MS) {
      const value = this.readCounts(new Date(now));
      this.counts = { at: now, value };
      value.catch(() => (this.counts = undefined));
    }
    return this.counts.value.catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
  }

  private async readCounts(now: Date): Promise<Record<string, unknown>> {
    const [dayStart, dayEnd] = utcDayBounds(now);
    const [totals, registrations, outbox] = await Promise.all([
      this.deps.events.totals(dayStart, dayEnd),
      this.deps.rsvps.total(),
      this.deps.outbox.backlog(now.getTime()),
    ]);
    return {
      events: totals.events,
      activeEvents: totals.active,
      eventsStartingToday: totals.startingToday,
      registrations,
      outbox: { entries: outbox.entries, documents: outbox.documents, oldestAgeSeconds: outbox.oldestAgeSeconds },
    };
  }
}
