import { randomUUID } from 'node:crypto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { signToken } from '../../src/auth.js';
import { startApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { requireEnv } from './env.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

export type StoreMode = 'real' | 'embedded';

export interface TestAppOptions {
  mode: StoreMode;
  /** Counts MongoDB commands (real mode only). */
  onCommand?: (commandName: string, collection: string | null, command: Readonly<Record<string, unknown>>) => void;
  env?: Record<string, string>;
  /** Collects the app's log lines (parsed) at `LOG_LEVEL` instead of printing them. */
  logs?: Record<string, unknown>[];
  /** Turns tracing on, with spans kept by this exporter. */
  spanExporter?: SpanExporter;
}

/** Environment for one isolated app: its own database, key prefix and client id. */
export function testEnv(mode: StoreMode, extra: Record<string, string> = {}): Record<string, string> {
  const id = randomUUID().slice(0, 8);
  const real: Record<string, string> =
    mode === 'real'
      ? {
          MONGODB_URL: requireEnv('MONGODB_URL'),
          REDIS_URL: requireEnv('REDIS_URL'),
          NEO4J_URL: requireEnv('NEO4J_URL'),
          KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
        }
      : {};
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    MONGODB_DATABASE: `test_${id}`,
    REDIS_KEY_PREFIX: `test-${id}:`,
    KAFKA_CLIENT_ID: `test-${id}`,
    INSTANCE_ID: `test-${id}`,
    SEED_DEMO_DATA: 'false',
    OUTBOX_POLL_MS: '50',
    // Suites that need the Kafka consumers turn them on; each app then has its own
    // groups, reading only what is published after it started.
    CONSUMERS_ENABLED: 'false',
    CONSUMER_GROUP_PREFIX: `test-${id}`,
    CONSUMERS_FROM_BEGINNING: 'false',
    RATE_LIMIT_BROWSE_PER_HOUR: '10000',
    RATE_LIMIT_CREATE_PER_HOUR: '10000',
    // Generous call timeouts: a test machine under load must not fail tests that are not
    // about timeouts; the tests of outages set short ones.
    MONGODB_TIMEOUT_MS: '20000',
    NEO4J_TIMEOUT_MS: '20000',
    REDIS_TIMEOUT_MS: '5000',
    KAFKA_TIMEOUT_MS: '20000',
    ...real,
    ...extra,
  };
}

export interface TestApp extends App {
  config: Config;
  url: string;
  /** Runs an operation over HTTP as `userId` (anonymous when omitted). */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, userId?: string): Promise<GqlResult<T>>;
  token(userId: string, expiresIn?: string | number): Promise<string>;
}

export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

export interface GqlResult<T> {
  status: number;
  data?: T | null;
  errors?: GqlError[];
}

export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const config = loadConfig(testEnv(options.mode, options.env));
  const logs = options.logs;
  const logger = logs ? createLogger(config.logLevel, {}, { write: (line) => void logs.push(JSON.parse(line) as Record<string, unknown>) }) : createLogger(config.logLevel);
  const app = await startApp(config, logger, {
    ...(options.onCommand ? { onMongoCommand: options.onCommand } : {}),
    ...(options.spanExporter ? { spanExporter: options.spanExporter } : {}),
  });
  const token = (userId: string, expiresIn?: string | number) => signToken(TEST_JWT_SECRET, userId, expiresIn);
  return {
    ...app,
    config,
    url: app.server.url,
    token,
    async stop() {
      await app.deps.store.dropDatabase().catch(() => undefined);
      await app.stop();
    },
    async gql<T>(query: string, variables: Record<string, unknown> = {}, userId?: string) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (userId) headers.authorization = `Bearer ${await token(userId)}`;
      if (config.routerSecret) headers['router-authorization'] = config.routerSecret;
      const response = await fetch(app.server.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: T | null; errors?: GqlError[] };
      return { status: response.status, ...body };
    },
  };
}

export function uniqueUser(label = 'user'): string {
  return `${label}-${randomUUID()}`;
}

/** An event input a day ahead, valid unless overridden. */
export function eventInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const startsAt = new Date(Date.now() + 24 * 3600_000);
  return {
    title: 'Board games night',
    description: 'Bring your favourite game',
    privacy: 'PUBLIC',
    categoryId: 'social',
    tags: ['games', 'Evening'],
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3 * 3600_000).toISOString(),
    timeZone: 'Europe/Paris',
    location: { name: 'The Café', address: '1 Rue de Rivoli', latitude: 48.8566, longitude: 2.3522 },
    ...overrides,
  };
}
