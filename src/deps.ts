import type { Config } from './config.js';
import type { KeyValueStore, RateLimiter } from './datasources/cache.js';
import { CategoryRepository } from './datasources/category-repository.js';
import type { DocumentStore } from './datasources/documents.js';
import { EmbeddedDocumentStore } from './datasources/embedded/embedded-document-store.js';
import { EmbeddedKeyValueStore } from './datasources/embedded/embedded-key-value-store.js';
import { EmbeddedMessageBus } from './datasources/embedded/embedded-message-bus.js';
import { EmbeddedRateLimiter } from './datasources/embedded/embedded-rate-limiter.js';
import { EmbeddedSocialGraph } from './datasources/embedded/embedded-social-graph.js';
import { EVENTS, EventRepository } from './datasources/event-repository.js';
import { POSTS, PostRepository } from './datasources/post-repository.js';
import { RsvpRepository } from './datasources/rsvp-repository.js';
import { INVITATIONS, InvitationRepository } from './datasources/invitation-repository.js';
import { RsvpLedger } from './domain/rsvps/rsvp-ledger.js';
import { rsvpsCleanup } from './domain/rsvps/user-cleanup.js';
import { invitationsCleanup } from './domain/invitations/user-cleanup.js';
import { ReconcileJob } from './domain/rsvps/reconcile-job.js';
import { LiveStats } from './subscriptions/live-stats.js';
import { ReminderJob } from './domain/notifications/reminder-job.js';
import { ReminderClaimRepository } from './datasources/reminder-claim-repository.js';
import type { MessageBus } from './datasources/message-bus.js';
import type { SocialGraph } from './datasources/social-graph.js';
import { DEFAULT_CATEGORIES } from './domain/categories/defaults.js';
import { TOPICS } from './domain/messaging/cloud-event.js';
import { OutboxRelay } from './domain/messaging/outbox-relay.js';
import { OutboxWriter } from './datasources/outbox.js';
import { OutboxStore } from './datasources/outbox-store.js';
import { RSVP_COUNTS, rsvpCountsAtPublish } from './domain/rsvps/counts-at-publish.js';
import { cacheLookups, countCacheLookup, createMetrics, type Metrics } from './observability/metrics.js';
import { createConsumers, type Consumers } from './consumers/consumers.js';
import { UserRepository } from './datasources/user-repository.js';
import { coHostCleanup } from './domain/events/cohost-cleanup.js';
import { postsCleanup } from './domain/posts/user-cleanup.js';
import { socialGraphCleanup, UserCleanup, userReplicaCleanup } from './domain/users/user-cleanup.js';
import { ConsumerLagMonitor } from './consumers/consumer-lag.js';
import { DeadLetterStore } from './datasources/dead-letter-repository.js';
import { ProcessedMessages } from './datasources/processed-message-repository.js';
import { StoreLease } from './datasources/store-lease.js';
import { PublishedMessages } from './datasources/published-message-repository.js';
import { HousekeepingJob } from './domain/housekeeping/housekeeping-job.js';
import type { Logger } from './logger.js';
import type { Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { DependencyGuard } from './datasources/dependency-guard.js';
import { DatastoreError, type DatastoreInstruments, type DatastoreName } from './datasources/driver-errors.js';
import { ExponentialBackoff, handleType, retry } from 'cockatiel';
import { ResponseCache } from './graphql/response-cache.js';
import { NamedCache } from './domain/discovery/cache.js';
import { CategoryCounts } from './domain/discovery/category-counts.js';
import { discoveryLookups } from './domain/discovery/lookup-fields.js';
import { RecommendationList } from './domain/discovery/recommendation-list.js';
import { TrendingBoard } from './domain/discovery/trending-board.js';
import { TrendingScores } from './domain/discovery/trending-scores.js';
import { ViewRecorder } from './domain/discovery/views.js';
import { Warmer } from './domain/discovery/warmer.js';

/** Discovery's shared parts: the trending board and its scores, the caches and their warmers. */
export interface DiscoveryDeps {
  board: TrendingBoard;
  scores: TrendingScores;
  trendingWarmer: Warmer;
  categoryCounts: CategoryCounts;
  categoryCountsWarmer: Warmer;
  /** Per viewer, dropped by the discovery consumers when the viewer answers or a friendship of theirs changes. */
  recommendations: NamedCache<RecommendationList>;
}

/** The process-wide singletons: stores, bus and background workers. */
export interface Deps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  store: DocumentStore;
  graph: SocialGraph;
  kv: KeyValueStore;
  limiter: RateLimiter;
  bus: MessageBus;
  /** The circuit breaker of each real dependency (embedded twins have none). */
  breakers: Partial<Record<DatastoreName, DependencyGuard>>;
  /** Spans for operations, store calls and messages, when tracing is on. */
  tracer?: Tracer | undefined;
  events: EventRepository;
  categories: CategoryRepository;
  posts: PostRepository;
  rsvps: RsvpRepository;
  invitations: InvitationRepository;
  ledger: RsvpLedger;
  reconciler: ReconcileJob;
  reminders: ReminderJob;
  live: LiveStats;
  relay: OutboxRelay;
  outbox: OutboxStore;
  /** The local replica of users, fed by the `users` topic. */
  users: UserRepository;
  /** What `user.deleted` runs: each domain registers a step for its data in createDeps. */
  userCleanup: UserCleanup;
  /** Started by the app when `config.consumers.enabled`. */
  consumers: Consumers;
  /** Lag of the consumer groups this instance runs, from the broker; read by /health. */
  consumerLag: ConsumerLagMonitor;
  /** Prunes processed-message ids, reminder claims, tombstones and dead letters. */
  housekeeping: HousekeepingJob;
  processed: ProcessedMessages;
  deadLetters: DeadLetterStore;
  reminderClaims: ReminderClaimRepository;
  /** Ids of the messages the relay published, for the reconciler. */
  published: PublishedMessages;
  /** Answers to anonymous reads of public events, invalidated by every event change. */
  responses: ResponseCache;
  discovery: DiscoveryDeps;
  /** Unique views per viewer and day: `views.record(eventId, viewerKey)` is synchronous and does no I/O. */
  views: ViewRecorder;
}

