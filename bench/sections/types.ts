/** What every benchmark section provides, so run.ts can select, run and report them alike. */
import type { Pinning } from '../lib/cpu.js';
import type { BenchOptions } from '../lib/options.js';
import type { Check, Table } from '../lib/report.js';

export interface NamedScenario {
  /** Selectable with BENCH_ONLY, e.g. `event-by-id`. */
  name: string;
  /** Shown in the results, e.g. `event(id)`. */
  title: string;
}

/** Store URLs etc. of the real servers (scripts/servers), as app environment variables. */
export type RealServersEnv = Record<string, string>;

export interface SectionContext {
  /** Repository root; children run there. */
  root: string;
  options: BenchOptions;
  pinning: Pinning;
  /** Set when a selected section needs the real servers; null otherwise. */
  realEnv: RealServersEnv | null;
}

export interface SectionResult {
  tables: Table[];
  checks: Check[];
  /** Raw measurements for bench/results/latest.json. */
  data: unknown;
}

export interface Section<S extends NamedScenario = NamedScenario> {
  name: string;
  description: string;
  /** run.ts starts FerretDB/Redis/Kafka/Neo4j first when such a section has selected scenarios. */
  needsRealServers: boolean;
  /** false: runs only when named in BENCH_ONLY (or BENCH_ONLY=all); default true. */
  byDefault?: boolean;
  scenarios: S[];
  run(selected: S[], ctx: SectionContext): Promise<SectionResult>;
}
