/** CPU-profiling a child subgraph over IPC for one measured window (BENCH_PROFILE=1). */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Child } from './children.js';
import { progress } from './log.js';
import { summarize, type CpuProfile, type ProfileSummary } from './profile.js';
import { fmt, type Table } from './report.js';

export interface ProfileResult {
  /** Relative to the repository root. */
  file: string;
  summary: ProfileSummary;
}

export async function startProfile(child: Child): Promise<void> {
  child.send({ type: 'profile-start' });
  await child.waitFor('profile-started', 10_000);
}

/** Stops the profiler, writes bench/results/profiles/<name>.cpuprofile and summarizes it. */
export async function stopProfile(child: Child, root: string, name: string): Promise<ProfileResult> {
  const dir = join(root, 'bench', 'results', 'profiles');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.cpuprofile`);
  child.send({ type: 'profile-stop', file });
  await child.waitFor('profile-written', 60_000);
  const summary = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, root);
  progress('profile written', { profile: name, file: relative(root, file) });
  return { file: relative(root, file), summary };
}

/** The top functions by self time, with the package shares, as a results table. */
export function profileTable(title: string, profile: ProfileResult, top = 10): Table {
  const { summary, file } = profile;
  const rows = summary.functions.slice(0, top).map((e, i) => [String(i + 1), e.name, `${e.selfMs.toFixed(0)} ms`, fmt.pct(e.share)]);
  const packages = summary.packages
    .slice(0, 8)
    .map((e) => `${e.name} ${fmt.pct(e.share)}`)
    .join(', ');
  return {
    title: `Subgraph CPU profile, ${title}: top ${top} functions by self time`,
    headers: ['#', 'function', 'self', 'of busy'],
    rows,
    numeric: [0, 2, 3],
    notes: [
      `${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms sampled (${summary.profilerMs.toFixed(0)} ms in the profiler itself, left out); profile in ${file} (npx tsx bench/profile-top.ts ${file} 30)`,
      `by package: ${packages}`,
      'throughput of a profiled run is lowered by the profiler itself',
    ],
  };
}

/** The profile trimmed for the results JSON. */
export function profileData(profile: ProfileResult, top = 40) {
  return {
    file: profile.file,
    summary: { ...profile.summary, functions: profile.summary.functions.slice(0, top), inclusive: profile.summary.inclusive.slice(0, top) },
  };
}
