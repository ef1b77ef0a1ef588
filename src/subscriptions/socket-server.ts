import type { GraphQLError, GraphQLSchema } from 'graphql';
import { CloseCode, type Disposable } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { WebSocketServer } from 'ws';
import type { Authenticator } from '../auth.js';
import { createContext } from '../context.js';
import { Authority } from '../domain/authority.js';
import type { Deps } from '../deps.js';
import { callerKey } from '../domain/viewer-access.js';
import type { Viewer } from '../domain/users/model.js';
import { RateLimitedError, TooManySubscriptionsError, UnauthenticatedError, isClientError } from '../errors.js';
import type { OperationPipeline } from '../graphql/operation-pipeline.js';
import { clientKeyOf, routerSecretMatches } from '../http/caller.js';
import { LiveFanout } from './live-fanout.js';

/** The longest delay setTimeout keeps (about 24.8 days); later expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One acknowledged socket: who it is for, until when, and what it holds. */
interface SocketState {
  id: string;
  viewer: Viewer;
  clientKey: string;
  caller: string;
  /** Ends when the token expires or the socket closes; live streams end with its reason. */
  authority: Authority;
  expiry: NodeJS.Timeout | null;
  /** Ids of its active subscription operations. */
  subscriptions: Set<string>;
  /** Close once its subscriptions have reported their end (the token expired). */
  closeWhenIdle: boolean;
}

type SocketExtra = Extra & { state?: SocketState };

/**
 * Closes a socket whose token expired. graphql-ws's client retries 4403 ("might grant
 * access after retry"), asking `connectionParams` again, and sends the subscriptions
 * still pending on the new socket; 4401 would be final for it.
 */
const closeExpired = (extra: SocketExtra) => extra.socket.close(CloseCode.Forbidden, 'token expired');

export interface SocketServerOptions {
  deps: Deps;
  schema: GraphQLSchema;
  pipeline: OperationPipeline;
  auth: Authenticator;
}

/**
 * GraphQL over WebSocket (graphql-ws) with the protections of HTTP: every operation —
 * subscription, query or mutation — goes through the same pipeline (limits, introspection
 * ban, error formatting) and the same domain rate limits; besides, each socket is
 * bounded (subscriptions per socket and per user or client address, operations per
 * minute; message size is capped by the WebSocketServer's `maxPayload`).
 *
 * A socket's authority ends with its token: at `exp` its live subscriptions end with
 * UNAUTHENTICATED, then the socket closes with 4403 `token expired`, and the client
 * reconnects with a fresh token.
 */