export type Datasources = Pick<Deps, 'store' | 'graph' | 'kv' | 'limiter' | 'bus' | 'breakers' | 'tracer'>;

/** Connects each datasource to its real server when configured, else to its embedded twin. */
export interface DatasourceHooks {
  /** Sees every MongoDB command (its collection, the command); tests count store round trips with it. */
  onMongoCommand?: (commandName: string, collection: string | null, command: Readonly<Record<string, unknown>>) => void;
  /** Turns tracing on with this exporter, whatever the configuration says (tests keep spans in memory). */
  spanExporter?: SpanExporter;
}

/** A timeout and circuit breaker per real dependency, probed past the breaker by `probe`; states go to metrics and logs. */
function guardFor(name: DatastoreName, config: Config, logger: Logger, metrics: Metrics, probe: () => Promise<unknown>): DependencyGuard {
  const log = logger.child({ component: 'dependencies', dependency: name });
  metrics.breakerState.set({ dependency: name }, 0);
  return new DependencyGuard(name, {
    timeoutMs: config.dependencies.timeoutMs[name],
    failuresToOpen: config.dependencies.failuresToOpen,
    probeIntervalMs: config.dependencies.probeIntervalMs,
    probe,
    onStateChange: (state, cause) => {
      metrics.breakerState.set({ dependency: name }, state === 'closed' ? 0 : state === 'half-open' ? 1 : 2);
      if (state === 'open') log.warn({ err: cause }, `${name} unavailable: circuit open, calls fail fast until it answers again`);
      else log.info(`${name} answers again: circuit closed`);
    },
  });
}

