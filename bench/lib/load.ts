/** Load runs with autocannon (in this process, on the load-generator core). */
import autocannon from 'autocannon';
import { startCpuWindow, type Pinning } from './cpu.js';
import type { GraphQLRequest } from './http.js';
import { localUrl } from './http.js';

export interface LoadSettings {
  connections: number;
  pipelining: number;
  /**
   * Seconds before autocannon gives up on a response (default 10). A request it gives up
   * on is still worked on by the server while autocannon sends the next one, so a server
   * slower than this gets more in flight than `connections`.
   */
  timeoutS?: number;
  /** A body (and headers) per request, e.g. a random id each time; default: `req` as it is. */
  vary?: () => { body: string; headers?: Record<string, string> };
  /** Whether a 200 response body is a success (e.g. no GraphQL errors); when given, failures are counted and left out of `okPerSecond`. */
  ok?: (body: string) => boolean;
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Responses per second that were 200 and passed `settings.ok` (all 2xx without it). */
  okPerSecond: number;
  /** 200 responses that failed `settings.ok`, and the first of them. */
  failed: number;
  firstFailure: string | null;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests: number;
  durationS: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Bytes read per response, headers included. */
  bytesPerResponse: number;
  /** CPU the server process used during the run, in % of one core. */
  serverCpuPct: number | null;
  /** CPU this process (the load generator) used, in % of one core. */
  loadCpuPct: number;
  /**
   * CPU used on the pinned cores by anything else (other processes on the machine, the
   * kernel), in % of the core: noise that the pinning cannot keep out. Null when unpinned.
   */
  othersOnServerCpuPct: number | null;
  othersOnLoadCpuPct: number | null;
}

/** 200 responses whose body failed the caller's check: how many, and the first of them. */
export class Failures {
  count = 0;
  first: string | null = null;

  note(body: string): void {
    this.count += 1;
    this.first ??= body.slice(0, 300);
  }
}

export async function runLoad(
  port: number,
  req: GraphQLRequest,
  durationS: number,
  settings: LoadSettings,
  serverPid: number,
  pinning: Pinning,
): Promise<LoadResult> {
  const window = startCpuWindow(pinning, serverPid);
  const failures = new Failures();
  const { vary, ok } = settings;
  const result = await autocannon({
    url: localUrl(port, req.path),
    method: req.method,
    headers: req.headers,
    body: req.body,
    connections: settings.connections,
    pipelining: settings.pipelining,
    duration: durationS,
    timeout: settings.timeoutS ?? 10,
    ...(vary || ok
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => {
                if (!vary) return request;
                const next = vary();
                return { ...request, body: next.body, headers: { ...request.headers, ...next.headers } };
              },
              ...(ok
                ? {
                    onResponse: (status: number, body: string) => {
                      if (status === 200 && !ok(body)) failures.note(body);
                    },
                  }
                : {}),
            },
          ],
        }
      : {}),
  });
  const cpu = window();
  const requests = result.requests.total;
  return {
    requestsPerSecond: requests / result.duration,
    okPerSecond: (result['2xx'] - failures.count) / result.duration,
    failed: failures.count,
    firstFailure: failures.first,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    requests,
    durationS: result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bytesPerResponse: requests > 0 ? result.throughput.total / requests : 0,
    serverCpuPct: cpu.serverCpuPct,
    loadCpuPct: cpu.loadCpuPct,
    othersOnServerCpuPct: cpu.othersOnServerCpuPct,
    othersOnLoadCpuPct: cpu.othersOnLoadCpuPct,
  };
}

export interface SettledLoadOptions {
  path: string;
  /** Headers and body of the next request (called once per request). */
  next(): { headers: Record<string, string>; body: string };
  /** Whether a 200 response body is a success (e.g. no GraphQL errors). */
  ok(body: string): boolean;
  settings: LoadSettings;
  /** The rate is compared over steps of this many seconds (BENCH_WARMUP); also the shortest warm-up. */
  warmupStepS: number;
  /** The measurement starts after this much warm-up even if the rate has not settled. */
  maxWarmupS: number;
  /** Settled: two warm-up steps in a row answered requests, the slower at least this share of the faster. */
  settledShare: number;
  durationS: number;
  serverPid: number;
  pinning: Pinning;
  /** Called as the measured window opens and closes (e.g. to read the server's metrics). */
  onWindowStart?: () => Promise<void>;
  onWindowEnd?: () => Promise<void>;
}

