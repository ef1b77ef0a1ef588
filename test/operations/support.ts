import assert from 'node:assert/strict';
import type { TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';

/** Settings that make breakers open and close quickly in tests. */
export const FAST_BREAKERS = { BREAKER_FAILURES_TO_OPEN: '2', BREAKER_PROBE_INTERVAL_MS: '200' };

export interface HealthReport {
  status: string;
  dependencies: Record<string, { status: string; breaker: string | null; ms: number }>;
  counts: Record<string, unknown> | null;
  liveSubscriptions: number;
}

export async function health(app: TestApp): Promise<HealthReport> {
  return (await (await fetch(new URL('/health', app.url))).json()) as HealthReport;
}

export async function readyStatus(app: TestApp): Promise<number> {
  return (await fetch(new URL('/ready', app.url))).status;
}

/** Waits until /health shows `dependency` in `status` with its breaker `breaker`. */
export function dependencyBecomes(app: TestApp, dependency: string, status: 'up' | 'down', breaker: 'open' | 'closed') {
  return eventually(
    async () => {
      const report = await health(app);
      assert.deepEqual([report.dependencies[dependency]?.status, report.dependencies[dependency]?.breaker], [status, breaker]);
      return report;
    },
    { timeoutMs: 60_000, intervalMs: 100, maxIntervalMs: 500, what: `${dependency} ${status} with its breaker ${breaker}` },
  );
}
