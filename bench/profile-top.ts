/**
 * Top self-time functions and packages of a V8 .cpuprofile, e.g. one written by
 *   BENCH_PROFILE=1 BENCH_ONLY=event-by-id npm run bench
 * (bench/results/profiles/<scenario>.cpuprofile, covering the measured run only).
 *
 *   npx tsx bench/profile-top.ts [file.cpuprofile] [count]
 *
 * Without a file it reads the newest profile in bench/results/profiles/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, type CpuProfile, type ProfileEntry } from './lib/profile.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const PROFILES = join(BENCH_DIR, 'results', 'profiles');

function newestProfile(): string {
  const files = readdirSync(PROFILES)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(PROFILES, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) throw new Error(`no .cpuprofile in ${relative(ROOT, PROFILES)}`);
  return files[0];
}

const file = process.argv[2] ?? newestProfile();
const count = Number(process.argv[3] ?? 15);
const summary = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, ROOT);
const line = (e: ProfileEntry) => `${e.selfMs.toFixed(0).padStart(7)} ms ${(e.share * 100).toFixed(1).padStart(5)} %  ${e.name}`;

console.log(relative(ROOT, file));
console.log(
  `${summary.totalMs.toFixed(0)} ms sampled, ${summary.idleMs.toFixed(0)} ms idle, ${summary.profilerMs.toFixed(0)} ms in the profiler, ` +
    `${summary.busyMs.toFixed(0)} ms busy (shares are of busy time)\n`,
);
console.log(`Top ${count} functions by self time`);
for (const entry of summary.functions.slice(0, count)) console.log(line(entry));
console.log('\nSelf time by package');
for (const entry of summary.packages.slice(0, count)) console.log(line(entry));
console.log(`\nTop ${count * 2} functions by inclusive time (anywhere on the stack)`);
for (const entry of summary.inclusive.slice(0, count * 2)) console.log(line(entry));
