import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, print, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import Negotiator from 'negotiator';
import type { RequestContext } from '../context.js';
import type { RateLimiter } from '../datasources/cache.js';
import { callerKey } from '../domain/viewer-access.js';
import type { CompiledExecutor } from '../graphql/compiled-executor.js';
import type { OperationPipeline, PreparedOperation } from '../graphql/operation-pipeline.js';
import { isPublicEventRead } from '../graphql/public-reads.js';
import type { ResponseCache } from '../graphql/response-cache.js';
import type { Metrics } from '../observability/metrics.js';
import { nameOperationSpan } from '../observability/tracing.js';
import { endAtTurnEnd } from './turn-end-writes.js';

const JSON_UTF8 = 'application/json; charset=utf-8';
/** The types Apollo Server offers for a single result, in its order of preference. */
const SINGLE_RESULT_TYPES = [JSON_UTF8, 'application/graphql-response+json; charset=utf-8', 'application/json; callbackSpec=1.0; charset=utf-8'];
/** Kept answers this long or longer are kept as UTF-8 bytes (see keptBody). */
const ENCODED_FROM_CHARS = 1024;
/** `accept` values whose negotiation is remembered (clients send few distinct ones). */
const ACCEPTS_KEPT = 64;

export interface GraphqlOverHttpDeps {
  schema: GraphQLSchema;
  pipeline: OperationPipeline;
  executor: CompiledExecutor;
  cache: ResponseCache;
  limiter: RateLimiter;
  requestLatency: Metrics['requestLatency'];
}

/** As Apollo Server's answers are written: the length is known, nothing is chunked. */
function send(res: ServerResponse, status: number, body: string | Buffer) {
  res.statusCode = status;
  res.setHeader('content-type', JSON_UTF8);
  endAtTurnEnd(res, body);
}

function ensureGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(cause.message, { originalError: cause });
}

/**
 * A kept answer's text. A short one stays a string, which node writes together with the
 * headers in one write; a long one is kept encoded, so a hit does not encode it again
 * (UTF-8 encoding was the largest cost of serving a kept 20-event page).
 */
function keptBody(text: string): { body: string | Buffer; bytes: number } {
  if (text.length < ENCODED_FROM_CHARS) return { body: text, bytes: Buffer.byteLength(text) };
  const body = Buffer.from(text);
  return { body, bytes: body.length };
}

/** What a JSON POST body must look like to be served here; anything else is Apollo Server's. */
interface PlainRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

function plainRequest(body: unknown): PlainRequest | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  if (typeof query !== 'string' || (extensions !== undefined && extensions !== null)) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  return body as PlainRequest;
}

/**
 * The cache key of an operation's shape and its variables, which are not checked yet: a
 * value nested too deep to write is no key (the variables' check refuses it next).
 */
function cacheKey(shapeKey: string, variables: Record<string, unknown>): string | null {
  try {
    return `${shapeKey}\n${stableJson(variables)}`;
  } catch {
    return null;
  }
}

/** JSON with object keys sorted, so the same variables make the same cache key. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`)
    .join(',')}}`;
}

/**
 * GraphQL over HTTP for the requests clients and the router send — a JSON POST of one
 * query or mutation — without Apollo Server's per-request machinery: the operation
 * pipeline (limits, introspection ban, error formatter: the same as WebSocket's), the
 * compiled executor, and for anonymous public reads the response cache. The answer is
 * the one Apollo Server gives (status, content type, body bytes). Everything else — GET,
 * other content types, an `accept` Apollo Server would answer in another type, any
 * `extensions` (persisted queries), inline traces, subscriptions over HTTP, and every
 * request the pipeline refuses (so its errors come out exactly as before) — is left to
 * Apollo Server.
 */
export class GraphqlOverHttp {
  /** Per document: is it a public read, and its normalised text for cache keys. */
  private readonly shapes = new WeakMap<DocumentNode, Map<string | null, { publicRead: boolean; key: string }>>();
  /** Per `accept` value: does Apollo Server answer it in plain JSON? */
  private readonly plainJsonAccepts = new Map<string, boolean>();
  private readonly latencies = new Map<string, ReturnType<Metrics['requestLatency']['labels']>>();

  constructor(private readonly deps: GraphqlOverHttpDeps) {}

