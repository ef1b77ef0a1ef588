/** Reads counters from the subgraph's Prometheus /metrics, to count store round trips. */
import { localUrl, request } from './http.js';

/** `name{labels}` → value, for the samples whose name is in `names`. */
export async function scrapeMetrics(port: number, names: string[]): Promise<Map<string, number>> {
  const response = await request(localUrl(port, '/metrics'));
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const samples = new Map<string, number>();
  for (const line of response.body.toString('utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || !names.includes(match[1]!)) continue;
    samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

/** after − before per sample (samples only in `after` count from 0); zero differences left out. */
export function metricsDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [key, value] of after) {
    const d = value - (before.get(key) ?? 0);
    if (d !== 0) delta.set(key, d);
  }
  return delta;
}

/** The value of label `name` in a `metric{a="x",b="y"}` key. */
export function labelOf(key: string, name: string): string | null {
  return new RegExp(`[{,]${name}="([^"]*)"`).exec(key)?.[1] ?? null;
}
