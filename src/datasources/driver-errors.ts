import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { DatastoreLatency } from '../observability/metrics.js';
import type { DependencyGuard } from './dependency-guard.js';

export type DatastoreName = 'mongodb' | 'redis' | 'neo4j' | 'kafka';

const DISPLAY_NAME: Record<DatastoreName, string> = { mongodb: 'MongoDB', redis: 'Redis', neo4j: 'Neo4j', kafka: 'Kafka' };

/**
 * A datastore call that failed for a reason the caller cannot fix (the server is away,
 * slow or refused the command). Every adapter throws this, and only this, for driver
 * failures; the cause keeps the driver's own error for logs.
 */
export class DatastoreError extends Error {
  constructor(
    readonly store: DatastoreName,
    readonly operation: string,
    cause: unknown,
    detail = messageOf(cause),
  ) {
    super(`${DISPLAY_NAME[store]} ${operation} failed: ${detail}`, { cause });
    this.name = 'DatastoreError';
  }
}

/** What every call to one datastore is measured and guarded with; each part optional. */
export interface DatastoreInstruments {
  latency?: DatastoreLatency | undefined;
  /** Timeout and circuit breaker (see DependencyGuard). */
  guard?: DependencyGuard | undefined;
  /** A span per call when tracing is on. */
  tracer?: Tracer | undefined;
}

const SYSTEM_ATTRIBUTE: Record<DatastoreName, [string, string]> = {
  mongodb: ['db.system', 'mongodb'],
  redis: ['db.system', 'redis'],
  neo4j: ['db.system', 'neo4j'],
  kafka: ['messaging.system', 'kafka'],
};

export interface DatastoreCallOptions {
  instruments?: DatastoreInstruments | undefined;
  /**
   * Turns a driver error that means something to callers (a duplicate key) into its
   * own error; null leaves it to become a DatastoreError.
   */
  translate?: (error: unknown) => Error | null;
  /** The driver error's text as it should appear in the DatastoreError (e.g. with its code). */
  describe?: (error: unknown) => string;
  /** Schema work (indexes, topics, constraints): a longer timeout than a request's call. */
  slow?: boolean;
}

/**
 * One datastore call, the one place every driver call goes through: under the store's
 * timeout and circuit breaker, in a span when tracing is on, timed into the latency
 * histogram, and its failure turned into a DatastoreError (or the adapter's own
 * meaningful error, which the breaker does not count as a failure).
 */
export async function callDatastore<R>(store: DatastoreName, operation: string, run: () => Promise<R>, options: DatastoreCallOptions = {}): Promise<R> {
  const { latency, guard, tracer } = options.instruments ?? {};
  if (!tracer) return guardedCall(store, operation, run, options, latency, guard);
  const [key, value] = SYSTEM_ATTRIBUTE[store];
  return tracer.startActiveSpan(`${store} ${operation}`, { kind: SpanKind.CLIENT, attributes: { [key]: value, 'db.operation.name': operation } }, async (span) => {
    try {
      return await guardedCall(store, operation, run, options, latency, guard);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

async function guardedCall<R>(
  store: DatastoreName,
  operation: string,
  run: () => Promise<R>,
  options: DatastoreCallOptions,
  latency: DatastoreLatency | undefined,
  guard: DependencyGuard | undefined,
): Promise<R> {
  const end = latency?.startTimer({ store, operation });
  // A meaningful error (a duplicate key, a message too large) is an answer, not a failure of the store.
  let meaningful: Error | null = null;
  const attempt = async () => {
    try {
      return await run();
    } catch (error) {
      meaningful = error instanceof DatastoreError ? null : (options.translate?.(error) ?? null);
      if (meaningful) return undefined as R;
      throw error;
    }
  };
  try {
    const result = guard ? await guard.execute(attempt, options.slow) : await attempt();
    if (meaningful) throw meaningful;
    return result;
  } catch (error) {
    if (error instanceof DatastoreError || error === meaningful) throw error;
    throw new DatastoreError(store, operation, error, (options.describe ?? messageOf)(error));
  } finally {
    end?.();
  }
}

/** Shared by the adapters when they turn driver failures into their own errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keeps a password in a connection URL out of error messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