  /** Serves the request and returns true, or returns false having written nothing. */
  async serve(req: IncomingMessage, res: ServerResponse, body: unknown, context: RequestContext, clientKey: string): Promise<boolean> {
    if (!this.handles(req)) return false;
    const request = plainRequest(body);
    if (!request) return false;
    const { schema, pipeline } = this.deps;
    // Variables are checked after the cache: an answer kept for the same variables had them checked.
    const prepared = pipeline.prepare(schema, request, { checkVariables: false });
    if (Array.isArray(prepared)) return false;
    const kind = prepared.operation.operation;
    if (kind === 'subscription') return false;
    nameOperationSpan(kind, prepared.operation.name?.value);
    const end = this.latencyOf(kind).startTimer();
    const shape = context.viewer.kind === 'anonymous' && this.deps.cache.enabled ? this.shapeOf(prepared) : null;
    const key = shape?.publicRead ? cacheKey(shape.key, prepared.variableValues) : null;
    if (key !== null && (await this.fromCache(key, res, context, clientKey))) {
      end();
      return true;
    }
    // Apollo Server answers the variables' errors, as for every request the pipeline refuses.
    if (pipeline.variableProblems(schema, prepared).length > 0) return false;
    const startedAt = this.deps.cache.begin();
    let result: ExecutionResult;
    try {
      result = await this.deps.executor.execute(prepared, context);
    } catch (error) {
      // What Apollo Server answers when execution itself throws.
      send(res, 500, this.responseText({ errors: [ensureGraphQLError(error)] }));
      end();
      return true;
    }
    const text = this.responseText(result);
    send(res, 200, text);
    end();
    if (key !== null && !result.errors?.length) {
      const reads = context.reads;
      this.deps.cache.set(
        key,
        {
          ...keptBody(text),
          eventIds: [...reads.eventIds],
          listed: reads.listed,
          ranked: reads.ranked,
          charges: [...reads.charges],
          viewedEventIds: reads.viewedEventIds,
        },
        startedAt,
      );
    }
    return true;
  }

  /** The latency histogram's series of one operation type, looked up once (labels are hashed per lookup). */
  private latencyOf(kind: string) {
    let series = this.latencies.get(kind);
    if (!series) this.latencies.set(kind, (series = this.deps.requestLatency.labels({ operation: kind })));
    return series;
  }

  /** POST with a JSON body, an answer in plain JSON, and no inline trace asked for. */
  private handles(req: IncomingMessage): boolean {
    if (req.method !== 'POST') return false;
    const contentType = req.headers['content-type'];
    if (contentType === undefined || !/^application\/json\s*(;|$)/i.test(contentType)) return false;
    if (req.headers['apollo-federation-include-trace'] !== undefined) return false;
    const accept = req.headers.accept;
    return accept === undefined || this.acceptsPlainJson(accept);
  }

  /** Whether Apollo Server's negotiation (the same `negotiator`) picks plain JSON for `accept`. */
  private acceptsPlainJson(accept: string): boolean {
    let plain = this.plainJsonAccepts.get(accept);
    if (plain === undefined) {
      plain = new Negotiator({ headers: { accept } }).mediaType(SINGLE_RESULT_TYPES) === JSON_UTF8;
      if (this.plainJsonAccepts.size >= ACCEPTS_KEPT) this.plainJsonAccepts.clear();
      this.plainJsonAccepts.set(accept, plain);
    }
    return plain;
  }

  /**
   * Serves a kept answer after drawing on the same rate-limit buckets and recording the
   * same views as executing it would; false (nothing written) when there is none, or a
   * bucket refuses — then execution answers with the limit's error.
   */
  private async fromCache(key: string, res: ServerResponse, context: RequestContext, clientKey: string): Promise<boolean> {
    const entry = this.deps.cache.get(key);
    if (!entry) return false;
    for (const bucket of entry.charges) {
      const decision = await this.deps.limiter.consume(bucket, callerKey(context.viewer, clientKey));
      if (!decision.allowed) return false;
    }
    for (const eventId of entry.viewedEventIds) context.eventViewed(eventId);
    send(res, 200, entry.body);
    return true;
  }

  /** Apollo Server's body: errors (formatted), data, extensions, in that order, and a newline. */
  private responseText(result: ExecutionResult): string {
    const errors = result.errors?.length ? this.deps.pipeline.formatErrors(result.errors) : undefined;
    return `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`;
  }

  private shapeOf(prepared: PreparedOperation): { publicRead: boolean; key: string } {
    let byName = this.shapes.get(prepared.document);
    if (!byName) this.shapes.set(prepared.document, (byName = new Map()));
    let shape = byName.get(prepared.operationName);
    if (!shape) {
      shape = {
        publicRead: isPublicEventRead(this.deps.schema, prepared.document, prepared.operation),
        key: `${prepared.operationName ?? ''}\n${print(prepared.document)}`,
      };
      byName.set(prepared.operationName, shape);
    }
    return shape;
  }
}
