import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TelemetryConfig } from '../config.js';

/**
 * W3C trace context in and out of plain string maps (HTTP headers, Kafka headers, an
 * outbox entry), without a global propagator: several apps may share a process (tests).
 */
const propagator = new W3CTraceContextPropagator();
const getter: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};
const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** `traceparent` (and `tracestate`) of the active span, to carry along; empty without one. */
export function currentTraceHeaders(active: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  if (trace.getSpan(active)) propagator.inject(active, carrier, setter);
  return carrier;
}

/** The context a carrier's `traceparent` names (the root context without one). */
export function contextFrom(carrier: Record<string, string | string[] | undefined>): Context {
  return propagator.extract(ROOT_CONTEXT, carrier, getter);
}

/** Runs `work` in a new span under `parent`, recording a failure on it. */
export function inSpan<R>(tracer: Tracer, name: string, kind: SpanKind, parent: Context, attributes: Record<string, string | number>, work: (span: Span) => Promise<R>): Promise<R> {
  const span = tracer.startSpan(name, { kind, attributes }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

export interface Telemetry {
  tracer: Tracer;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Tracing with the OpenTelemetry Node SDK, when configured by the standard OTEL_*
 * variables (see config.ts) or given an exporter (tests): spans are batched to the OTLP
 * endpoint (http/protobuf or http/json). The SDK is loaded only then, so a service with
 * tracing off pays nothing for it. The context manager (AsyncLocalStorage) is registered
 * once per process; the tracer provider is the app's own.
 */
export async function startTelemetry(config: TelemetryConfig, exporter?: SpanExporter): Promise<Telemetry | null> {
  if (!config.enabled && !exporter) return null;
  const [{ NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor }, { AsyncLocalStorageContextManager }, { resourceFromAttributes }, samplers] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  const spanExporter = exporter ?? (await otlpExporter(config));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName }),
    sampler: samplerOf(config.sampler, samplers),
    // An injected exporter (tests) sees each span as it ends.
    spanProcessors: [exporter ? new SimpleSpanProcessor(spanExporter) : new BatchSpanProcessor(spanExporter)],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return { tracer: provider.getTracer('events-subgraph'), shutdown: () => provider.shutdown() };
}

async function otlpExporter(config: TelemetryConfig): Promise<SpanExporter> {
  const options = { ...(config.tracesUrl ? { url: config.tracesUrl } : {}), headers: config.headers };
  if (config.protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(options);
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(options);
}

type Samplers = typeof import('@opentelemetry/sdk-trace-base');

function samplerOf({ name, ratio }: TelemetryConfig['sampler'], s: Samplers) {
  switch (name) {
    case 'always_on':
      return new s.AlwaysOnSampler();
    case 'always_off':
      return new s.AlwaysOffSampler();
    case 'traceidratio':
      return new s.TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new s.ParentBasedSampler({ root: new s.AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new s.ParentBasedSampler({ root: new s.TraceIdRatioBasedSampler(ratio) });
    default:
      return new s.ParentBasedSampler({ root: new s.AlwaysOnSampler() });
  }
}

/** Names the request's operation span (see the server's `traced`) by the operation it turned out to be; without tracing there is none. */
export function nameOperationSpan(type: string, operationName: string | null | undefined): void {
  trace.getActiveSpan()?.updateName(`${type} ${operationName ?? 'anonymous'}`).setAttributes({
    'graphql.operation.type': type,
    ...(operationName ? { 'graphql.operation.name': operationName } : {}),
  });
}

export { SpanKind };
