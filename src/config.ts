import { hostname } from 'node:os';
import { z } from 'zod';
import { parseRedisTarget, type RedisTarget } from './datasources/redis/redis-target.js';

const DEV_JWT_SECRET = 'development-only-secret-change-me-0123456789';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const positiveInt = z.coerce.number().int().positive();
const positiveNumber = z.coerce.number().positive();
const nonNegativeNumber = z.coerce.number().nonnegative();

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    INSTANCE_ID: z.string().min(1).default(hostname()),

    MONGODB_URL: z.string().url().optional(),
    MONGODB_DATABASE: z.string().min(1).default('events'),
    /**
     * Whether the store isolates concurrent updates of one document: `store` (MongoDB),
     * `lock` (FerretDB 1.x: a per-document lock across instances), `auto` asks the store.
     */
    MONGODB_WRITE_ISOLATION: z.enum(['auto', 'store', 'lock']).default('auto'),
    MONGODB_LOCK_TTL_MS: positiveInt.default(5_000),
    MONGODB_LOCK_WAIT_MS: positiveInt.default(2_000),
    MONGODB_TIMEOUT_MS: positiveInt.default(5_000),
    /** One URL, or several comma-separated naming Redis Cluster nodes. */
    REDIS_URL: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        if (value === undefined) return;
        try {
          parseRedisTarget(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    /** Use the cluster client even with one node named (default: when several are). */
    REDIS_CLUSTER: flag.optional(),
    REDIS_KEY_PREFIX: z.string().default('events:'),
    REDIS_TIMEOUT_MS: positiveInt.default(500),
    NEO4J_URL: z.string().url().optional(),
    NEO4J_USER: z.string().default('neo4j'),
    NEO4J_PASSWORD: z.string().default(''),
    NEO4J_TIMEOUT_MS: positiveInt.default(2_000),
    /** Queries in flight to Neo4j per instance; the rest wait for a connection (within their timeout). */
    NEO4J_MAX_CONNECTIONS: positiveInt.default(32),
    KAFKA_BROKERS: z
      .string()
      .optional()
      .transform((value) => (value ? value.split(',').map((broker) => broker.trim()).filter(Boolean) : undefined)),
    KAFKA_CLIENT_ID: z.string().default('events-subgraph'),
    KAFKA_TIMEOUT_MS: positiveInt.default(10_000),
    /** Consecutive failed calls to one dependency that open its circuit breaker. */
    BREAKER_FAILURES_TO_OPEN: positiveInt.default(5),
    /** While a breaker is open, how often its dependency is pinged to close it again. */
    BREAKER_PROBE_INTERVAL_MS: positiveInt.default(1_000),
    /** SIGTERM: the longest the whole graceful shutdown may take before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),

    /** OpenTelemetry (standard variables); tracing is off unless an OTLP endpoint or exporter is set. */
    OTEL_SDK_DISABLED: flag.optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default('events-subgraph'),
    OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
    OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
    OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
    OTEL_TRACES_SAMPLER: z
      .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
      .default('parentbased_always_on'),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
    ALLOW_EMBEDDED: flag.optional(),
    SEED_DEMO_DATA: flag.optional(),

    JWT_SECRET: z.string().min(32).optional(),
    JWT_JWKS_URL: z.string().url().optional(),
    JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().optional(),
    /** Tokens must carry `exp` (so a socket's authority ends); true accepts tokens without it. */
    AUTH_ALLOW_TOKENS_WITHOUT_EXP: flag.optional(),
    ROUTER_SECRET: z.string().min(16).optional(),
    /** Bearer token for /metrics and the details of /health. */
    METRICS_TOKEN: z.string().min(16).optional(),

    RATE_LIMIT_CREATE_PER_HOUR: positiveInt.default(10),
    RATE_LIMIT_RSVP_PER_HOUR: positiveInt.default(50),
    RATE_LIMIT_SEARCH_PER_HOUR: positiveInt.default(200),
    RATE_LIMIT_BROWSE_PER_HOUR: positiveInt.default(100),
    /** Posts and comments together. */
    RATE_LIMIT_POST_PER_HOUR: positiveInt.default(100),
    /** inviteFriends calls (each invites up to 50 people). */
    RATE_LIMIT_INVITE_PER_HOUR: positiveInt.default(30),

    GRAPHQL_MAX_DEPTH: positiveInt.default(10),
    GRAPHQL_MAX_ALIASES: positiveInt.default(15),
    GRAPHQL_MAX_COST: positiveInt.default(5000),
    GRAPHQL_MAX_TOKENS: positiveInt.default(2000),
    GRAPHQL_MAX_DIRECTIVES: positiveInt.default(50),
    /** `_entities` representations per request (the router's batch for one fetch). */
    GRAPHQL_MAX_REPRESENTATIONS: positiveInt.default(1000),
    HTTP_BODY_LIMIT_BYTES: positiveInt.default(1_000_000),
    INTROSPECTION: flag.optional(),
    /** Bytes of answers kept for anonymous reads of public events; 0 turns the response cache off. */
    RESPONSE_CACHE_MAX_BYTES: z.coerce.number().int().min(0).default(32 * 1024 * 1024),
    /** Longest life of a kept answer: how long a change made on another instance may go unseen if its message is late. */
    RESPONSE_CACHE_TTL_SECONDS: positiveInt.default(30),
    /** Longest life of a kept trending answer: its order comes from the trending board, which moves without the events changing. */
    RESPONSE_CACHE_RANKED_TTL_SECONDS: positiveInt.default(2),

    WS_MAX_MESSAGE_BYTES: positiveInt.default(65_536),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt.default(20),
    /** Per signed-in user, or per client address for anonymous sockets, over all their sockets. */
    WS_MAX_SUBSCRIPTIONS_PER_CLIENT: positiveInt.default(100),
    WS_MAX_OPERATIONS_PER_MINUTE: positiveInt.default(300),
    /** A socket that does not answer a ping within this is closed (a peer gone without closing); 0: no pings. */
    WS_KEEPALIVE_MS: z.coerce.number().int().nonnegative().default(12_000),

    OUTBOX_POLL_MS: positiveInt.default(250),
    /** The longest wait between two passes of an idle relay (see OutboxRelay). */
    OUTBOX_IDLE_POLL_MAX_MS: positiveInt.default(4_000),
    EVENT_SOURCE: z.string().default('/events-subgraph'),
    LIVE_MAX_UPDATES_PER_SECOND: positiveInt.default(4),
    RECONCILE_INTERVAL_SECONDS: positiveInt.default(300),
    REMINDER_INTERVAL_SECONDS: positiveInt.default(60),
    RECONCILE_SETTLE_MS: positiveInt.default(5_000),

    CONSUMERS_ENABLED: flag.optional(),
    /** Consumer groups are `<prefix>-users` and `<prefix>-friendships`, shared by all instances. */
    CONSUMER_GROUP_PREFIX: z.string().min(1).default('events-subgraph'),
    /**
     * Where a group without committed offsets starts: the oldest retained message, or new
     * ones only. `false` suits throwaway groups (tests): a partition whose first offset
     * was not committed yet restarts at its end after a broker restart.
     */
    CONSUMERS_FROM_BEGINNING: flag.optional(),
    CONSUMER_MAX_ATTEMPTS: positiveInt.default(3),
    CONSUMER_RETRY_DELAY_MS: positiveInt.default(200),
    /** How far a consumed event's `time` may lie in the future (producers' clocks drift). */
    CONSUMER_MAX_CLOCK_SKEW_SECONDS: positiveInt.default(300),
    /** Dead-letter publish attempts before the letter is kept in the `dead_letters` collection. */
    CONSUMER_DLQ_PUBLISH_ATTEMPTS: positiveInt.default(3),
    CONSUMER_LAG_INTERVAL_SECONDS: positiveInt.default(15),

    /** A trending interaction counts half as much after this long. */
    TRENDING_HALF_LIFE_HOURS: positiveNumber.default(24),
    /** Trending points per GOING answer (INTERESTED and MAYBE: half), share, unique daily viewer and post. */
    TRENDING_WEIGHT_RSVP: nonNegativeNumber.default(3),
    TRENDING_WEIGHT_SHARE: nonNegativeNumber.default(5),
    TRENDING_WEIGHT_VIEW: nonNegativeNumber.default(0.5),
    TRENDING_WEIGHT_POST: nonNegativeNumber.default(2),
    /** How often one instance rebuilds the trending ranking in Redis from the store. */
    TRENDING_WARM_INTERVAL_SECONDS: positiveInt.default(300),
    /** How long a viewer's recommendations stay cached (answers and friendship changes drop them sooner). */
    RECOMMENDATIONS_CACHE_TTL_SECONDS: positiveInt.default(1800),
    /** How often one instance recounts upcoming public events per category into the cache. */
    CATEGORY_COUNTS_INTERVAL_SECONDS: positiveInt.default(60),
    /** How often recorded views are counted (unique per viewer and day) and written to the events. */
    VIEWS_FLUSH_INTERVAL_SECONDS: positiveInt.default(10),
    /** Views held between flushes at most; beyond it new ones are dropped (and counted in a metric). */
    VIEWS_MAX_BUFFERED: positiveInt.default(100_000),

    HOUSEKEEPING_INTERVAL_SECONDS: positiveInt.default(3600),
    /** Keep at least as long as the consumed topics retain messages (Kafka's default: 7 days). */
    RETENTION_PROCESSED_MESSAGES_HOURS: positiveInt.default(168),
    /** A claim is made at most 24 h before its event starts; 25 h is the least that is safe. */
    RETENTION_REMINDER_CLAIMS_HOURS: positiveInt.min(25).default(48),
    /** Deleted users' tombstones and ended friendships; older messages for them apply again once pruned. */
    RETENTION_TOMBSTONES_HOURS: positiveInt.default(720),
    RETENTION_DEAD_LETTERS_HOURS: positiveInt.default(720),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.JWT_SECRET && !env.JWT_JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'production needs JWT_SECRET or JWT_JWKS_URL' });
    }
    const missing = (['MONGODB_URL', 'REDIS_URL', 'NEO4J_URL', 'KAFKA_BROKERS'] as const).filter((name) => !env[name]);
    if (missing.length > 0 && env.ALLOW_EMBEDDED !== true) {
      ctx.addIssue({
        code: 'custom',
        path: [missing[0] ?? 'MONGODB_URL'],
        message: `production refuses the embedded twins for ${missing.join(', ')}; set them or ALLOW_EMBEDDED=true`,
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

/** Every variable the service reads (deployment manifests and `.env.example` list them all). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  instanceId: string;
  mongo: { url: string; database: string; isolation: 'auto' | 'store' | 'lock'; lockTtlMs: number; lockWaitMs: number } | null;
  redis: (RedisTarget & { keyPrefix: string }) | null;
  neo4j: { url: string; user: string; password: string; maxConnections: number } | null;
  kafka: { brokers: string[]; clientId: string } | null;
  seedDemoData: boolean;
  auth: {
    secret: string | null;
    jwksUrl: string | null;
    issuer: string | null;
    audience: string | null;
    /** True when the development secret is in use and a demo token may be printed. */
    demo: boolean;
    allowTokensWithoutExp: boolean;
  };
  routerSecret: string | null;
  /** /metrics and /health details: open to all, or only with `token` (null: to nobody). */
  monitoring: { open: boolean; token: string | null };
  rateLimits: Record<'create' | 'rsvp' | 'search' | 'browse' | 'post' | 'invite', { points: number; windowSeconds: number }>;
  graphql: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxTokens: number;
    maxDirectives: number;
    maxRepresentations: number;
    bodyLimitBytes: number;
    introspection: boolean;
    /** graphql-js's "Did you mean …?" guesses name parts of the schema. */
    hideSuggestions: boolean;
    /** `_service { sdl }` and inline traces (ftv1): off in production unless only the router can call. */
    federationInternals: boolean;
    responseCache: { maxBytes: number; ttlMs: number; rankedTtlMs: number };
  };
  websocket: {
    maxMessageBytes: number;
    maxSubscriptionsPerSocket: number;
    maxSubscriptionsPerClient: number;
    maxOperationsPerMinute: number;
    keepAliveMs: number;
  };
  outboxPollMs: number;
  outboxIdlePollMaxMs: number;
  eventSource: string;
  /** Live count updates per event and second a subscriber receives at most. */
  liveMaxUpdatesPerSecond: number;
  reconcileIntervalSeconds: number;
  reminderIntervalSeconds: number;
  /** Answers to an event must have been quiet this long before its counts are recomputed. */
  reconcileSettleMs: number;
  /** Per call to each dependency, and the circuit breakers around them. */
  dependencies: {
    timeoutMs: Record<'mongodb' | 'redis' | 'neo4j' | 'kafka', number>;
    failuresToOpen: number;
    probeIntervalMs: number;
  };
  shutdownTimeoutMs: number;
  telemetry: TelemetryConfig;
  consumers: {
    enabled: boolean;
    groupPrefix: string;
    fromBeginning: boolean;
    /** Handler attempts per message before it goes to the dead-letter topic. */
    maxAttempts: number;
    /** Pause before the second attempt; doubles per further attempt. */
    retryDelayMs: number;
    maxClockSkewMs: number;
    deadLetterPublishAttempts: number;
    lagIntervalMs: number;
  };
  discovery: {
    trending: {
      weights: { rsvp: number; share: number; view: number; post: number };
      halfLifeMs: number;
      warmIntervalMs: number;
    };
    recommendationsTtlSeconds: number;
    categoryCountsIntervalMs: number;
    viewsFlushIntervalMs: number;
    viewsMaxBuffered: number;
  };
  housekeeping: {
    intervalMs: number;
    /** How long each kind of bookkeeping record is kept. */
    retentionMs: Record<'processedMessages' | 'reminderClaims' | 'tombstones' | 'deadLetters', number>;
  };
}

