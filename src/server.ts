import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createAuthenticator, type Authenticator } from './auth.js';
import { createContext, type RequestContext } from './context.js';
import type { Deps } from './deps.js';
import { anonymous, type Viewer } from './domain/users/model.js';
import { isClientError } from './errors.js';
import { createErrorFormatter } from './http/errors.js';
import { healthReport } from './http/health.js';
import { buildSchema } from './schema.js';

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

function graphqlError(res: ServerResponse, status: number, message: string, code: string) {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function routerSecretMatches(expected: string | null, given: string | string[] | undefined): boolean {
  if (expected === null) return true;
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who an anonymous caller is, for rate limits. Behind the router every request comes
 * from the router's address, so the client address it forwards is used — but only
 * when the router proved itself with the shared secret.
 */
function clientKeyOf(req: IncomingMessage, trustForwarded: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return (trustForwarded && first) || req.socket.remoteAddress || 'unknown';
}

/**
 * The subgraph over HTTP and WebSocket on one port: GraphQL (queries, mutations,
 * subscriptions via graphql-ws) at /graphql, plus /health, /live, /ready and /metrics.
 */
export class SubgraphServer {
  readonly schema: GraphQLSchema;
  readonly apollo: ApolloServer<RequestContext>;
  private readonly auth: Authenticator;
  private http: Server | undefined;
  private ws: WebSocketServer | undefined;
  private draining = false;

  constructor(private readonly deps: Deps) {
    const { config, logger } = deps;
    this.schema = buildSchema();
    this.auth = createAuthenticator(config.auth);
    const armor = new ApolloArmor({
      maxDepth: { n: config.graphql.maxDepth },
      maxAliases: { n: config.graphql.maxAliases },
      costLimit: { maxCost: config.graphql.maxCost },
      maxTokens: { n: config.graphql.maxTokens },
      maxDirectives: { n: 50 },
      blockFieldSuggestion: { enabled: config.env === 'production' },
    }).protect();
    const { requestLatency } = deps.metrics;
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
    this.apollo = new ApolloServer<RequestContext>({
      schema: this.schema,
      ...armor,
      plugins: [
        ...(armor.plugins as ApolloServerPlugin<RequestContext>[]),
        timing,
        // No cache hints are used; the plugin would wrap every resolver for nothing.
        ApolloServerPluginCacheControlDisabled() as ApolloServerPlugin<RequestContext>,
        (config.env === 'production'
          ? ApolloServerPluginLandingPageDisabled()
          : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })) as ApolloServerPlugin<RequestContext>,
      ],
      introspection: config.graphql.introspection,
      // Shutdown is ours (src/index.ts): Apollo's own signal handlers would end the
      // process before the outbox is flushed.
      stopOnTerminationSignals: false,
      includeStacktraceInErrorResponses: false,
      formatError: createErrorFormatter(logger.child({ component: 'graphql' })),
      logger: logger.child({ component: 'apollo' }),
    });
  }

  /** Builds the context for an HTTP request (the viewer comes from its bearer token). */
  async contextFor(authorization: string | undefined, clientKey: string): Promise<RequestContext> {
    const viewer = await this.auth.viewerFrom(authorization);
    return createContext(this.deps, viewer, clientKey);
  }

  async start(port = this.deps.config.port, host = this.deps.config.host): Promise<RunningServer> {
    await this.apollo.start();
    const http = createHttpServer((req, res) => void this.route(req, res));
    http.keepAliveTimeout = 65_000;
    this.http = http;
    this.ws = new WebSocketServer({ server: http, path: GRAPHQL_PATH, maxPayload: this.deps.config.graphql.bodyLimitBytes });
    // A socket keeps only who its user is; each operation gets a fresh scope.
    useServer<Record<string, unknown>, { viewer?: Viewer }>(
      {
        schema: this.schema,
        onConnect: async (ctx) => {
          if (!routerSecretMatches(this.deps.config.routerSecret, ctx.extra.request.headers['router-authorization'])) return false;
          const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
          try {
            const viewer = await this.auth.viewerFrom(typeof authorization === 'string' ? authorization : undefined);
            ctx.extra.viewer = viewer;
            return true;
          } catch (error) {
            if (isClientError(error)) return false;
            throw error;
          }
        },
        // Fresh loaders per operation, so a long-lived socket never serves stale rows.
        context: (ctx) => {
          return createContext(this.deps, ctx.extra.viewer ?? anonymous, clientKeyOf(ctx.extra.request, this.deps.config.routerSecret !== null));
        },
      },
      this.ws,
    );
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

  /** Graceful: refuse new work, close sockets, drain HTTP, then flush the outbox. */
  async stop(): Promise<void> {
    this.draining = true;
    for (const client of this.ws?.clients ?? []) client.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => (this.ws ? this.ws.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => {
      if (!this.http) return resolve();
      this.http.close(() => resolve());
      this.http.closeIdleConnections();
    });
    await this.apollo.stop();
  }

  private async route(req: IncomingMessage, res: ServerResponse) {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      switch (url.pathname) {
        case GRAPHQL_PATH:
          return await this.graphql(req, res, url);
        case '/live':
          return sendJson(res, 200, { status: 'ok' });
        case '/ready': {
          const report = await healthReport(this.deps);
          const ready = report.status === 'ok' && !this.draining;
          return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
        }
        case '/health': {
          const report = await healthReport(this.deps);
          return sendJson(res, report.status === 'ok' ? 200 : 503, report);
        }
        case '/metrics': {
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

  private async graphql(req: IncomingMessage, res: ServerResponse, url: URL) {
    // Checked before reading the body, so only the router can make us parse anything.
    if (!routerSecretMatches(this.deps.config.routerSecret, req.headers['router-authorization'])) {
      return graphqlError(res, 403, 'only the router may call this subgraph', 'FORBIDDEN');
    }
    let text = '';
    if (req.method === 'POST') {
      try {
        text = await readBody(req, this.deps.config.graphql.bodyLimitBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return graphqlError(res, 413, 'request body is too large', 'BAD_REQUEST');
        throw error;
      }
    }
    let context: RequestContext;
    try {
      context = await this.contextFor(req.headers.authorization, clientKeyOf(req, this.deps.config.routerSecret !== null));
    } catch (error) {
      if (isClientError(error)) return graphqlError(res, 401, error.message, 'UNAUTHENTICATED');
      throw error;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        return graphqlError(res, 400, 'the request body is not valid JSON', 'BAD_REQUEST');
      }
    }
    const response = await this.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
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
