import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { context, type Tracer } from '@opentelemetry/api';
import { cacheLookups } from './observability/metrics.js';
import { contextFrom, inSpan, nameOperationSpan, SpanKind } from './observability/tracing.js';
import type { Disposable } from 'graphql-ws';
import { WebSocketServer } from 'ws';
import { createAuthenticator, type Authenticator } from './auth.js';
import { createContext, type RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { isClientError } from './errors.js';
import { OperationPipeline } from './graphql/operation-pipeline.js';
import { CompiledExecutor } from './graphql/compiled-executor.js';
import { bearerMatches, clientKeyOf, routerSecretMatches } from './http/caller.js';
import { HealthReporter } from './http/health.js';
import { closeAfterResponse } from './http/lingering-close.js';
import { GraphqlOverHttp } from './http/graphql-over-http.js';
import { buildSchema } from './schema.js';
import { serveGraphqlOverWebSocket } from './subscriptions/socket-server.js';

const GRAPHQL_PATH = '/graphql';

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function graphqlError(res: ServerResponse, status: number, message: string, code: string, headers: Record<string, string> = {}) {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

class BodyTooLargeError extends Error {}

/** The body as text; BodyTooLargeError as soon as it is declared or read past `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) return reject(new BodyTooLargeError());
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) settle(() => reject(new BodyTooLargeError()));
      else chunks.push(chunk);
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks).toString('utf8')));
    const onError = (error: Error) => settle(() => reject(error));
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/**
 * The subgraph over HTTP and WebSocket on one port: GraphQL (queries, mutations,
 * subscriptions via graphql-ws) at /graphql, plus /health, /live, /ready and /metrics.
 */
export class SubgraphServer {
  readonly schema: GraphQLSchema;
  readonly apollo: ApolloServer<RequestContext>;
  readonly pipeline: OperationPipeline;
  private readonly auth: Authenticator;
  private readonly overHttp: GraphqlOverHttp;
  private http: Server | undefined;
  private ws: WebSocketServer | undefined;
  private sockets: Disposable | undefined;
  private draining = false;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private readonly health: HealthReporter;

  constructor(private readonly deps: Deps) {
    const { config, logger } = deps;
    this.schema = buildSchema({ maxRepresentations: config.graphql.maxRepresentations });
    const { requestLatency } = deps.metrics;
    const lookups = (cache: string) => cacheLookups(deps.metrics, cache);
    this.auth = createAuthenticator(config.auth, { onLookup: lookups('verified-tokens') });
    this.health = new HealthReporter(deps);
    this.pipeline = new OperationPipeline(config.graphql, logger.child({ component: 'graphql' }), { onLookup: lookups('graphql-documents') });
    this.overHttp = new GraphqlOverHttp({
      schema: this.schema,
      pipeline: this.pipeline,
      executor: new CompiledExecutor(this.schema),
      cache: deps.responses,
      limiter: deps.limiter,
      requestLatency,
    });
    const timing: ApolloServerPlugin<RequestContext> = {
      async requestDidStart() {
        const end = requestLatency.startTimer();
        return {
          async willSendResponse(request) {
            end({ operation: request.operation?.operation ?? 'unknown' });
          },
        };
      },
    };
    const tracing: ApolloServerPlugin<RequestContext> = {
      async requestDidStart() {
        return {
          async didResolveOperation({ operation, operationName }) {
            nameOperationSpan(operation?.operation ?? 'unknown', operationName);
          },
        };
      },
    };
    const plugins = [
      timing,
      ...(deps.tracer ? [tracing] : []),
      // No cache hints are used; the plugin would wrap every resolver for nothing.
      ApolloServerPluginCacheControlDisabled(),
      config.env === 'production'
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      // Traces (ftv1) are for the router; without its secret nobody can be told from it.
      ...(config.graphql.federationInternals ? [] : [ApolloServerPluginInlineTraceDisabled()]),
    ] as ApolloServerPlugin<RequestContext>[];
    this.apollo = new ApolloServer<RequestContext>({
      schema: this.schema,
      // Parse options, validation rules (the introspection ban among them) and the
      // error formatter: the same pipeline graphql-ws runs.
      ...this.pipeline.apolloOptions,
      introspection: true,
      allowBatchedHttpRequests: false,
      plugins,
      // Shutdown is ours (src/index.ts): Apollo's own signal handlers would end the
      // process before the outbox is flushed.
      stopOnTerminationSignals: false,
      includeStacktraceInErrorResponses: false,
      logger: logger.child({ component: 'apollo' }),
    });
  }

  /** Builds the context for an HTTP request (the viewer comes from its bearer token). */
  async contextFor(authorization: string | undefined, clientKey: string): Promise<RequestContext> {
    const { viewer } = await this.auth.identify(authorization);
    return createContext(this.deps, viewer, clientKey);
  }

  async start(port = this.deps.config.port, host = this.deps.config.host): Promise<RunningServer> {
    await this.apollo.start();
    const http = createHttpServer((req, res) => this.track(req, res));
    http.keepAliveTimeout = 65_000;
    this.http = http;
    this.ws = new WebSocketServer({ server: http, path: GRAPHQL_PATH, maxPayload: this.deps.config.websocket.maxMessageBytes });
    this.sockets = serveGraphqlOverWebSocket(this.ws, { deps: this.deps, schema: this.schema, pipeline: this.pipeline, auth: this.auth });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => resolve());
    });
    const address = http.address() as AddressInfo;
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    return {
      url: `http://${shownHost}:${address.port}${GRAPHQL_PATH}`,
      port: address.port,
      stop: () => this.stop(),
    };
  }

  /**
   * Graceful, and bounded by half of SHUTDOWN_TIMEOUT_MS: /ready turns 503 and new
   * connections are refused; WebSockets close with 1001 (going away) so clients reconnect
   * to another instance; requests in flight finish (each answer closes its connection),
   * and whatever still runs at the bound is cut. The components behind the server (outbox
   * flush, consumer commits, leases) stop after it, in the app's reverse start order.
   */
  async stop(): Promise<void> {
    this.draining = true;
    const http = this.http;
    const closed = new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http?.closeIdleConnections();
    for (const client of this.ws?.clients ?? []) client.close(1001, 'server shutting down');
    await (this.sockets?.dispose() ?? Promise.resolve()).catch(() => undefined);
    await new Promise<void>((resolve) => (this.ws ? this.ws.close(() => resolve()) : resolve()));
    const bound = this.deps.config.shutdownTimeoutMs / 2;
    let timer: NodeJS.Timeout | undefined;
    const inFlight = this.inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (this.drained = resolve));
    const cut = await Promise.race([
      inFlight.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), bound))),
    ]);
    clearTimeout(timer);
    if (cut) this.deps.logger.warn({ inFlight: this.inFlight, boundMs: bound }, 'shutdown: requests still running at the bound were cut');
    http?.closeAllConnections();
    await closed;
    this.health.close();
    await this.apollo.stop();
  }

  /** Counts requests in flight, so a shutdown can wait for them; while draining, each answer closes its connection. */
  private track(req: IncomingMessage, res: ServerResponse) {
    this.inFlight += 1;
    if (this.draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      this.inFlight -= 1;
      if (this.draining) {
        this.http?.closeIdleConnections();
        if (this.inFlight === 0) this.drained?.();
      }
    });
    void this.route(req, res);
  }

  private async route(req: IncomingMessage, res: ServerResponse) {
    try {
      // The path and query string as sent (a WHATWG URL costs more than the whole route).
      const target = req.url ?? '/';
      const queryAt = target.indexOf('?');
      const pathname = queryAt === -1 ? target : target.slice(0, queryAt);
      switch (pathname) {
        case GRAPHQL_PATH:
          {
            const search = queryAt === -1 ? '' : target.slice(queryAt);
            return this.deps.tracer ? await this.traced(this.deps.tracer, req, res, () => this.graphql(req, res, search)) : await this.graphql(req, res, search);
          }
        case '/live': {
          const live = this.health.live();
          return sendJson(res, live ? 200 : 503, { status: live ? 'ok' : 'wedged' });
        }
        case '/ready': {
          // Only the document store decides: without Redis, Neo4j or Kafka the service still serves.
          const ready = !this.draining && (await this.health.ready());
          return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : this.draining ? 'shutting down' : 'not ready' });
        }
        case '/health': {
          const report = await this.health.report();
          // Dependencies, their errors and counts are for operators; everyone else gets the verdict.
          return sendJson(res, report.status === 'down' ? 503 : 200, this.monitoringAllowed(req) ? report : { status: report.status });
        }
        case '/metrics': {
          if (!this.monitoringAllowed(req)) {
            return this.deps.config.monitoring.token
              ? sendJson(res, 401, { error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' }, { 'www-authenticate': 'Bearer' })
              : sendJson(res, 403, { error: 'metrics are closed; set METRICS_TOKEN to read them' });
          }
          const { registry } = this.deps.metrics;
          const body = await registry.metrics();
          res.writeHead(200, { 'content-type': registry.contentType });
          return res.end(body);
        }
        default:
          return sendJson(res, 404, { error: 'not found' });
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'http: request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  }

  /**
   * One trace per operation: a server span that continues the caller's W3C `traceparent`
   * (the router's), and inside it the GraphQL operation's span, named once the operation
   * is known (see the plugin); store calls and outbox entries made meanwhile join them.
   */
  private traced(tracer: Tracer, req: IncomingMessage, res: ServerResponse, execute: () => Promise<unknown>): Promise<void> {
    const attributes = { 'http.request.method': req.method ?? 'GET', 'url.path': GRAPHQL_PATH };
    return inSpan(tracer, `${req.method ?? 'GET'} ${GRAPHQL_PATH}`, SpanKind.SERVER, contextFrom(req.headers), attributes, async (span) => {
      await inSpan(tracer, 'graphql.operation', SpanKind.INTERNAL, context.active(), {}, execute);
      span.setAttribute('http.response.status_code', res.statusCode);
    });
  }

  private monitoringAllowed(req: IncomingMessage): boolean {
    const { open, token } = this.deps.config.monitoring;
    return open || bearerMatches(token, req.headers.authorization);
  }

  private async graphql(req: IncomingMessage, res: ServerResponse, search: string) {
    // Checked before reading the body, so only the router can make us parse anything.
    if (!routerSecretMatches(this.deps.config.routerSecret, req.headers['router-authorization'])) {
      return graphqlError(res, 403, 'only the router may call this subgraph', 'FORBIDDEN');
    }
    let text = '';
    if (req.method === 'POST') {
      try {
        text = await readBody(req, this.deps.config.graphql.bodyLimitBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        // The rest of the body is discarded, and the connection closes after the answer:
        // on a keep-alive connection the unread bytes would be taken for the next request.
        req.resume();
        closeAfterResponse(req.socket);
        return graphqlError(res, 413, `the request body is larger than ${this.deps.config.graphql.bodyLimitBytes} bytes`, 'BAD_REQUEST', { connection: 'close' });
      }
    }
    let context: RequestContext;
    const clientKey = clientKeyOf(req, this.deps.config.routerSecret !== null);
    try {
      context = await this.contextFor(req.headers.authorization, clientKey);
    } catch (error) {
      if (isClientError(error)) return graphqlError(res, 401, error.message, 'UNAUTHENTICATED');
      throw error;
    }
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        return graphqlError(res, 400, 'the request body is not valid JSON', 'BAD_REQUEST');
      }
    }
    if (await this.overHttp.serve(req, res, body, context, clientKey)) return;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await this.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body },
      context: async () => context,
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') return res.end(response.body.string);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

export function createServer(deps: Deps): SubgraphServer {
  return new SubgraphServer(deps);
}
