import type { Deps } from '../deps.js';

type State = { status: 'up'; kind: string; ms: number } | { status: 'down'; kind: string; error: string };

async function probe(kind: string, ping: () => Promise<void>, timeoutMs = 2_000): Promise<State> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', kind, ms: Date.now() - started };
  } catch (error) {
    return { status: 'down', kind, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Each dependency's state, plus counts that tell whether work is piling up. */
export async function healthReport(deps: Deps) {
  const [mongodb, redis, neo4j, kafka, outboxPending] = await Promise.all([
    probe(deps.store.kind, () => deps.store.ping()),
    probe(deps.kv.kind, () => deps.kv.ping()),
    probe(deps.graph.kind, () => deps.graph.ping()),
    probe(deps.bus.kind, () => deps.bus.ping()),
    deps.outbox.backlog().catch(() => null),
  ]);
  const dependencies = { mongodb, redis, neo4j, kafka };
  const status = Object.values(dependencies).every((state) => state.status === 'up') ? 'ok' : 'degraded';
  return {
    status,
    instanceId: deps.config.instanceId,
    dependencies,
    counts: { documentsWithPendingOutbox: outboxPending, viewsAwaitingFlush: deps.views.buffered },
    // From the broker, refreshed every CONSUMER_LAG_INTERVAL_SECONDS: lag and oldest unprocessed message per group.
    consumers: await deps.consumerLag.current(2_000),
  };
}
