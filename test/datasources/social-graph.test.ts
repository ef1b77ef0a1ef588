import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmbeddedSocialGraph } from '../../src/datasources/embedded/embedded-social-graph.js';
import { Neo4jSocialGraph } from '../../src/datasources/neo4j/neo4j-social-graph.js';
import { socialGraphContract } from '../contracts/social-graph.contract.js';
import { requireEnv } from '../support/env.js';
import { closedPort } from '../support/ports.js';

socialGraphContract('Neo4jSocialGraph', () => Neo4jSocialGraph.connect({ url: requireEnv('NEO4J_URL') }));
socialGraphContract('EmbeddedSocialGraph', async () => new EmbeddedSocialGraph());

describe('Neo4jSocialGraph.connect', () => {
  it('can run again on a database that already has the schema', async () => {
    const graph = await Neo4jSocialGraph.connect({ url: requireEnv('NEO4J_URL') });
    try {
      await graph.init();
    } finally {
      await graph.close();
    }
  });

  it('fails fast with a clear error when nothing listens at the URL', async () => {
    const started = Date.now();
    await assert.rejects(Neo4jSocialGraph.connect({ url: `bolt://127.0.0.1:${await closedPort()}` }), /cannot reach Neo4j at bolt:\/\/127\.0\.0\.1/);
    assert.ok(Date.now() - started < 10_000, 'took longer than 10 s');
  });
});
