import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface LiveSubscription<T> {
  received: T[];
  /** Resolves with everything received once `predicate` holds for the latest message. */
  until(predicate: (latest: T, all: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  /** Resolves with the first error the server sent; rejects when data arrives instead, or after 30 s. */
  error: Promise<unknown>;
  dispose(): Promise<void>;
}

/** A real graphql-ws client connected to `httpUrl` (ws scheme), authenticated by `token`. */
export function subscribe<T>(httpUrl: string, token: string | null, query: string, variables: Record<string, unknown>): LiveSubscription<T> {
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    // Failures reach the test through the sink; the default prints them.
    onNonLazyError: () => undefined,
  });
  const received: T[] = [];
  const waiters: (() => void)[] = [];
  let rejectError: (error: unknown) => void = () => undefined;
  let resolveError: (error: unknown) => void = () => undefined;
  const error = new Promise<unknown>((resolve, reject) => {
    resolveError = resolve;
    rejectError = reject;
  });
  error.catch(() => undefined);
  // A stream that never fails must fail the test, not hang it.
  setTimeout(() => rejectError(new Error('no error within 30 s')), 30_000).unref();
  client.subscribe<T>(
    { query, variables },
    {
      next: (message) => {
        if (message.errors?.length) return resolveError(message.errors);
        received.push(message.data as T);
        for (const wake of waiters.splice(0)) wake();
        rejectError(new Error('received data, not an error'));
      },
      error: (err) => resolveError(err),
      complete: () => undefined,
    },
  );
  return {
    received,
    error,
    async until(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(received.length > 0 && predicate(received.at(-1)!, received))) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`subscription did not reach the expected state; received ${JSON.stringify(received)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received;
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

export interface ProtocolMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

export interface OperationOutcome {
  /** Payloads of `next` messages. */
  results: { data?: unknown; errors?: GqlErrorLike[] }[];
  /** Payload of an `error` message (the operation was refused or its stream failed). */
  errors: GqlErrorLike[] | null;
}

export interface GqlErrorLike {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

/**
 * A graphql-transport-ws client at the protocol level, for what the library client
 * hides: close codes, raw messages, many operations on one socket.
 */
export class ProtocolSocket {
  private readonly socket: WebSocket;
  private readonly messages: ProtocolMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private nextId = 0;
  /** Resolves with the close code and reason once the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves once the server acknowledged `connection_init`; rejects if it closed instead. */
  readonly acknowledged: Promise<void>;

  /** Pings received from the server (answered with a pong unless `autoPong: false`). */
  pings = 0;

  constructor(httpUrl: string, options: { token?: string | null; headers?: Record<string, string>; autoPong?: boolean } = {}) {
    this.socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: options.headers ?? {}, autoPong: options.autoPong ?? true });
    this.socket.on('ping', () => {
      this.pings += 1;
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as ProtocolMessage);
      for (const wake of [...this.waiters]) wake();
    });
    this.socket.on('close', () => {
      for (const wake of [...this.waiters]) wake();
    });
    this.socket.once('open', () => this.send({ type: 'connection_init', payload: options.token ? { authorization: `Bearer ${options.token}` } : {} }));
    this.acknowledged = this.waitFor((message) => message.type === 'connection_ack').then(() => undefined);
    this.acknowledged.catch(() => undefined);
  }

  send(message: ProtocolMessage | string) {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message (from the start) matching `predicate`; rejects when the socket closes first. */
  waitFor(predicate: (message: ProtocolMessage) => boolean, timeoutMs = 30_000): Promise<ProtocolMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('no such message in time'), null), timeoutMs);
      const done = (error: Error | null, message: ProtocolMessage | null) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (message) resolve(message);
        else reject(error);
      };
      const check = () => {
        const found = this.messages.find(predicate);
        if (found) return done(null, found);
        if (this.socket.readyState === WebSocket.CLOSED) done(new Error('the socket closed'), null);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves once the server has pinged `times` times in all; rejects when the socket closes first. */
  pinged(times: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.pings >= times) {
          this.waiters.delete(check);
          resolve();
        } else if (this.socket.readyState === WebSocket.CLOSED) {
          this.waiters.delete(check);
          reject(new Error(`the socket closed after ${this.pings} pings`));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Starts an operation; returns its id. */
  start(query: string, variables: Record<string, unknown> = {}): string {
    const id = String(++this.nextId);
    this.send({ id, type: 'subscribe', payload: { query, variables } });
    return id;
  }

  /** Everything operation `id` produced until it completed or failed. */
  async outcome(id: string, timeoutMs?: number): Promise<OperationOutcome> {
    const last = await this.waitFor((message) => message.id === id && (message.type === 'complete' || message.type === 'error'), timeoutMs);
    const results = this.messages.filter((message) => message.id === id && message.type === 'next').map((message) => message.payload as OperationOutcome['results'][number]);
    return { results, errors: last.type === 'error' ? (last.payload as GqlErrorLike[]) : null };
  }

  /** Runs a query or mutation and returns what it answered. */
  async run(query: string, variables: Record<string, unknown> = {}): Promise<OperationOutcome> {
    await this.acknowledged;
    return this.outcome(this.start(query, variables));
  }

  complete(id: string) {
    this.send({ id, type: 'complete' });
  }

  close() {
    this.socket.close();
    return this.closed;
  }
}
