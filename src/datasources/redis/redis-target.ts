import { redactUrl } from '../driver-errors.js';

/** Where Redis is: one server, or the seed nodes of a Redis Cluster. */
export interface RedisTarget {
  /** `redis://` or `rediss://` URLs, one per node named. */
  nodes: string[];
  /** Use the cluster client: several nodes were named, or it was asked for explicitly. */
  cluster: boolean;
}

/**
 * Reads a Redis address: one URL (`redis://[user:pass@]host:port`, `rediss://` for TLS),
 * or several comma-separated — URLs or bare `host:port` — naming Redis Cluster nodes
 * (any reachable one is enough to discover the rest). `cluster` overrides the guess from
 * the number of nodes, e.g. for a cluster reached through one seed address.
 */
export function parseRedisTarget(value: string, cluster?: boolean): RedisTarget {
  const nodes = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map(nodeUrl);
  if (nodes.length === 0) throw new Error('names no Redis node');
  return { nodes, cluster: cluster ?? nodes.length > 1 };
}

function nodeUrl(entry: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `redis://${entry}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`"${redactUrl(url)}" is not a Redis URL or host:port`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`"${redactUrl(url)}" is not a redis:// or rediss:// URL`);
  }
  if (!parsed.hostname) throw new Error(`"${redactUrl(url)}" names no host`);
  return url;
}

/** A URL's parts as ioredis' cluster client takes them (it has no URL form). */
export function clusterNodeOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : 6379 };
}

/** Credentials and TLS, taken from the first node: a cluster's nodes share them. */
export function clusterConnectionOptions(url: string): { username?: string; password?: string; tls?: object } {
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The target for logs and error messages, without passwords. */
export function describeTarget(target: RedisTarget): string {
  return target.nodes.map(redactUrl).join(',');
}
