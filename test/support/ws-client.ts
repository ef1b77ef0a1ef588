import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface LiveSubscription<T> {
  received: T[];
  /** Resolves with everything received once `predicate` holds for the latest message. */
  until(predicate: (latest: T, all: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  /** Resolves with the first error the server sent, or rejects when data arrives instead. */
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
