import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The metrics of one app, served at /metrics. Made per app and handed to the parts that
 * record them, so two apps in one process (tests, benchmarks) never share counters.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    eventsCreated: new Counter({ name: 'events_created_total', help: 'Events created', registers }),
    rsvps: new Counter({ name: 'events_rsvp_total', help: 'RSVP answers recorded, by status', labelNames: ['status'] as const, registers }),
    cacheHits: new Counter({ name: 'cache_hits_total', help: 'Cache lookups answered from the cache', labelNames: ['cache'] as const, registers }),
    cacheMisses: new Counter({ name: 'cache_misses_total', help: 'Cache lookups that went to the store', labelNames: ['cache'] as const, registers }),
    viewsCounted: new Counter({ name: 'event_views_counted_total', help: 'Unique daily views written to events by the view flushes', registers }),
    viewsDropped: new Counter({
      name: 'event_views_dropped_total',
      help: 'Views not recorded because VIEWS_MAX_BUFFERED were waiting for the next flush',
      registers,
    }),
    requestLatency: new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation type',
      labelNames: ['operation'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    datastoreLatency: new Histogram({
      name: 'datastore_operation_duration_seconds',
      help: 'Latency of datastore operations by store and operation',
      labelNames: ['store', 'operation'] as const,
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    outboxPending: new Gauge({
      name: 'outbox_pending_events',
      help: 'Domain events written but not yet acknowledged by Kafka (last relay pass)',
      registers,
    }),
    outboxRelayDelay: new Histogram({
      name: 'outbox_relay_delay_seconds',
      help: 'Time from a domain event written to its outbox to the broker acknowledging it',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    consumerLag: new Gauge({
      name: 'kafka_consumer_lag',
      help: "Messages not yet processed by a consumer group: the partition's end offset minus the group's committed offset (checked periodically)",
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    }),
    consumerOldestUnprocessed: new Gauge({
      name: 'kafka_consumer_oldest_unprocessed_seconds',
      help: 'Age of the oldest message a consumer group has not processed, for the partitions this instance consumes (0 when caught up)',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    }),
    consumerMessages: new Counter({
      name: 'kafka_consumer_messages_total',
      help: 'Consumed messages by consumer and outcome (processed, duplicate, ignored, unknown_type, failed attempt, dead_lettered)',
      labelNames: ['consumer', 'topic', 'outcome'] as const,
      registers,
    }),
    deadLettersStored: new Counter({
      name: 'kafka_dead_letters_stored_total',
      help: 'Dead letters the dead-letter topic did not take as they were, kept in the dead_letters collection (cause: too_large, publish_failed)',
      labelNames: ['consumer', 'cause'] as const,
      registers,
    }),
    breakerState: new Gauge({
      name: 'dependency_circuit_state',
      help: 'Circuit breaker of each dependency: 0 closed, 1 half-open, 2 open (calls fail fast)',
      labelNames: ['dependency'] as const,
      registers,
    }),
    housekeepingPruned: new Counter({
      name: 'housekeeping_pruned_total',
      help: 'Bookkeeping records removed by the housekeeping job, by task',
      labelNames: ['task'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

type CacheCounters = Pick<Metrics, 'cacheHits' | 'cacheMisses'>;

/** Counts the lookups of one cache, its two label series resolved once (lookups sit on hot paths). */
export function cacheLookups(metrics: CacheCounters, cache: string): (hit: boolean) => void {
  const [hits, misses] = [metrics.cacheHits.labels({ cache }), metrics.cacheMisses.labels({ cache })];
  return (hit) => (hit ? hits : misses).inc();
}

/** Counts a lookup of the cache named by the caller (callers that serve several caches). */
export function countCacheLookup(metrics: CacheCounters, cache: string, hit: boolean): void {
  (hit ? metrics.cacheHits : metrics.cacheMisses).inc({ cache });
}

/** The latency histogram a datastore adapter records into. */
export type DatastoreLatency = Metrics['datastoreLatency'];
