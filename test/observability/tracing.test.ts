import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { createEvent } from '../support/events.js';
import { eventually } from '../support/eventually.js';

const ANSWER = 'mutation Answer($e: ID!) { rsvp(eventId: $e, status: GOING) { status } }';

describe('one trace from the HTTP request to the consumers (in-memory exporter, real servers)', () => {
  const exporter = new InMemorySpanExporter();
  const logs: Record<string, unknown>[] = [];
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'real', spanExporter: exporter, logs, env: { CONSUMERS_ENABLED: 'true', LOG_LEVEL: 'debug' } });
  });
  after(() => app.stop());

  it('follows an rsvp from the router’s traceparent through the store calls and the Kafka publish to the consumers’ work', async () => {
    const eventId = await createEvent(app, uniqueUser('host'));
    const traceId = randomBytes(16).toString('hex');
    const routerSpanId = randomBytes(8).toString('hex');
    const guest = uniqueUser('guest');
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.token(guest)}`, traceparent: `00-${traceId}-${routerSpanId}-01` },
      body: JSON.stringify({ query: ANSWER, variables: { e: eventId } }),
    });
    assert.deepEqual(await response.json(), { data: { rsvp: { status: 'GOING' } } });

    const ours = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
    const one = (spans: ReadableSpan[], what: string, test: (span: ReadableSpan) => boolean) => {
      const found = spans.filter(test);
      assert.ok(found.length > 0, `${what} in ${spans.map((span) => span.name).join(', ')}`);
      return found[0]!;
    };
    const spans = await eventually(
      () => {
        const spans = ours();
        // The RSVP graph projection's Neo4j write is the last link of the chain; a span is
        // exported when it ends, so its parent (the consumer's span) shows up after it.
        one(spans, 'the graph write', (span) => span.attributes['db.system'] === 'neo4j' && span.name === 'neo4j setRsvp');
        for (const group of [`${app.config.consumers.groupPrefix}-rsvp-graph`, `events-subgraph-live-${app.config.instanceId}`]) {
          one(spans, `the ${group} consumer span`, (span) => span.kind === SpanKind.CONSUMER && span.attributes['messaging.consumer.group.name'] === group);
        }
        return spans;
      },
      { timeoutMs: 30_000, what: 'the consumer spans of the answer' },
    );

    const server = one(spans, 'the server span', (span) => span.kind === SpanKind.SERVER);
    assert.equal(parentOf(server), routerSpanId, 'the incoming traceparent is honoured');
    const operation = one(spans, 'the operation span', (span) => span.name === 'mutation Answer');
    assert.equal(parentOf(operation), server.spanContext().spanId);
    assert.equal(operation.attributes['graphql.operation.type'], 'mutation');
    const storeCalls = spans.filter((span) => span.attributes['db.system'] === 'mongodb' && parentOf(span) === operation.spanContext().spanId);
    assert.ok(storeCalls.length >= 3, `each store call of the answer has its span (${storeCalls.map((span) => span.name).join(', ')})`);

    const publish = one(spans, 'the Kafka publish', (span) => span.kind === SpanKind.PRODUCER && span.attributes['messaging.destination.name'] === 'events');
    const consumers = spans.filter((span) => span.kind === SpanKind.CONSUMER && parentOf(span) === publish.spanContext().spanId);
    const groups = consumers.map((span) => String(span.attributes['messaging.consumer.group.name']));
    assert.ok(groups.includes(`${app.config.consumers.groupPrefix}-rsvp-graph`), `the RSVP graph projection joins the trace (${groups.join(', ')})`);
    assert.ok(groups.includes(`events-subgraph-live-${app.config.instanceId}`), 'the live-count feed joins the trace');
    const projection = consumers.find((span) => span.attributes['messaging.consumer.group.name'] === `${app.config.consumers.groupPrefix}-rsvp-graph`)!;
    const graphWrite = one(spans, 'the graph write', (span) => span.name === 'neo4j setRsvp');
    assert.equal(parentOf(graphWrite), projection.spanContext().spanId, 'the projection’s store calls are its children');

    // Log lines written within the trace name it.
    const traced = logs.filter((line) => line.trace_id === traceId);
    assert.ok(traced.some((line) => line.msg === 'event processed'), 'the consumer’s log line carries trace_id and span_id');
    assert.ok(traced.every((line) => typeof line.span_id === 'string'));
  });
});