export interface SettledLoadResult {
  /** Requests answered within the measured window, per second. */
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Answered within the window: successes, 200s that failed `ok`, other statuses. */
  ok: number;
  failed: number;
  firstFailure: string | null;
  non2xx: number;
  /** Over the whole run (warm-up included), from autocannon. */
  errors: number;
  timeouts: number;
  durationS: number;
  /** Seconds of warm-up before the window opened; false if it opened without the rate settling. */
  warmupS: number;
  settled: boolean;
  /** Requests answered per second in each warm-up step. */
  warmupRates: number[];
  serverCpuPct: number | null;
  loadCpuPct: number;
  othersOnServerCpuPct: number | null;
  othersOnLoadCpuPct: number | null;
}

export function percentileOf(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * One continuous autocannon run whose measured window opens once the rate has settled.
 * Stopping and restarting autocannon between a warm-up and the measurement would abandon
 * the requests in flight, which a slow server keeps working on while the next run adds
 * new ones; here nothing is abandoned until the end. Latency is timed per request by this
 * process (pipelining 1: one request at a time per connection).
 */
export async function runSettledLoad(port: number, options: SettledLoadOptions): Promise<SettledLoadResult> {
  const started = performance.now();
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let answeredTotal = 0;
  const latencies: number[] = [];
  let ok = 0;
  const failures = new Failures();
  let non2xx = 0;
  const sentAt = new WeakMap<object, number>();
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: options.path,
      setupRequest: (req, context) => {
        sentAt.set(context, performance.now());
        const { headers, body } = options.next();
        return { ...req, headers: { ...req.headers, ...headers }, body };
      },
      onResponse: (status, body, context) => {
        const now = performance.now();
        answeredTotal += 1;
        if (now < windowStart || now > windowEnd) return;
        const sent = sentAt.get(context);
        if (sent !== undefined) latencies.push(now - sent);
        if (status !== 200) non2xx += 1;
        else if (options.ok(body)) ok += 1;
        else failures.note(body);
      },
    },
  ];
  const { settings } = options;
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: localUrl(port, options.path),
        requests,
        connections: settings.connections,
        pipelining: settings.pipelining,
        // Stopped by us; the duration only bounds a run that somehow is not.
        duration: options.maxWarmupS + options.durationS + 30,
        timeout: settings.timeoutS ?? 10,
      },
      (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
    );
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const warmupRates: number[] = [];
  let settled = false;
  const stepS = Math.max(1, options.warmupStepS);
  try {
    for (;;) {
      const before = answeredTotal;
      await sleep(stepS * 1000);
      warmupRates.push((answeredTotal - before) / stepS);
      const [previous, last] = warmupRates.slice(-2);
      // Settled: two steps in a row with answers, within settledShare of each other.
      if (warmupRates.length >= 2 && previous! > 0 && last! > 0 && Math.min(previous!, last!) >= Math.max(previous!, last!) * options.settledShare) {
        settled = true;
        break;
      }
      if ((performance.now() - started) / 1000 + stepS > options.maxWarmupS) break;
    }
    await options.onWindowStart?.();
    const window = startCpuWindow(options.pinning, options.serverPid);
    windowStart = performance.now();
    await sleep(options.durationS * 1000);
    windowEnd = performance.now();
    const cpu = window();
    await options.onWindowEnd?.();
    instance?.stop();
    const result = await finished;
    const sorted = Float64Array.from(latencies).sort();
    const durationS = (windowEnd - windowStart) / 1000;
    return {
      requestsPerSecond: latencies.length / durationS,
      latencyP50Ms: percentileOf(sorted, 50),
      latencyP95Ms: percentileOf(sorted, 95),
      latencyP99Ms: percentileOf(sorted, 99),
      latencyMaxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
      ok,
      failed: failures.count,
      firstFailure: failures.first,
      non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      durationS,
      warmupS: (windowStart - started) / 1000,
      settled,
      warmupRates,
      serverCpuPct: cpu.serverCpuPct,
      loadCpuPct: cpu.loadCpuPct,
      othersOnServerCpuPct: cpu.othersOnServerCpuPct,
      othersOnLoadCpuPct: cpu.othersOnLoadCpuPct,
    };
  } finally {
    instance?.stop();
  }
}
