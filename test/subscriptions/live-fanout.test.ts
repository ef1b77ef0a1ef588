import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, parse, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { WebSocket } from 'ws';
import type { EventStatsChange } from '../../src/domain/rsvps/model.js';
import { OperationPipeline } from '../../src/graphql/operation-pipeline.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { LiveFanout } from '../../src/subscriptions/live-fanout.js';
import { LiveStats } from '../../src/subscriptions/live-stats.js';

const EVENT = 'event-1';
const QUERY = parse('subscription ($id: ID!) { eventStatsChanged(eventId: $id) { version going executions } }');

/** What graphql-ws's socket needs from ws: send with a callback, how much is unsent, whether it is open. */
class FakeSocket {
  readonly sent: string[] = [];
  readonly callbacks: (() => void)[] = [];
  bufferedAmount = 0;
  readyState = 1;

  send(data: string, callback: () => void) {
    this.sent.push(data);
    this.callbacks.push(callback);
  }
}

function setup() {
  let executions = 0;
  const schema: GraphQLSchema = buildSchema(`
    type Query { ok: Boolean }
    type Stats { version: Int! going: Int! executions: Int! }
    type Subscription { eventStatsChanged(eventId: ID!): Stats! }
  `);
  // No throttle: every publish is delivered at once.
  const live = new LiveStats(Number.POSITIVE_INFINITY, async () => null, createLogger('silent'));
  const subscription = schema.getSubscriptionType()!.getFields().eventStatsChanged!;
  subscription.subscribe = (_root, args: { eventId: string }) => live.subscribe(args.eventId);
  subscription.resolve = (change: EventStatsChange) => ({ version: change.version, going: change.counts.going, executions: ++executions });
  const pipeline = new OperationPipeline(loadConfig({ NODE_ENV: 'test' }).graphql, createLogger('silent'));
  const fanout = new LiveFanout(pipeline);
  const subscribe = async (socket: FakeSocket, id: string) => {
    const contextValue = {};
    fanout.target(contextValue, { socket: socket as unknown as WebSocket, id });
    const args: ExecutionArgs = { schema, document: QUERY, variableValues: { id: EVENT }, contextValue };
    return fanout.subscribe(args);
  };
  const change = (version: number): EventStatsChange => ({
    eventId: EVENT,
    version,
    at: new Date(),
    counts: { going: version, interested: 0, maybe: 0, notGoing: 0, waitlisted: 0 },
  });
  return { live, subscribe, change, executions: () => executions };
}

describe('live counts fan-out', () => {
  it('executes and serialises a change once for every subscriber of the same selection, each message carrying its own id', async () => {
    const { live, subscribe, change, executions } = setup();
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    await Promise.all(sockets.map((socket, i) => subscribe(socket, `op-${i}`)));
    live.publish(change(1));
    assert.equal(executions(), 1);
    sockets.forEach((socket, i) => {
      assert.deepEqual(socket.sent.map((text) => JSON.parse(text)), [
        { id: `op-${i}`, type: 'next', payload: { data: { eventStatsChanged: { version: 1, going: 1, executions: 1 } } } },
      ]);
    });
    live.close();
  });

  it('holds intermediate counts back from a socket that is behind and sends it the latest once it caught up, without holding the others', async () => {
    const { live, subscribe, change } = setup();
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    await subscribe(slow, 'slow');
    await subscribe(fast, 'fast');
    live.publish(change(1));
    slow.bufferedAmount = 1_000_000;
    live.publish(change(2));
    live.publish(change(3));
    const versions = (socket: FakeSocket) => socket.sent.map((text) => (JSON.parse(text) as { payload: { data: { eventStatsChanged: { version: number } } } }).payload.data.eventStatsChanged.version);
    assert.deepEqual(versions(fast), [1, 2, 3]);
    assert.deepEqual(versions(slow), [1]);
    // The socket drained: the write of version 1 completes and the latest counts follow.
    slow.bufferedAmount = 0;
    slow.callbacks[0]!();
    assert.deepEqual(versions(slow), [1, 3]);
    live.close();
  });

  it('stops writing to a subscriber that completed', async () => {
    const { live, subscribe, change } = setup();
    const socket = new FakeSocket();
    const stream = (await subscribe(socket, 'gone')) as AsyncIterableIterator<unknown>;
    await stream.return?.();
    live.publish(change(1));
    assert.deepEqual(socket.sent, []);
    assert.equal(live.subscriberCount(EVENT), 0);
    live.close();
  });
});