export async function connectDatasources(
  config: Config,
  logger: Logger,
  metrics: Metrics,
  hooks: DatasourceHooks = {},
  tracer?: Tracer,
): Promise<Datasources> {
  const log = logger.child({ component: 'datasources' });
  const step = async <T>(name: string, kind: string, connect: () => Promise<T> | T): Promise<T> => {
    const started = Date.now();
    try {
      const connected = await connect();
      log.info({ datasource: name, kind, ms: Date.now() - started }, `${name}: connected (${kind})`);
      return connected;
    } catch (error) {
      throw new Error(`${name}: could not connect (${kind}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  const rules = Object.fromEntries(Object.entries(config.rateLimits));
  const latency = metrics.datastoreLatency;
  const guards: DependencyGuard[] = [];
  // The guard is made before the adapter it probes; the probe reaches the adapter once it is connected.
  const instrumentsFor = (name: DatastoreName, probe: () => Promise<unknown>): DatastoreInstruments => {
    const guard = guardFor(name, config, logger, metrics, probe);
    guards.push(guard);
    return { latency, guard, tracer };
  };
  const notYet = () => Promise.reject(new Error('not connected yet'));
  // Drivers load only when their server is configured: the embedded start skips about a
  // second of imports and their memory.
  const connecting = [
    config.mongo
      ? step('mongodb', 'real', async () => {
          const { MongoDocumentStore } = await import('./datasources/mongo/mongo-document-store.js');
          let probe: () => Promise<unknown> = notYet;
          const connected = await MongoDocumentStore.connect({
            url: config.mongo!.url,
            database: config.mongo!.database,
            isolation: config.mongo!.isolation,
            locks: { holder: config.instanceId, ttlMs: config.mongo!.lockTtlMs, waitMs: config.mongo!.lockWaitMs },
            timeoutMs: config.dependencies.timeoutMs.mongodb,
            instruments: instrumentsFor('mongodb', () => probe()),
            ...(hooks.onMongoCommand ? { onCommand: hooks.onMongoCommand } : {}),
          });
          probe = () => connected.probe();
          log.info({ isolation: connected.isolation }, `mongodb: updates of one document ${connected.isolation === 'lock' ? 'are not isolated by the store: per-document locks across instances' : 'are isolated by the store'}`);
          return connected;
        })
      : step('mongodb', 'embedded', () => new EmbeddedDocumentStore()),
    config.neo4j
      ? step('neo4j', 'real', async () => {
          const { Neo4jSocialGraph } = await import('./datasources/neo4j/neo4j-social-graph.js');
          let probe: () => Promise<unknown> = notYet;
          const connected = await Neo4jSocialGraph.connect({ ...config.neo4j!, timeoutMs: config.dependencies.timeoutMs.neo4j, instruments: instrumentsFor('neo4j', () => probe()) });
          probe = () => connected.probe();
          return connected;
        })
      : step('neo4j', 'embedded', () => new EmbeddedSocialGraph()),
    config.redis
      ? step('redis', config.redis.cluster ? 'real, cluster' : 'real', async () => {
          const { RedisKeyValueStore } = await import('./datasources/redis/redis-key-value-store.js');
          let probe: () => Promise<unknown> = notYet;
          const connected = await RedisKeyValueStore.connect(config.redis!, {
            keyPrefix: config.redis!.keyPrefix,
            logger: logger.child({ component: 'redis' }),
            instruments: instrumentsFor('redis', () => probe()),
          });
          probe = () => connected.probe();
          return connected;
        })
      : null,
    config.kafka
      ? step('kafka', 'real', async () => {
          const { KafkaMessageBus } = await import('./datasources/kafka/kafka-message-bus.js');
          let probe: () => Promise<unknown> = notYet;
          const connected = await KafkaMessageBus.connect({
            brokers: config.kafka!.brokers,
            clientId: config.kafka!.clientId,
            logger: logger.child({ component: 'kafka' }),
            instruments: instrumentsFor('kafka', () => probe()),
            ...(tracer ? { tracer } : {}),
          });
          probe = () => connected.probe();
          return connected;
        })
      : step('kafka', 'embedded', () => new EmbeddedMessageBus()),
  ] as const;
  const settled = await Promise.allSettled(connecting);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    // What did connect is closed again, so a failed start leaves no connection (or process handle) behind.
    for (const guard of guards) guard.close();
    await Promise.allSettled(settled.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value ? [outcome.value.close()] : [])));
    throw failed.reason;
  }
  const [store, graph, redis, bus] = await Promise.all(connecting);
  const kv: KeyValueStore = redis ?? (await step('redis', 'embedded', () => new EmbeddedKeyValueStore()));
  const limiter: RateLimiter = redis
    ? new (await import('./datasources/redis/redis-rate-limiter.js')).RedisRateLimiter(redis.client, rules, `${config.redis?.keyPrefix ?? ''}rl`, {
        latency,
        guard: guards.find((guard) => guard.dependency === 'redis'),
        tracer,
      })
    : new EmbeddedRateLimiter(rules);
  const breakers = Object.fromEntries(guards.map((guard) => [guard.dependency, guard])) as Partial<Record<DatastoreName, DependencyGuard>>;
  return { store, graph, kv, limiter, bus, breakers, tracer };
}

/** Closes every connection; one failing does not keep the others open. */
export async function closeDatasources(datasources: Datasources): Promise<void> {
  for (const guard of Object.values(datasources.breakers)) guard.close();
  await Promise.allSettled([datasources.bus.close(), datasources.graph.close(), datasources.kv.close(), datasources.store.close()]);
}

/** Builds repositories, services' collaborators and workers over connected datasources; no I/O. */
export function createDeps(config: Config, logger: Logger, metrics: Metrics, datasources: Datasources): Deps {
  const writer = new OutboxWriter();
  const events = new EventRepository(datasources.store, writer, discoveryLookups);
  const responses = new ResponseCache({
    ...config.graphql.responseCache,
    onLookup: cacheLookups(metrics, 'graphql-responses'),
  });
  // Before the change's own response goes out: a read after it never sees the old answer.
  events.onChange((eventId, details) => responses.invalidate(eventId, details));
  const categories = new CategoryRepository(datasources.store);
  const posts = new PostRepository(datasources.store, writer);
  const rsvps = new RsvpRepository(datasources.store);
  const invitations = new InvitationRepository(datasources.store, writer);
  const outbox = new OutboxStore(datasources.store, [EVENTS, POSTS, INVITATIONS]);
  const published = new PublishedMessages(datasources.store);
  const relay = new OutboxRelay(outbox, datasources.bus, logger.child({ component: 'outbox' }), {
    lease: new StoreLease(datasources.store, 'outbox-relay', config.instanceId, 10_000),
    published,
    pollIntervalMs: config.outboxPollMs,
    idlePollMaxMs: config.outboxIdlePollMaxMs,
    batchSize: 200,
    maxBackoffMs: 5_000,
    enrichments: { [RSVP_COUNTS]: rsvpCountsAtPublish },
    onPending: (pending) => metrics.outboxPending.set(pending),
    onRelayed: (waited) => metrics.outboxRelayDelay.observe(waited),
  });
  // Every write carrying domain events tells the relay, so they leave at once.
  writer.onRecorded((written) => relay.kick(written));
  const ledger = new RsvpLedger({
    events,
    rsvps,
    published,
    logger: logger.child({ component: 'rsvp' }),
    eventSource: config.eventSource,
    settleMs: config.reconcileSettleMs,
    onAnswer: (status) => metrics.rsvps.inc({ status }),
  });
  const reconcileLease = new StoreLease(datasources.store, 'reconcile', config.instanceId, Math.max(10, config.reconcileIntervalSeconds / 2) * 1000);
  const reconciler = new ReconcileJob(events, rsvps, ledger, reconcileLease, logger.child({ component: 'reconcile' }), config.reconcileIntervalSeconds);
  const live = new LiveStats(config.liveMaxUpdatesPerSecond, (id) => events.findById(id), logger.child({ component: 'live' }));
  const reminderClaims = new ReminderClaimRepository(datasources.store);
  const reminders = new ReminderJob({
    claims: reminderClaims,
    events,
    rsvps,
    bus: datasources.bus,
    logger: logger.child({ component: 'reminders' }),
    eventSource: config.eventSource,
    instanceId: config.instanceId,
  });
  const users = new UserRepository(datasources.store);
  const processed = new ProcessedMessages(datasources.store);
  const deadLetters = new DeadLetterStore(datasources.store);
  const cleanupLogger = logger.child({ component: 'user-cleanup' });
  const userCleanup = new UserCleanup(cleanupLogger)
    .register(userReplicaCleanup(users, cleanupLogger))
    .register(coHostCleanup({ events, eventSource: config.eventSource }))
    .register(rsvpsCleanup(rsvps, ledger))
    .register(invitationsCleanup(invitations))
    .register(postsCleanup(posts))
    .register(socialGraphCleanup(datasources.graph));
  const discovery = createDiscovery(config, logger, metrics, datasources, events, categories);
  const views = new ViewRecorder({
    kv: datasources.kv,
    events,
    eventSource: config.eventSource,
    logger: logger.child({ component: 'views' }),
    maxBuffered: config.discovery.viewsMaxBuffered,
    onDropped: () => metrics.viewsDropped.inc(),
    onCounted: (views) => metrics.viewsCounted.inc(views),
  });
  const consumers = createConsumers({
    config,
    logger,
    metrics,
    ...datasources,
    users,
    userCleanup,
    rsvps,
    invitations,
    discovery: {
      scores: discovery.scores,
      counts: discovery.categoryCounts,
      recommendations: discovery.recommendations,
      weights: config.discovery.trending.weights,
    },
  });
  const consumerLag = new ConsumerLagMonitor(datasources.bus, logger.child({ component: 'consumer-lag' }), config.consumers.lagIntervalMs, {
    lag: metrics.consumerLag,
    oldestUnprocessed: metrics.consumerOldestUnprocessed,
  });
  const { retentionMs, intervalMs } = config.housekeeping;
  const housekeeping = new HousekeepingJob({
    // Outlives any pass by far; a holder that died frees it after this.
    lease: new StoreLease(datasources.store, 'housekeeping', config.instanceId, Math.max(intervalMs, 10 * 60_000)),
    logger: logger.child({ component: 'housekeeping' }),
    tasks: [
      { name: 'processed-messages', retentionMs: retentionMs.processedMessages, prune: (before) => processed.pruneBefore(before) },
      { name: 'reminder-claims', retentionMs: retentionMs.reminderClaims, prune: (before) => reminders.pruneClaims(before) },
      { name: 'user-tombstones', retentionMs: retentionMs.tombstones, prune: (before) => users.pruneTombstones(before) },
      { name: 'ended-friendships', retentionMs: retentionMs.tombstones, prune: (before) => datasources.graph.pruneEndedFriendships(before) },
      { name: 'dead-letters', retentionMs: retentionMs.deadLetters, prune: (before) => deadLetters.pruneBefore(before) },
      { name: 'published-messages', retentionMs: retentionMs.processedMessages, prune: (before) => published.pruneBefore(before) },
      { name: 'document-locks', retentionMs: 3600_000, prune: (before) => datasources.store.pruneLocks?.(before) ?? Promise.resolve(0) },
    ],
    onPruned: (task, removed) => metrics.housekeepingPruned.inc({ task }, removed),
  });
  return {
    config,
    logger,
    metrics,
    ...datasources,
    events,
    categories,
    posts,
    rsvps,
    invitations,
    ledger,
    reconciler,
    reminders,
    live,
    relay,
    outbox,
    users,
    userCleanup,
    consumers,
    consumerLag,
    housekeeping,
    processed,
    deadLetters,
    reminderClaims,
    published,
    responses,
    discovery,
    views,
  };
}

function createDiscovery(config: Config, logger: Logger, metrics: Metrics, datasources: Datasources, events: EventRepository, categories: CategoryRepository): DiscoveryDeps {
  const { trending, recommendationsTtlSeconds, categoryCountsIntervalMs } = config.discovery;
  const log = logger.child({ component: 'discovery' });
  const cacheDeps = { kv: datasources.kv, logger: log, onLookup: (cache: string, hit: boolean) => countCacheLookup(metrics, cache, hit) };
  const lease = (name: string, intervalMs: number) => new StoreLease(datasources.store, name, config.instanceId, Math.max(intervalMs, 60_000));
  // The board counts as whole for three rebuilds: a stopped warmer sends readers to the store.
  const board = new TrendingBoard(datasources.kv, (3 * trending.warmIntervalMs) / 1000);
  const scores = new TrendingScores({ events, categories, board, settings: trending, logger: log });
  const categoryCounts = new CategoryCounts({
    events,
    // Outlives a few missed passes of the warmer; a miss counts in the store.
    cache: new NamedCache(cacheDeps, 'category-counts', (3 * categoryCountsIntervalMs) / 1000),
    logger: log,
  });
  return {
    board,
    scores,
    trendingWarmer: new Warmer('trending', () => scores.rebuild(), lease('trending-warmer', trending.warmIntervalMs), log),
    categoryCounts,
    categoryCountsWarmer: new Warmer(
      'category-counts',
      async () => Object.keys(await categoryCounts.refresh()).length,
      lease('category-counts-warmer', categoryCountsIntervalMs),
      log,
      'debug',
    ),
    recommendations: new NamedCache(cacheDeps, 'recommendations', recommendationsTtlSeconds, { write: (list) => list.text, read: RecommendationList.parse }),
  };
}

/**
 * Store schema work at start-up is retried: a store several instances start against at
 * once may drop a connection under concurrent index creation (FerretDB does), and every
 * step is idempotent.
 */
const SCHEMA_RETRY = retry(handleType(DatastoreError), { maxAttempts: 4, backoff: new ExponentialBackoff({ initialDelay: 250, maxDelay: 4_000 }) });

/** Indexes, default categories and topics: idempotent, run at every start. */
export async function prepareStores(deps: Deps): Promise<void> {
  const { events, categories, posts, rsvps, invitations, users, processed, deadLetters, reminderClaims, published } = deps;
  await SCHEMA_RETRY.execute(() =>
    Promise.all([
      events.ensureIndexes().then(() => events.backfillLookups()),
      categories.ensureIndexes(),
      posts.ensureIndexes(),
      rsvps.ensureIndexes(),
      invitations.ensureIndexes(),
      users.ensureIndexes(),
      processed.ensureIndexes(),
      deadLetters.ensureIndexes(),
      reminderClaims.ensureIndexes(),
      published.ensureIndexes(),
    ]),
  );
  await SCHEMA_RETRY.execute(() => categories.ensureDefaults(DEFAULT_CATEGORIES));
  // Friendships too: every instance's live feed reads it (an ended friendship ends live streams).
  await SCHEMA_RETRY.execute(() => deps.bus.ensureTopics([TOPICS.events, TOPICS.notifications, TOPICS.friendships]));
}

/**
 * Connected deps without the server and workers running, for one-off commands
 * (`npm run reconcile`) and test processes; `close` releases the connections.
 */
export async function connectDeps(config: Config, logger: Logger): Promise<{ deps: Deps; close: () => Promise<void> }> {
  const metrics = createMetrics();
  const datasources = await connectDatasources(config, logger, metrics);
  return { deps: createDeps(config, logger, metrics, datasources), close: () => closeDatasources(datasources) };
}
