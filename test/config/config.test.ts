import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, ENVIRONMENT_VARIABLES, loadConfig } from '../../src/config.js';

describe('configuration from the environment', () => {
  it('runs on the embedded twins with demo data and a demo secret in development', () => {
    const config = loadConfig({});
    assert.equal(config.mongo, null);
    assert.equal(config.kafka, null);
    assert.equal(config.seedDemoData, true);
    assert.equal(config.auth.demo, true);
    assert.equal(config.graphql.introspection, true);
  });

  it('refuses the embedded twins in production unless asked for, and reports every problem at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' }),
      (error: unknown) =>
        error instanceof ConfigError && error.issues.some((issue) => issue.startsWith('PORT')) && error.issues.some((issue) => issue.startsWith('LOG_LEVEL')),
    );
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }),
      (error: unknown) => error instanceof ConfigError && error.issues.some((issue) => /embedded twins/.test(issue)),
    );
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', ALLOW_EMBEDDED: 'true' }),
      (error: unknown) => error instanceof ConfigError && error.issues.some((issue) => issue.startsWith('JWT_SECRET')),
    );
    const allowed = loadConfig({ NODE_ENV: 'production', ALLOW_EMBEDDED: 'true', JWT_SECRET: 'x'.repeat(32) });
    assert.equal(allowed.graphql.introspection, false);
    assert.equal(allowed.seedDemoData, false);
  });

  it('bounds sockets and requires token expiry by default, and locks monitoring and federation internals down in production', () => {
    const development = loadConfig({});
    assert.deepEqual(development.websocket, { maxMessageBytes: 65_536, maxSubscriptionsPerSocket: 20, maxSubscriptionsPerClient: 100, maxOperationsPerMinute: 300, keepAliveMs: 12_000 });
    assert.equal(development.auth.allowTokensWithoutExp, false);
    assert.deepEqual(development.monitoring, { open: true, token: null });
    assert.equal(development.graphql.federationInternals, true);
    assert.equal(development.graphql.hideSuggestions, false);

    const base = { NODE_ENV: 'production', ALLOW_EMBEDDED: 'true', JWT_SECRET: 'x'.repeat(32) };
    const open = loadConfig(base);
    assert.equal(open.graphql.federationInternals, false);
    assert.equal(open.graphql.hideSuggestions, true);
    assert.deepEqual(open.monitoring, { open: true, token: null });
    const routed = loadConfig({ ...base, ROUTER_SECRET: 'r'.repeat(16) });
    assert.equal(routed.graphql.federationInternals, true);
    assert.deepEqual(routed.monitoring, { open: false, token: null });
    const scraped = loadConfig({ ...base, ROUTER_SECRET: 'r'.repeat(16), METRICS_TOKEN: 'm'.repeat(16), WS_MAX_SUBSCRIPTIONS_PER_CLIENT: '5', AUTH_ALLOW_TOKENS_WITHOUT_EXP: 'true' });
    assert.deepEqual(scraped.monitoring, { open: false, token: 'm'.repeat(16) });
    assert.equal(scraped.websocket.maxSubscriptionsPerClient, 5);
    assert.equal(scraped.auth.allowTokensWithoutExp, true);
    assert.throws(() => loadConfig({ METRICS_TOKEN: 'short', WS_MAX_MESSAGE_BYTES: '0' }), (error: unknown) =>
      error instanceof ConfigError && error.issues.some((issue) => issue.startsWith('METRICS_TOKEN')) && error.issues.some((issue) => issue.startsWith('WS_MAX_MESSAGE_BYTES')),
    );
  });

  it('splits Kafka brokers and reads store URLs', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'a:9092, b:9092', MONGODB_URL: 'mongodb://db:27017', REDIS_URL: 'redis://cache:6379' });
    assert.deepEqual(config.kafka?.brokers, ['a:9092', 'b:9092']);
    assert.equal(config.mongo?.url, 'mongodb://db:27017');
    assert.equal(config.seedDemoData, false);
  });

  it('reads one Redis URL as a single server, and several (URLs or host:port) as Redis Cluster nodes', () => {
    const single = loadConfig({ REDIS_URL: 'redis://cache:6379' });
    assert.deepEqual(single.redis && { nodes: single.redis.nodes, cluster: single.redis.cluster }, { nodes: ['redis://cache:6379'], cluster: false });

    const cluster = loadConfig({ REDIS_URL: 'redis://:s3cret@redis-0:6379, redis-1:6379,redis-2:6380' });
    assert.equal(cluster.redis?.cluster, true);
    assert.deepEqual(cluster.redis?.nodes, ['redis://:s3cret@redis-0:6379', 'redis://redis-1:6379', 'redis://redis-2:6380']);

    const seed = loadConfig({ REDIS_URL: 'rediss://clustercfg.example:6379', REDIS_CLUSTER: 'true' });
    assert.equal(seed.redis?.cluster, true);
    assert.equal(loadConfig({ REDIS_URL: 'redis://a:1,redis://b:2', REDIS_CLUSTER: 'false' }).redis?.cluster, false);
  });

  it('refuses a Redis node that is not a redis:// URL or host:port, without echoing its password', () => {
    assert.throws(
      () => loadConfig({ REDIS_URL: 'redis://cache:6379,http://user:hunter2@other:80' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.issues.some((issue) => issue.startsWith('REDIS_URL') && issue.includes('not a redis:// or rediss:// URL')) &&
        !error.message.includes('hunter2'),
    );
    assert.throws(() => loadConfig({ REDIS_URL: ' , ' }), (error: unknown) => error instanceof ConfigError && error.issues.some((issue) => issue.startsWith('REDIS_URL')));
  });

  it('.env.example lists exactly the variables the service reads', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const listed = example.split('\n').flatMap((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1] ?? []);
    assert.deepEqual([...listed].sort(), [...ENVIRONMENT_VARIABLES].sort());
  });

  it('reads consumer limits and housekeeping retentions, refusing a reminder-claim retention shorter than a claim is needed', () => {
    const config = loadConfig({ CONSUMER_MAX_CLOCK_SKEW_SECONDS: '60', RETENTION_TOMBSTONES_HOURS: '24', HOUSEKEEPING_INTERVAL_SECONDS: '600' });
    assert.equal(config.consumers.maxClockSkewMs, 60_000);
    assert.equal(config.housekeeping.intervalMs, 600_000);
    assert.equal(config.housekeeping.retentionMs.tombstones, 24 * 3600_000);
    assert.equal(config.housekeeping.retentionMs.processedMessages, 7 * 24 * 3600_000);
    assert.throws(
      () => loadConfig({ RETENTION_REMINDER_CLAIMS_HOURS: '24' }),
      (error: unknown) => error instanceof ConfigError && error.issues.some((issue) => issue.startsWith('RETENTION_REMINDER_CLAIMS_HOURS')),
    );
  });
});
