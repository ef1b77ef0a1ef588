/**
 * `npm run bench`: the benchmark harness (design §6). Benchmarks report; they never gate —
 * a missed target prints MISS and the exit code stays 0 (it is 1 only when a section
 * could not run). Progress goes to stderr as JSON lines, the results table to stdout, and
 * the raw numbers to bench/results/latest.json. See bench/README.md for the knobs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServers } from '../scripts/servers/index.js';
import { closeChildren, killAllChildrenSync, stopAllChildren } from './lib/children.js';
import { loadAverage, pinSelf } from './lib/cpu.js';
import { errorText, progress, warn } from './lib/log.js';
import { readOptions, type BenchOptions } from './lib/options.js';
import { checksTable, formatTable, type Check, type Table } from './lib/report.js';
import { discoveryScalingSection, discoverySection } from './sections/discovery.js';
import { fanoutSection } from './sections/fanout.js';
import { httpSection } from './sections/http.js';
import { rsvpSection } from './sections/rsvp.js';
import { scaleRealSection, scaleSection } from './sections/scale.js';
import { startupSection } from './sections/startup.js';
import type { NamedScenario, RealServersEnv, Section, SectionContext } from './sections/types.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const RESULTS_FILE = join(BENCH_DIR, 'results', 'latest.json');

/**
 * Run order. Sections that need the real servers come last, after the embedded ones; they
 * run only when selected (BENCH_ONLY=rsvp,fanout or BENCH_ONLY=all).
 */
const SECTIONS: Section[] = [startupSection, httpSection, scaleSection, discoveryScalingSection, rsvpSection, fanoutSection, scaleRealSection, discoverySection];

interface Selected {
  section: Section;
  scenarios: NamedScenario[];
}

function select(only: string[]): Selected[] {
  if (only.includes('all')) return SECTIONS.map((section) => ({ section, scenarios: section.scenarios }));
  if (only.length === 0) return SECTIONS.map((section) => ({ section, scenarios: section.byDefault === false ? [] : section.scenarios }));
  const known = SECTIONS.flatMap((section) => [section.name, ...section.scenarios.map((scenario) => scenario.name)]);
  const unknown = only.filter((token) => !known.includes(token));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')}; known: all, ${known.join(', ')}`);
  return SECTIONS.map((section) => ({
    section,
    scenarios: only.includes(section.name) ? section.scenarios : section.scenarios.filter((scenario) => only.includes(scenario.name)),
  }));
}

interface RealServers {
  env: RealServersEnv;
  stop(): Promise<void>;
}

async function startRealServers(): Promise<RealServers> {
  progress('starting the real servers (scripts/servers)');
  // The four the app uses; the Redis Cluster would only add redis-server processes to tell apart.
  const servers = await startServers({ servers: ['ferretdb', 'redis', 'kafka', 'neo4j'] });
  return { env: { ...servers.env }, stop: servers.stop };
}

function git(args: string[]): string | null {
  const result = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

function header(options: BenchOptions, pinning: ReturnType<typeof pinSelf>, commit: string | null, load: number[]): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `events subgraph benchmarks — ${new Date().toISOString()}`,
    `commit ${commit ?? 'unknown'}, node ${process.version}, ${cpus().length} × ${cpu}`,
    `pinning: ${pinning.pinned ? pinning.note : `OFF — ${pinning.note}`}`,
    `load average at start: ${load.map((v) => v.toFixed(2)).join(' ')} (other work on the machine adds noise)`,
    `duration ${options.durationS} s (+${options.warmupS} s warm-up), ${options.connections} connections, pipelining ${options.pipelining}`,
  ].join('\n');
}

async function main(): Promise<number> {
  const startedAt = new Date().toISOString();
  const options = readOptions();
  const selected = select(options.only);
  const pinning = pinSelf(options.noPin);
  if (pinning.pinned) progress('pinned', { note: pinning.note });
  else warn('running UNPINNED', { reason: pinning.note });

  let real: RealServers | null = null;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    closeChildren();
    warn(`received ${signal}; stopping the children`);
    const bounded = Promise.race([
      Promise.allSettled([stopAllChildren(), real?.stop()]),
      new Promise((resolve) => setTimeout(resolve, 30_000).unref()),
    ]);
    void bounded.finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAllChildrenSync);

  const load = loadAverage();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
  const commitLabel = commit ? `${commit}${dirty ? ' (with uncommitted changes)' : ''}` : null;

  const tables: Table[] = [];
  const checks: Check[] = [];
  const sections: Record<string, unknown> = {};
  let failed = false;
  try {
    const needsReal = selected.some((s) => s.section.needsRealServers && s.scenarios.length > 0);
    if (needsReal) real = await startRealServers();
    for (const { section, scenarios } of selected) {
      if (interrupted) break;
      if (scenarios.length === 0) {
        if (options.only.includes(section.name)) warn(`section ${section.name} has no scenarios yet`);
        continue;
      }
      progress('section', { section: section.name, scenarios: scenarios.map((s) => s.name) });
      const ctx: SectionContext = { root: ROOT, options, pinning, realEnv: real?.env ?? null };
      try {
        const result = await section.run(scenarios, ctx);
        tables.push(...result.tables);
        checks.push(...result.checks);
        sections[section.name] = result.data;
      } catch (error) {
        failed = true;
        warn(`section ${section.name} failed`, { error: errorText(error) });
        sections[section.name] = { error: errorText(error) };
        tables.push({ title: `${section.name}: FAILED`, headers: ['error'], rows: [[String(error instanceof Error ? error.message : error)]] });
      }
    }
  } finally {
    await stopAllChildren();
    if (real) await real.stop();
  }

  const loadAtEnd = loadAverage();
  const out = [header(options, pinning, commitLabel, load), ...tables.map(formatTable)];
  if (checks.length > 0) out.push(formatTable(checksTable(checks)));
  out.push(`load average at end: ${loadAtEnd.map((v) => v.toFixed(2)).join(' ')}`);
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        startedAt,
        finishedAt: new Date().toISOString(),
        commit: commitLabel,
        node: process.version,
        cpu: { model: cpus()[0]?.model ?? null, count: cpus().length },
        pinning,
        loadAverage: { start: load, end: loadAtEnd },
        options,
        checks,
        sections,
      },
      null,
      2,
    )}\n`,
  );
  out.push(`raw results: ${relative(ROOT, RESULTS_FILE)}`);
  process.stdout.write(`\n${out.join('\n\n')}\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    warn('benchmark failed', { error: errorText(error) });
    await stopAllChildren().catch(() => undefined);
    process.exitCode = 1;
  },
);
