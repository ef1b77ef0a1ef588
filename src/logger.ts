import { trace } from '@opentelemetry/api';
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** `trace_id` and `span_id` of the active span (none while tracing is off). */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** JSON logs to stdout (or `destination`); `component` tells which part of the service spoke. */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: { write(line: string): void }): Logger {
  const options = {
    level,
    base: { service: 'events-subgraph', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    // A line written while a span is active names it, so logs and traces join up.
    mixin: traceFields,
  };
  return destination ? pino(options, destination) : pino(options);
}
