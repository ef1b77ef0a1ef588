import type { DatastoreLatency } from '../observability/metrics.js';

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

export interface DatastoreCallOptions {
  latency?: DatastoreLatency | undefined;
  /**
   * Turns a driver error that means something to callers (a duplicate key) into its
   * own error; null leaves it to become a DatastoreError.
   */
  translate?: (error: unknown) => Error | null;
  /** The driver error's text as it should appear in the DatastoreError (e.g. with its code). */
  describe?: (error: unknown) => string;
}

/**
 * One datastore call: timed into the latency histogram, and its failure turned into a
 * DatastoreError (or the adapter's own meaningful error) in this one place.
 */
export async function callDatastore<R>(store: DatastoreName, operation: string, run: () => Promise<R>, options: DatastoreCallOptions = {}): Promise<R> {
  const end = options.latency?.startTimer({ store, operation });
  try {
    return await run();
  } catch (error) {
    if (error instanceof DatastoreError) throw error;
    throw options.translate?.(error) ?? new DatastoreError(store, operation, error, (options.describe ?? messageOf)(error));
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
