/** Messages between bench/run.ts and its child servers (over the Node IPC channel). */
import type { DiscoveryOptions, SeedSummary } from './discovery-data.js';

export interface CapturedResponse {
  /** Path the bare server answers on, e.g. `/event-by-id`. */
  path: string;
  status: number;
  headers: Record<string, string>;
  /** The exact response body bytes, base64 encoded. */
  bodyBase64: string;
}

export type ChildMessage =
  | {
      type: 'listening';
      port: number;
      pid: number;
      /** Subgraph only, ms since the child process started: imports done, startApp() done. */
      timings?: { importsDoneMs: number; appStartedMs: number; seedMs?: number };
    }
  | { type: 'error'; message: string }
  /** The bare server is ready to receive the responses it will serve. */
  | { type: 'awaiting-responses' }
  | { type: 'profile-started' }
  | { type: 'profile-written'; file: string }
  /** Subgraph: answer to `inspect`. */
  | { type: 'inspected'; memory: MemoryReading; subscribers: number | null }
  /** Subgraph (BENCH_TRACE_LIVE_SENDS=1): the path of each counts version so far, as `live-trace` asked. */
  | { type: 'live-trace'; versions: Record<number, LiveTrace> }
  /** Subgraph: the discovery data set is written (answer to `seed-discovery`). */
  | { type: 'seeded-discovery'; summary: SeedSummary }
  /** Subgraph: every user's cached recommendations are dropped (answer to `drop-recommendations`). */
  | { type: 'dropped-recommendations'; users: number }
  /** Raw driver child (bench/raw-upsert.ts): connected, ready for `raw-run`. */
  | { type: 'raw-ready' }
  | { type: 'raw-result'; result: RawRunResult };

/** process.memoryUsage() of a child, in bytes. */
export interface MemoryReading {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/**
 * When one counts version passed each step inside the subgraph, in epoch milliseconds
 * (performance.timeOrigin + performance.now(), comparable across processes); null when
 * not seen.
 */
export interface LiveTrace {
  /** The outbox relay handed the event.rsvp message to the bus (Kafka producer)… */
  relayPublishMs: number | null;
  /** …and the broker acknowledged it. */
  relayAckedMs: number | null;
  /** The live-stats consumer passed it to LiveStats.publish. */
  liveMs: number | null;
  /** graphql-ws handed it to the first / last WebSocket (ws send). */
  firstSendMs: number | null;
  lastSendMs: number | null;
  sends: number;
}

export interface RawRunResult {
  ops: number;
  errors: number;
  firstError: string | null;
  durationS: number;
  opsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
}

export type ParentMessage =
  | { type: 'responses'; responses: CapturedResponse[] }
  /** Start the V8 CPU profiler (subgraph only). */
  | { type: 'profile-start' }
  /** Stop it and write the profile to `file`. */
  | { type: 'profile-stop'; file: string }
  /**
   * Subgraph: report memory (after a full GC when `gc` and the child runs with
   * --expose-gc) and, with `eventId`, the live subscribers of that event on this instance.
   */
  | { type: 'inspect'; gc?: boolean; eventId?: string }
  /** Subgraph: the live path traced so far (BENCH_TRACE_LIVE_SENDS=1). */
  | { type: 'live-trace' }
  /** Subgraph: write the discovery data set through its own repositories (bench/lib/discovery-data.ts). */
  | { type: 'seed-discovery'; options: DiscoveryOptions }
  /** Subgraph: drop these users' cached recommendations. */
  | { type: 'drop-recommendations'; users: string[] }
  /** Raw driver child: `concurrency` upserts in flight for `seconds`. */
  | { type: 'raw-run'; seconds: number; concurrency: number };
