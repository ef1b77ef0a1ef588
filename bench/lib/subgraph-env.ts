/** App settings of the benchmarked subgraph (bench/subgraph-server.ts). */

export const BENCH_JWT_SECRET = 'bench-only-secret-not-for-anything-else-0123456789';
const VERY_HIGH = String(1_000_000_000);

export const SUBGRAPH_BENCH_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  ALLOW_EMBEDDED: 'true',
  SEED_DEMO_DATA: 'true',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  INSTANCE_ID: 'bench',
  JWT_SECRET: BENCH_JWT_SECRET,
  RATE_LIMIT_BROWSE_PER_HOUR: VERY_HIGH,
  RATE_LIMIT_SEARCH_PER_HOUR: VERY_HIGH,
  RATE_LIMIT_CREATE_PER_HOUR: VERY_HIGH,
  RATE_LIMIT_RSVP_PER_HOUR: VERY_HIGH,
};

/**
 * App settings (BENCH_APP_ENV) for a subgraph on the real servers: a fresh database, key
 * prefix, instance id (its own live-stats consumer group and outbox lease) and Kafka
 * client id per run, no demo data, no Kafka consumers of other services' topics.
 */
export function realAppEnv(realEnv: Record<string, string>, label: string, extra: Record<string, string> = {}): Record<string, string> {
  const id = `${label}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return {
    ...realEnv,
    MONGODB_DATABASE: `bench_${id}`,
    REDIS_KEY_PREFIX: `bench-${id}:`,
    INSTANCE_ID: `bench-${id}`,
    KAFKA_CLIENT_ID: `bench-${id}`,
    CONSUMER_GROUP_PREFIX: `bench-${id}`,
    SEED_DEMO_DATA: 'false',
    CONSUMERS_ENABLED: 'false',
    ...extra,
  };
}
