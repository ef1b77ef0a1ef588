/** Benchmark knobs, all from the environment (see bench/README.md). */

export interface BenchOptions {
  /** Measured seconds per run (BENCH_DURATION). */
  durationS: number;
  /** Warm-up seconds before each measured run, not reported (BENCH_WARMUP). */
  warmupS: number;
  connections: number;
  pipelining: number;
  /** Section or scenario names to run (BENCH_ONLY=http,startup); empty = the default sections; `all` = every section. */
  only: string[];
  startupRuns: number;
  /** How long the started subgraph sits idle before its RSS is read (BENCH_IDLE_WAIT_MS). */
  idleWaitMs: number;
  noPin: boolean;
  /** Start the subgraph child with --cpu-prof (BENCH_PROFILE=1). */
  profile: boolean;
  /** Events the RSVP benchmark spreads its answers over (BENCH_RSVP_EVENTS). */
  rsvpEvents: number;
  /** graphql-ws subscribers of the fan-out benchmark (BENCH_SUBSCRIBERS). */
  subscribers: number;
  /** RSVP mutations whose delivery to every subscriber is timed (BENCH_FANOUT_MUTATIONS). */
  fanoutMutations: number;
  /** Longest wait for one mutation to reach every subscriber (BENCH_FANOUT_TIMEOUT_MS). */
  fanoutTimeoutMs: number;
  /** Discovery on the real servers: events, users and friends per user (BENCH_DISCOVERY_EVENTS, _USERS, _FRIENDS). */
  discoveryEvents: number;
  discoveryUsers: number;
  discoveryFriends: number;
  /** Event counts the embedded twin's search and nearby latency is measured at (BENCH_DISCOVERY_SCALES). */
  discoveryScales: number[];
  /** Document stores the real-server discovery run uses, one run each (BENCH_DISCOVERY_STORES: embedded, ferretdb). */
  discoveryStores: string[];
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, { min = 0, integer = false } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  return ['1', 'true', 'yes'].includes((env[name] ?? '').trim().toLowerCase());
}

export function readOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  return {
    durationS: number(env, 'BENCH_DURATION', 10, { min: 1 }),
    warmupS: number(env, 'BENCH_WARMUP', 3, { min: 0 }),
    connections: number(env, 'BENCH_CONNECTIONS', 50, { min: 1, integer: true }),
    pipelining: number(env, 'BENCH_PIPELINING', 1, { min: 1, integer: true }),
    only: (env.BENCH_ONLY ?? '')
      .split(',')
      .map((token) => token.trim())
      .filter(Boolean),
    startupRuns: number(env, 'BENCH_STARTUP_RUNS', 3, { min: 1, integer: true }),
    idleWaitMs: number(env, 'BENCH_IDLE_WAIT_MS', 2_000, { min: 0, integer: true }),
    noPin: flag(env, 'BENCH_NO_PIN'),
    profile: flag(env, 'BENCH_PROFILE'),
    rsvpEvents: number(env, 'BENCH_RSVP_EVENTS', 20, { min: 1, integer: true }),
    subscribers: number(env, 'BENCH_SUBSCRIBERS', 5_000, { min: 1, integer: true }),
    fanoutMutations: number(env, 'BENCH_FANOUT_MUTATIONS', 10, { min: 1, integer: true }),
    fanoutTimeoutMs: number(env, 'BENCH_FANOUT_TIMEOUT_MS', 10_000, { min: 100, integer: true }),
    discoveryEvents: number(env, 'BENCH_DISCOVERY_EVENTS', 10_000, { min: 100, integer: true }),
    discoveryUsers: number(env, 'BENCH_DISCOVERY_USERS', 2_000, { min: 10, integer: true }),
    discoveryFriends: number(env, 'BENCH_DISCOVERY_FRIENDS', 50, { min: 2, integer: true }),
    discoveryScales: (env.BENCH_DISCOVERY_SCALES ?? '1000,10000,100000').split(',').map((value) => {
      const scale = Number(value.trim());
      if (!Number.isInteger(scale) || scale < 100) throw new Error(`BENCH_DISCOVERY_SCALES: ${JSON.stringify(value)} is not a whole number ≥ 100`);
      return scale;
    }),
    discoveryStores: (env.BENCH_DISCOVERY_STORES ?? 'embedded,ferretdb')
      .split(',')
      .map((store) => store.trim())
      .filter(Boolean),
  };
}
