import {
  createSourceEventStream,
  execute,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { WebSocket } from 'ws';
import type { EventStatsChange } from '../domain/rsvps/model.js';
import type { OperationPipeline } from '../graphql/operation-pipeline.js';
import { isLiveStream } from './live-stats.js';

/** Where a subscription's messages go: its socket and the id graphql-ws knows it by. */
export interface LiveTarget {
  socket: WebSocket;
  id: string;
}

/**
 * Bytes a socket may hold unsent before it gets no more intermediate counts: a slow
 * reader is sent the latest reading once it has caught up, and never holds others back.
 */
const MAX_BUFFERED_BYTES = 16 * 1024;

const OPEN = 1;

/** One subscriber of the shared fan-out. */
class Member {
  /** The newest change held back while the socket was behind. */
  private pending: EventStatsChange | null = null;
  /** Told when a write reached the kernel: sends what was held back, if the socket caught up. */
  private readonly written = (): void => {
    const change = this.pending;
    if (change && this.target.socket.bufferedAmount <= MAX_BUFFERED_BYTES) {
      this.pending = null;
      this.send(change);
    }
  };

  /** graphql-ws's own `next` message up to its payload, byte for byte: {"id":…,"type":"next","payload":…}. */
  private readonly opening: string;

  constructor(
    private readonly fanout: LiveFanout,
    private readonly target: LiveTarget,
    readonly args: ExecutionArgs,
    /** Subscribers with the same key get the same bytes (same document, operation and variables). */
    readonly key: string,
  ) {
    this.opening = `{"id":${JSON.stringify(target.id)},"type":"next","payload":`;
  }

  deliver(change: EventStatsChange): void {
    if (this.target.socket.readyState !== OPEN) return;
    if (this.target.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      // Counts are absolute: the latest reading replaces any held back.
      this.pending = change;
      return;
    }
    this.send(change);
  }

  private send(change: EventStatsChange): void {
    const payload = this.fanout.payloadFor(change, this);
    if (typeof payload === 'string') this.write(payload);
    else void payload.then((text) => this.write(text));
  }

  private write(payload: string): void {
    if (this.target.socket.readyState !== OPEN) return;
    this.target.socket.send(this.opening + payload + '}', this.written);
  }
}

/**
 * Live counts to many subscribers of one event without paying per subscriber for what
 * they share. A change's answer depends on the subscription's selection only (counts,
 * version and time carry nothing viewer-specific; who may see the event was decided when
 * subscribing and is decided again when access may end), so it is executed and serialised
 * once per selection and change, and the same payload is written to every socket.
 * Subscriptions that are not live counts go through graphql-js as usual.
 */
export class LiveFanout {
  private readonly targets = new WeakMap<object, LiveTarget>();
  private readonly documentIds = new WeakMap<DocumentNode, number>();
  private readonly payloads = new WeakMap<EventStatsChange, Map<string, string | Promise<string>>>();
  private documents = 0;

  constructor(private readonly pipeline: OperationPipeline) {}

  /** Where the subscription run with `contextValue` writes (set in graphql-ws's onSubscribe). */
  target(contextValue: object, target: LiveTarget): void {
    this.targets.set(contextValue, target);
  }

  /** graphql-ws's `subscribe`. */
  async subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const target = typeof args.contextValue === 'object' && args.contextValue !== null ? this.targets.get(args.contextValue) : undefined;
    if (!isLiveStream(source) || !target) return results(source, args);
    const member = new Member(this, target, args, this.keyOf(args));
    source.deliverTo((change) => member.deliver(change));
    // Its `next()` now only ends (done) or fails (access ended): graphql-ws reports either.
    return source as AsyncIterable<never>;
  }

  /** The serialised result of `member`'s selection for `change`: executed once per selection. */
  payloadFor(change: EventStatsChange, member: Member): string | Promise<string> {
    let byKey = this.payloads.get(change);
    if (!byKey) this.payloads.set(change, (byKey = new Map()));
    let payload = byKey.get(member.key);
    if (payload === undefined) {
      payload = this.execute(change, member.args);
      byKey.set(member.key, payload);
    }
    return payload;
  }

  private execute(change: EventStatsChange, args: ExecutionArgs): string | Promise<string> {
    const result = execute({ ...args, rootValue: change });
    // Live counts resolve without waiting; a selection that waits is still executed once.
    return isPromise(result) ? result.then((done) => this.serialise(done)) : this.serialise(result);
  }

  /** As graphql-ws's onNext hook (socket-server.ts) would: errors formatted, the rest as it is. */
  private serialise(result: ExecutionResult): string {
    return JSON.stringify(result.errors?.length ? this.pipeline.formatResult(result) : result);
  }

  private keyOf(args: ExecutionArgs): string {
    let id = this.documentIds.get(args.document);
    if (id === undefined) this.documentIds.set(args.document, (id = ++this.documents));
    return `${id}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as Partial<AsyncIterable<unknown>> | null)?.[Symbol.asyncIterator] === 'function';
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Partial<Promise<T>> | null)?.then === 'function';
}

/** graphql-js's mapping of a source stream: each payload executed for this subscriber. */
async function* results(source: AsyncIterable<unknown>, args: ExecutionArgs): AsyncGenerator<ExecutionResult> {
  for await (const payload of source) yield await execute({ ...args, rootValue: payload });
}
