/**
 * Scenarios against the real servers (FerretDB, Redis, Kafka, Neo4j from
 * scripts/servers.mjs). run.ts starts those servers only when one of these scenarios is
 * selected, and passes their URLs in ctx.realEnv.
 *
 * To add one (e.g. RSVP throughput vs the raw driver upsert, design §6 ≥ 70 %): append a
 * RealScenario to REAL_SCENARIOS. Start the subgraph against the real stores with
 *   spawnChild({ name: 'subgraph', script: 'bench/subgraph-server.ts', cwd: ctx.root,
 *                pinning: ctx.pinning, env: { BENCH_APP_ENV: JSON.stringify(ctx.realEnv) } })
 * and measure with runLoad() from ../lib/load.js.
 */
import type { Check, Table } from '../lib/report.js';
import type { NamedScenario, RealServersEnv, Section, SectionContext, SectionResult } from './types.js';

export interface RealScenarioContext extends SectionContext {
  realEnv: RealServersEnv;
}

export interface RealScenario extends NamedScenario {
  run(ctx: RealScenarioContext): Promise<{ rows: string[][]; checks: Check[]; data: unknown }>;
}

export const REAL_SCENARIOS: RealScenario[] = [];

async function runReal(selected: RealScenario[], ctx: SectionContext): Promise<SectionResult> {
  if (!ctx.realEnv) throw new Error('the real servers were not started');
  const realCtx: RealScenarioContext = { ...ctx, realEnv: ctx.realEnv };
  const rows: string[][] = [];
  const checks: Check[] = [];
  const data: Record<string, unknown> = {};
  for (const scenario of selected) {
    const result = await scenario.run(realCtx);
    rows.push(...result.rows);
    checks.push(...result.checks);
    data[scenario.name] = result.data;
  }
  const table: Table = { title: 'Real servers', headers: ['scenario', 'measurement', 'value'], rows };
  return { tables: rows.length ? [table] : [], checks, data };
}

export const realSection: Section<RealScenario> = {
  name: 'real',
  description: 'scenarios against FerretDB/Redis/Kafka/Neo4j started by scripts/servers.mjs',
  needsRealServers: true,
  scenarios: REAL_SCENARIOS,
  run: runReal,
};
