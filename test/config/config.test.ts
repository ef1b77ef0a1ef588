import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

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
    assert.deepEqual(development.websocket, { maxMessageBytes: 65_536, maxSubscriptionsPerSocket: 20, maxSubscriptionsPerClient: 100, maxOperationsPerMinute: 300 });
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
});
