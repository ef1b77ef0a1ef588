/**
 * Live subscribers for the fan-out benchmark, as seen from the load generator: one
 * graphql-ws client (its own WebSocket) each, authenticated with
 * `connectionParams.authorization = 'Bearer <jwt>'`, acknowledged through `on: { connected }`.
 *
 * (A leaner client speaking the protocol directly over `ws` was tried: it used about the
 * same CPU per received message here, ~50 µs, so the library client stays.)
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface LiveSubscriberOptions {
  url: string;
  token: string;
  query: string;
  variables: Record<string, unknown>;
  /** The acknowledgement (connection_ack) arrived; the subscription is being sent. */
  onConnected(): void;
  /** A `next` message: its data, or its GraphQL errors. */
  onData(data: Record<string, unknown> | null | undefined, errors: unknown[] | undefined): void;
  /** The connection or subscription failed (before or after the acknowledgement). */
  onFailure(reason: string): void;
}

export interface LiveSubscriber {
  close(): Promise<void>;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, reason } = error as { code?: unknown; reason?: unknown };
    return `close ${String(code)}${reason ? ` ${String(reason)}` : ''}`;
  }
  return String(error);
}

export function openLiveSubscriber(options: LiveSubscriberOptions): LiveSubscriber {
  let acknowledged = false;
  let closing = false;
  const client = createClient({
    url: options.url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${options.token}` },
    lazy: false,
    retryAttempts: 0,
    shouldRetry: () => false,
    onNonLazyError: (error) => options.onFailure(describe(error)),
    on: {
      connected: () => {
        acknowledged = true;
        options.onConnected();
      },
      closed: (event) => {
        if (!closing) options.onFailure(`${acknowledged ? 'closed' : 'closed before the acknowledgement'}: ${describe(event)}`);
      },
      error: (error) => options.onFailure(describe(error)),
    },
  });
  client.subscribe(
    { query: options.query, variables: options.variables },
    {
      next: (message) => options.onData(message.data as Record<string, unknown> | null | undefined, message.errors as unknown[] | undefined),
      error: (error) => options.onFailure(`subscription error: ${describe(error)}`),
      complete: () => undefined,
    },
  );
  return {
    close: async () => {
      closing = true;
      await client.dispose();
    },
  };
}
