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
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createConsumers, type Consumers } from './consumers/consumers.js';
import { UserRepository } from './datasources/user-repository.js';
import { coHostCleanup } from './domain/events/cohost-cleanup.js';
import { postsCleanup } from './domain/posts/user-cleanup.js';
import { socialGraphCleanup, UserCleanup, userReplicaCleanup } from './domain/users/user-cleanup.js';
import { ConsumerLagMonitor } from './consumers/consumer-lag.js';
import { DeadLetterStore } from './datasources/dead-letter-repository.js';
import { ProcessedMessages } from './datasources/processed-message-repository.js';
import { StoreLease } from './datasources/store-lease.js';
import { HousekeepingJob } from './domain/housekeeping/housekeeping-job.js';
import type { Logger } from './logger.js';
import { NamedCache } from './domain/discovery/cache.js';
import { CategoryCounts } from './domain/discovery/category-counts.js';
import { discoveryLookups } from './domain/discovery/lookup-fields.js';
import type { CachedRecommendation } from './domain/discovery/recommendation-service.js';
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
  recommendations: NamedCache<CachedRecommendation[]>;
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
  discovery: DiscoveryDeps;
  /** Unique views per viewer and day: `views.record(eventId, viewerKey)` is synchronous and does no I/O. */
  views: ViewRecorder;
}

export type Datasources = Pick<Deps, 'store' | 'graph' | 'kv' | 'limiter' | 'bus'>;

/** Connects each datasource to its real server when configured, else to its embedded twin. */
export interface DatasourceHooks {
  /** Sees every MongoDB command; tests count store round trips with it. */
  onMongoCommand?: (commandName: string) => void;
}

export async function connectDatasources(config: Config, logger: Logger, metrics: Metrics, hooks: DatasourceHooks = {}): Promise<Datasources> {
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
  // Drivers load only when their server is configured: the embedded start skips about a
  // second of imports and their memory.
  const [store, graph, redis, bus] = await Promise.all([
    config.mongo
      ? step('mongodb', 'real', async () => (await import('./datasources/mongo/mongo-document-store.js')).MongoDocumentStore.connect({
          ...config.mongo!,
          latency,
          ...(hooks.onMongoCommand ? { onCommand: hooks.onMongoCommand } : {}),
        }),
      )
      : step('mongodb', 'embedded', () => new EmbeddedDocumentStore()),
    config.neo4j
      ? step('neo4j', 'real', async () => (await import('./datasources/neo4j/neo4j-social-graph.js')).Neo4jSocialGraph.connect({ ...config.neo4j!, latency }))
      : step('neo4j', 'embedded', () => new EmbeddedSocialGraph()),
    config.redis
      ? step('redis', config.redis.cluster ? 'real, cluster' : 'real', async () =>
          (await import('./datasources/redis/redis-key-value-store.js')).RedisKeyValueStore.connect(config.redis!, {
            keyPrefix: config.redis!.keyPrefix,
            logger: logger.child({ component: 'redis' }),
            latency,
          }),
        )
      : null,
    config.kafka
      ? step('kafka', 'real', async () =>
          (await import('./datasources/kafka/kafka-message-bus.js')).KafkaMessageBus.connect({
            brokers: config.kafka!.brokers,
            clientId: config.kafka!.clientId,
            logger: logger.child({ component: 'kafka' }),
            latency,
          }),
        )
      : step('kafka', 'embedded', () => new EmbeddedMessageBus()),
  ]);
  const kv: KeyValueStore = redis ?? (await step('redis', 'embedded', () => new EmbeddedKeyValueStore()));
  const limiter: RateLimiter = redis
    ? new (await import('./datasources/redis/redis-rate-limiter.js')).RedisRateLimiter(redis.client, rules, `${config.redis?.keyPrefix ?? ''}rl`, latency)
    : new EmbeddedRateLimiter(rules);
  return { store, graph, kv, limiter, bus };
}

/** Closes every connection; one failing does not keep the others open. */
export async function closeDatasources(datasources: Datasources): Promise<void> {
  await Promise.allSettled([datasources.bus.close(), datasources.graph.close(), datasources.kv.close(), datasources.store.close()]);
}

/** Builds repositories, services' collaborators and workers over connected datasources; no I/O. */
export function createDeps(config: Config, logger: Logger, metrics: Metrics, datasources: Datasources): Deps {
  const writer = new OutboxWriter();
  const events = new EventRepository(datasources.store, writer, discoveryLookups);
  const categories = new CategoryRepository(datasources.store);
  const posts = new PostRepository(datasources.store, writer);
  const rsvps = new RsvpRepository(datasources.store);
  const invitations = new InvitationRepository(datasources.store, writer);
  const outbox = new OutboxStore(datasources.store, [EVENTS, POSTS, INVITATIONS]);
  const relay = new OutboxRelay(outbox, datasources.bus, logger.child({ component: 'outbox' }), {
    lease: { kv: datasources.kv, holderId: config.instanceId, ttlSeconds: 10 },
    pollIntervalMs: config.outboxPollMs,
    batchSize: 200,
    maxBackoffMs: 5_000,
    enrichments: { [RSVP_COUNTS]: rsvpCountsAtPublish },
    onPending: (pending) => metrics.outboxPending.set(pending),
  });
  const ledger = new RsvpLedger({
    events,
    rsvps,
    logger: logger.child({ component: 'rsvp' }),
    eventSource: config.eventSource,
    committed: () => relay.kick(),
    settleMs: config.reconcileSettleMs,
    onAnswer: (status) => metrics.rsvps.inc({ status }),
  });
  const reconciler = new ReconcileJob(events, ledger, datasources.kv, logger.child({ component: 'reconcile' }), config.reconcileIntervalSeconds);
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
    .register(coHostCleanup({ events, relay, eventSource: config.eventSource }))
    .register(rsvpsCleanup(rsvps, ledger))
    .register(invitationsCleanup(invitations))
    .register(postsCleanup(posts))
    .register(socialGraphCleanup(datasources.graph));
  const discovery = createDiscovery(config, logger, metrics, datasources, events, categories);
  const views = new ViewRecorder({
    kv: datasources.kv,
    events,
    relay,
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
    discovery,
    views,
  };
}

function createDiscovery(config: Config, logger: Logger, metrics: Metrics, datasources: Datasources, events: EventRepository, categories: CategoryRepository): DiscoveryDeps {
  const { trending, recommendationsTtlSeconds, categoryCountsIntervalMs } = config.discovery;
  const log = logger.child({ component: 'discovery' });
  const cacheDeps = { kv: datasources.kv, logger: log, onLookup: (cache: string, hit: boolean) => (hit ? metrics.cacheHits : metrics.cacheMisses).inc({ cache }) };
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
    recommendations: new NamedCache(cacheDeps, 'recommendations', recommendationsTtlSeconds),
  };
}

/** Indexes, default categories and topics: idempotent, run at every start. */
export async function prepareStores(deps: Deps): Promise<void> {
  const { events, categories, posts, rsvps, invitations, users, processed, deadLetters, reminderClaims } = deps;
  await Promise.all([
    events.ensureIndexes().then(() => events.backfillLookups()),
    categories.ensureIndexes(),
    posts.ensureIndexes(),
    rsvps.ensureIndexes(),
    invitations.ensureIndexes(),
    users.ensureIndexes(),
    processed.ensureIndexes(),
    deadLetters.ensureIndexes(),
    reminderClaims.ensureIndexes(),
  ]);
  await categories.ensureDefaults(DEFAULT_CATEGORIES);
  await deps.bus.ensureTopics([TOPICS.events, TOPICS.notifications]);
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