export interface TelemetryConfig {
  /** Tracing on: an OTLP endpoint or `OTEL_TRACES_EXPORTER=otlp`, and not `OTEL_SDK_DISABLED`. */
  enabled: boolean;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  /** The traces URL (`…/v1/traces`); null: the exporter's default (localhost:4318). */
  tracesUrl: string | null;
  headers: Record<string, string>;
  protocol: 'http/protobuf' | 'http/json';
  sampler: { name: Env['OTEL_TRACES_SAMPLER']; ratio: number };
}

/** `key=value,key2=value2` as the OTEL_* list variables write them (values URL-encoded). */
function keyValues(value: string | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of (value ?? '').split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) continue;
    pairs[decodeURIComponent(item.slice(0, at).trim())] = decodeURIComponent(item.slice(at + 1).trim());
  }
  return pairs;
}

function telemetryConfig(env: Env): TelemetryConfig {
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : null);
  const wanted = env.OTEL_TRACES_EXPORTER === 'otlp' || (env.OTEL_TRACES_EXPORTER === undefined && tracesUrl !== null);
  return {
    enabled: wanted && env.OTEL_SDK_DISABLED !== true,
    serviceName: env.OTEL_SERVICE_NAME,
    resourceAttributes: keyValues(env.OTEL_RESOURCE_ATTRIBUTES),
    tracesUrl,
    headers: keyValues(env.OTEL_EXPORTER_OTLP_HEADERS),
    protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL,
    sampler: { name: env.OTEL_TRACES_SAMPLER, ratio: env.OTEL_TRACES_SAMPLER_ARG ?? 1 },
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; every problem is reported together. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (as `.env.example` lists them) means "not set".
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const perHour = (points: number) => ({ points, windowSeconds: 3600 });
  const hours = (count: number) => count * 3600_000;
  const useDevSecret = !production && !env.JWT_SECRET && !env.JWT_JWKS_URL;
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    instanceId: env.INSTANCE_ID,
    mongo: env.MONGODB_URL
      ? { url: env.MONGODB_URL, database: env.MONGODB_DATABASE, isolation: env.MONGODB_WRITE_ISOLATION, lockTtlMs: env.MONGODB_LOCK_TTL_MS, lockWaitMs: env.MONGODB_LOCK_WAIT_MS }
      : null,
    redis: env.REDIS_URL ? { ...parseRedisTarget(env.REDIS_URL, env.REDIS_CLUSTER), keyPrefix: env.REDIS_KEY_PREFIX } : null,
    neo4j: env.NEO4J_URL ? { url: env.NEO4J_URL, user: env.NEO4J_USER, password: env.NEO4J_PASSWORD, maxConnections: env.NEO4J_MAX_CONNECTIONS } : null,
    kafka: env.KAFKA_BROKERS ? { brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID } : null,
    seedDemoData: env.SEED_DEMO_DATA ?? (!production && !env.MONGODB_URL),
    auth: {
      secret: env.JWT_SECRET ?? (useDevSecret ? DEV_JWT_SECRET : null),
      jwksUrl: env.JWT_JWKS_URL ?? null,
      issuer: env.JWT_ISSUER ?? null,
      audience: env.JWT_AUDIENCE ?? null,
      demo: useDevSecret,
      allowTokensWithoutExp: env.AUTH_ALLOW_TOKENS_WITHOUT_EXP ?? false,
    },
    routerSecret: env.ROUTER_SECRET ?? null,
    // Locked down with a token, or — in production behind a router secret — closed until one is set.
    monitoring: {
      open: !env.METRICS_TOKEN && !(production && env.ROUTER_SECRET),
      token: env.METRICS_TOKEN ?? null,
    },
    rateLimits: {
      create: perHour(env.RATE_LIMIT_CREATE_PER_HOUR),
      rsvp: perHour(env.RATE_LIMIT_RSVP_PER_HOUR),
      search: perHour(env.RATE_LIMIT_SEARCH_PER_HOUR),
      browse: perHour(env.RATE_LIMIT_BROWSE_PER_HOUR),
      post: perHour(env.RATE_LIMIT_POST_PER_HOUR),
      invite: perHour(env.RATE_LIMIT_INVITE_PER_HOUR),
    },
    graphql: {
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxCost: env.GRAPHQL_MAX_COST,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
      maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
      maxRepresentations: env.GRAPHQL_MAX_REPRESENTATIONS,
      bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
      introspection: env.INTROSPECTION ?? !production,
      hideSuggestions: production,
      federationInternals: !production || env.ROUTER_SECRET !== undefined,
      responseCache: { maxBytes: env.RESPONSE_CACHE_MAX_BYTES, ttlMs: env.RESPONSE_CACHE_TTL_SECONDS * 1000, rankedTtlMs: env.RESPONSE_CACHE_RANKED_TTL_SECONDS * 1000 },
    },
    websocket: {
      maxMessageBytes: env.WS_MAX_MESSAGE_BYTES,
      maxSubscriptionsPerSocket: env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSubscriptionsPerClient: env.WS_MAX_SUBSCRIPTIONS_PER_CLIENT,
      maxOperationsPerMinute: env.WS_MAX_OPERATIONS_PER_MINUTE,
      keepAliveMs: env.WS_KEEPALIVE_MS,
    },
    outboxPollMs: env.OUTBOX_POLL_MS,
    outboxIdlePollMaxMs: env.OUTBOX_IDLE_POLL_MAX_MS,
    eventSource: env.EVENT_SOURCE,
    liveMaxUpdatesPerSecond: env.LIVE_MAX_UPDATES_PER_SECOND,
    reconcileIntervalSeconds: env.RECONCILE_INTERVAL_SECONDS,
    reminderIntervalSeconds: env.REMINDER_INTERVAL_SECONDS,
    reconcileSettleMs: env.RECONCILE_SETTLE_MS,
    dependencies: {
      timeoutMs: { mongodb: env.MONGODB_TIMEOUT_MS, redis: env.REDIS_TIMEOUT_MS, neo4j: env.NEO4J_TIMEOUT_MS, kafka: env.KAFKA_TIMEOUT_MS },
      failuresToOpen: env.BREAKER_FAILURES_TO_OPEN,
      probeIntervalMs: env.BREAKER_PROBE_INTERVAL_MS,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    telemetry: telemetryConfig(env),
    consumers: {
      enabled: env.CONSUMERS_ENABLED ?? true,
      groupPrefix: env.CONSUMER_GROUP_PREFIX,
      fromBeginning: env.CONSUMERS_FROM_BEGINNING ?? true,
      maxAttempts: env.CONSUMER_MAX_ATTEMPTS,
      retryDelayMs: env.CONSUMER_RETRY_DELAY_MS,
      maxClockSkewMs: env.CONSUMER_MAX_CLOCK_SKEW_SECONDS * 1000,
      deadLetterPublishAttempts: env.CONSUMER_DLQ_PUBLISH_ATTEMPTS,
      lagIntervalMs: env.CONSUMER_LAG_INTERVAL_SECONDS * 1000,
    },
    discovery: {
      trending: {
        weights: { rsvp: env.TRENDING_WEIGHT_RSVP, share: env.TRENDING_WEIGHT_SHARE, view: env.TRENDING_WEIGHT_VIEW, post: env.TRENDING_WEIGHT_POST },
        halfLifeMs: env.TRENDING_HALF_LIFE_HOURS * 3600_000,
        warmIntervalMs: env.TRENDING_WARM_INTERVAL_SECONDS * 1000,
      },
      recommendationsTtlSeconds: env.RECOMMENDATIONS_CACHE_TTL_SECONDS,
      categoryCountsIntervalMs: env.CATEGORY_COUNTS_INTERVAL_SECONDS * 1000,
      viewsFlushIntervalMs: env.VIEWS_FLUSH_INTERVAL_SECONDS * 1000,
      viewsMaxBuffered: env.VIEWS_MAX_BUFFERED,
    },
    housekeeping: {
      intervalMs: env.HOUSEKEEPING_INTERVAL_SECONDS * 1000,
      retentionMs: {
        processedMessages: hours(env.RETENTION_PROCESSED_MESSAGES_HOURS),
        reminderClaims: hours(env.RETENTION_REMINDER_CLAIMS_HOURS),
        tombstones: hours(env.RETENTION_TOMBSTONES_HOURS),
        deadLetters: hours(env.RETENTION_DEAD_LETTERS_HOURS),
      },
    },
  };
}