export function serveGraphqlOverWebSocket(ws: WebSocketServer, options: SocketServerOptions): Disposable {
  const { deps, schema, pipeline, auth } = options;
  const { config, logger } = deps;
  const limits = config.websocket;
  const log = logger.child({ component: 'websocket' });
  const operationRate = new RateLimiterMemory({ points: limits.maxOperationsPerMinute, duration: 60 });
  const fanout = new LiveFanout(pipeline);
  /** Active subscriptions per caller over all their sockets on this instance. */
  const perCaller = new Map<string, number>();
  let sockets = 0;

  const release = (extra: SocketExtra, operationId: string) => {
    const state = extra.state;
    if (!state?.subscriptions.delete(operationId)) return;
    const left = (perCaller.get(state.caller) ?? 1) - 1;
    if (left > 0) perCaller.set(state.caller, left);
    else perCaller.delete(state.caller);
    if (state.closeWhenIdle && state.subscriptions.size === 0) closeExpired(extra);
  };

  const expire = (extra: SocketExtra, state: SocketState) => {
    state.closeWhenIdle = true;
    state.authority.end(new UnauthenticatedError('the token has expired'));
    log.debug({ socket: state.id }, 'websocket: token expired');
    if (state.subscriptions.size === 0) closeExpired(extra);
  };

  const armExpiry = (extra: SocketExtra, state: SocketState, expiresAt: Date) => {
    const wait = expiresAt.getTime() - Date.now();
    if (wait <= 0) return expire(extra, state);
    state.expiry = setTimeout(() => armExpiry(extra, state, expiresAt), Math.min(wait, MAX_TIMER_MS));
    state.expiry.unref();
  };

  /** Why this subscription may not start on this socket, or null. */
  const subscriptionRefusal = (state: SocketState): GraphQLError | null => {
    if (state.subscriptions.size >= limits.maxSubscriptionsPerSocket) return new TooManySubscriptionsError(limits.maxSubscriptionsPerSocket, 'socket');
    if ((perCaller.get(state.caller) ?? 0) >= limits.maxSubscriptionsPerClient) return new TooManySubscriptionsError(limits.maxSubscriptionsPerClient, 'client');
    return null;
  };

  const server = useServer<Record<string, unknown>, { state: SocketState }>(
    {
      schema,
      isProd: config.env === 'production',
      // Live counts are executed and serialised once per change for all who share a selection.
      subscribe: (args) => fanout.subscribe(args),
      onConnect: async (ctx) => {
        const { request, socket } = ctx.extra;
        if (!routerSecretMatches(config.routerSecret, request.headers['router-authorization'])) return false;
        const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          const identity = await auth.identify(typeof authorization === 'string' ? authorization : undefined);
          const clientKey = clientKeyOf(request, config.routerSecret !== null);
          const state: SocketState = {
            id: String(++sockets),
            viewer: identity.viewer,
            clientKey,
            caller: callerKey(identity.viewer, clientKey),
            authority: new Authority(),
            expiry: null,
            subscriptions: new Set(),
            closeWhenIdle: false,
          };
          ctx.extra.state = state;
          if (identity.expiresAt) armExpiry(ctx.extra, state, identity.expiresAt);
          return !state.closeWhenIdle;
        } catch (error) {
          if (isClientError(error)) return false;
          log.error({ err: error }, 'websocket: could not identify the caller');
          socket.close(CloseCode.InternalServerError, 'Internal server error');
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const state = ctx.extra.state;
        if (!state) return [new UnauthenticatedError()];
        if (state.closeWhenIdle) {
          // Closed before the answer goes out: the client sends it again on its new socket.
          closeExpired(ctx.extra);
          return [new UnauthenticatedError('the token has expired')];
        }
        try {
          await operationRate.consume(state.id);
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          return [new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), 'socket operation')];
        }
        const prepared = pipeline.prepare(schema, payload);
        if (Array.isArray(prepared)) return prepared;
        if (prepared.operation.operation === 'subscription') {
          const refusal = subscriptionRefusal(state);
          if (refusal) return [refusal];
          state.subscriptions.add(id);
          perCaller.set(state.caller, (perCaller.get(state.caller) ?? 0) + 1);
        }
        // Fresh loaders per operation, so a long-lived socket never serves stale rows.
        const contextValue = createContext(deps, state.viewer, state.clientKey, state.authority);
        if (prepared.operation.operation === 'subscription') fanout.target(contextValue, { socket: ctx.extra.socket, id });
        return {
          schema,
          document: prepared.document,
          operationName: prepared.operationName,
          variableValues: prepared.variableValues,
          contextValue,
        };
      },
      // Most results carry no error: graphql-ws then sends them as they are.
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors?.length ? pipeline.formatResult(result) : undefined),
      onError: (_ctx, _id, _payload, errors) => pipeline.formatErrors(errors),
      onComplete: (ctx, id) => release(ctx.extra, id),
      onClose: (ctx) => {
        const state = ctx.extra.state;
        if (!state) return;
        if (state.expiry) clearTimeout(state.expiry);
        state.closeWhenIdle = false;
        for (const id of [...state.subscriptions]) release(ctx.extra, id);
        state.authority.end(new UnauthenticatedError('the connection closed'));
      },
    },
    ws,
    // A socket that leaves a ping unanswered this long is terminated (0: no pings).
    limits.keepAliveMs,
  );
  // ws closes a socket that breaks the protocol (a message over maxPayload: 1009) and
  // then reports it; graphql-ws would print that report, so it is logged here instead.
  ws.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error) => log.info({ err: error }, 'websocket: closed a socket that broke the protocol'));
  });
  return server;
}
