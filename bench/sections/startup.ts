/**
 * Embedded start-up of the compiled service, as `npm start` runs it: `node scripts/build.mjs`
 * once, then from spawning the subgraph (plain node on the compiled child, embedded twins,
 * demo data seeded, pinned to the server core) to its first 200 from /ready; then its RSS
 * once idle.
 */
import { compiledBuild } from '../lib/compiled.js';
import { processMemoryBytes } from '../lib/cpu.js';
import { waitReady } from '../lib/http.js';
import { progress } from '../lib/log.js';
import { fmt, median, type Table } from '../lib/report.js';
import { spawnSubgraph } from '../lib/production-node.js';
import type { NamedScenario, Section, SectionContext, SectionResult } from './types.js';

const TARGET_START_MS = 2_000;
const TARGET_IDLE_BYTES = 150e6;

export interface StartupRun {
  /** Child process start → its imports evaluated (node boot, module loading). */
  importsMs: number | null;
  /** Duration of startApp(): datasources, demo seed, Apollo start, listen. */
  startAppMs: number | null;
  /** Spawn → the child reports that it listens. */
  listeningMs: number;
  /** Spawn → first 200 from /ready. */
  readyMs: number;
  idleRssBytes: number | null;
  idlePeakRssBytes: number | null;
}

async function oneStart(run: number, script: string, ctx: SectionContext): Promise<StartupRun> {
  const child = spawnSubgraph({ name: `subgraph-startup-${run}`, script, cwd: ctx.root, pinning: ctx.pinning });
  try {
    const port = await child.listening(60_000);
    const listeningAt = performance.now();
    const readyAt = await waitReady(port, 30_000, 5);
    await new Promise((resolve) => setTimeout(resolve, ctx.options.idleWaitMs));
    const memory = processMemoryBytes(child.pid);
    const t = child.timings;
    const result = {
      importsMs: t ? t.importsDoneMs : null,
      startAppMs: t ? t.appStartedMs - t.importsDoneMs : null,
      listeningMs: listeningAt - child.spawnedAt,
      readyMs: readyAt - child.spawnedAt,
      idleRssBytes: memory?.rss ?? null,
      idlePeakRssBytes: memory?.peak ?? null,
    };
    progress('start-up measured', { run, readyMs: Math.round(result.readyMs), idleRssMB: memory ? +(memory.rss / 1e6).toFixed(1) : null });
    return result;
  } finally {
    await child.stop();
  }
}

async function runStartup(_selected: NamedScenario[], ctx: SectionContext): Promise<SectionResult> {
  const build = await compiledBuild(ctx.root);
  const runs: StartupRun[] = [];
  for (let i = 1; i <= ctx.options.startupRuns; i++) runs.push(await oneStart(i, build.subgraphScript, ctx));
  const ready = runs.map((r) => r.readyMs);
  const rss = runs.map((r) => r.idleRssBytes).filter((v): v is number => v !== null);
  const readyMedian = median(ready);
  const rssMedian = median(rss);
  const table: Table = {
    title: 'Embedded start-up, compiled as `npm start` runs it (demo data seeded)',
    headers: ['run', 'boot + imports', 'startApp()', 'spawn → listening', 'spawn → /ready 200', `idle RSS (+${ctx.options.idleWaitMs} ms)`, 'peak RSS'],
    rows: [
      ...runs.map((r, i) => [
        String(i + 1),
        fmt.ms(r.importsMs ?? NaN),
        fmt.ms(r.startAppMs ?? NaN),
        fmt.ms(r.listeningMs),
        fmt.ms(r.readyMs),
        fmt.mb(r.idleRssBytes ?? NaN),
        fmt.mb(r.idlePeakRssBytes ?? NaN),
      ]),
      [
        'median',
        fmt.ms(median(runs.flatMap((r) => (r.importsMs === null ? [] : [r.importsMs])))),
        fmt.ms(median(runs.flatMap((r) => (r.startAppMs === null ? [] : [r.startAppMs])))),
        fmt.ms(median(runs.map((r) => r.listeningMs))),
        fmt.ms(readyMedian),
        fmt.mb(rssMedian),
        '',
      ],
    ],
    numeric: [1, 2, 3, 4, 5, 6],
    notes: [
      '"boot + imports" is measured by the child from its own process start; "startApp()" covers datasources, demo seed, Apollo start and listen',
      `started as \`node ${build.subgraphScript}\`: bench/subgraph-server.ts compiled by esbuild, importing the dist/ build of src/ that ` +
        `\`node scripts/build.mjs\` made first (${fmt.ms(build.buildMs)}, not counted; \`npm start\` runs the same build before \`node dist/index.js\`), ` +
        (ctx.pinning.pinned ? `pinned to CPU ${ctx.pinning.serverCpu}` : `UNPINNED: ${ctx.pinning.note}`),
    ],
  };
  return {
    tables: [table],
    checks: [
      { name: 'embedded start (median)', measured: fmt.ms(readyMedian), target: `≤ ${TARGET_START_MS} ms`, pass: readyMedian <= TARGET_START_MS },
      { name: 'idle RSS after start (median)', measured: fmt.mb(rssMedian), target: `≤ ${fmt.mb(TARGET_IDLE_BYTES)}`, pass: rssMedian <= TARGET_IDLE_BYTES },
    ],
    data: { runs, readyMedianMs: readyMedian, idleRssMedianBytes: rssMedian, buildMs: build.buildMs, script: build.subgraphScript },
  };
}

export const startupSection: Section = {
  name: 'startup',
  description: 'spawn → /ready time and idle RSS of the compiled embedded subgraph',
  needsRealServers: false,
  scenarios: [{ name: 'embedded-startup', title: 'embedded start-up' }],
  run: runStartup,
};
