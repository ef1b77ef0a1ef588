import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { EmbeddedDocumentStore } from '../../src/datasources/embedded/embedded-document-store.js';
import { EmbeddedKeyValueStore } from '../../src/datasources/embedded/embedded-key-value-store.js';
import { EmbeddedMessageBus } from '../../src/datasources/embedded/embedded-message-bus.js';
import { EmbeddedRateLimiter } from '../../src/datasources/embedded/embedded-rate-limiter.js';
import { EmbeddedSocialGraph } from '../../src/datasources/embedded/embedded-social-graph.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';

describe('asyncapi.yaml', () => {
  it('declares every topic the consumers read and every dead-letter topic they write', async () => {
    const spec = await readFile(new URL('../../asyncapi.yaml', import.meta.url), 'utf8');
    const addresses = new Set([...spec.matchAll(/^ {4}address: (\S+)$/gm)].map((match) => match[1]));
    const config = loadConfig({ SEED_DEMO_DATA: 'false', LOG_LEVEL: 'silent' });
    const deps = createDeps(config, createLogger('silent'), createMetrics(), {
      store: new EmbeddedDocumentStore(),
      graph: new EmbeddedSocialGraph(),
      kv: new EmbeddedKeyValueStore(),
      limiter: new EmbeddedRateLimiter(Object.fromEntries(Object.entries(config.rateLimits))),
      bus: new EmbeddedMessageBus(),
      breakers: {},
    });
    const runners = deps.consumers.all;
    assert.ok(runners.length >= 4);
    for (const runner of runners) {
      assert.ok(addresses.has(runner.definition.topic), `${runner.definition.topic} is not declared`);
      assert.ok(addresses.has(runner.deadLetterTopic), `${runner.deadLetterTopic} is not declared`);
    }
  });
});
