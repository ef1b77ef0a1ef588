/**
 * Runs: one start of a set of servers, with data, logs and state in
 * .cache/servers/runs/<id>/. The state names the owner process, so servers whose owner
 * died (a killed test runner) are found and stopped by the next start or `stop`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readJson, writeJsonAtomic } from './json-file.js';
import { warn } from './log.js';
import { ROOT, RUNS, STATE_FILE } from './paths.js';
import { isSameProcess, procStartTime, type ProcessRecord } from './processes.js';
import type { InstanceLayout, Recipe, ServerName } from './recipe.js';
import { RECIPES } from './recipes.js';
import { killRecordedServerSync, stopRecordedServer, type ServerRecord } from './server-instance.js';

/** How many finished run dirs (their logs) to keep for post-mortems. */
const KEEP_RUNS = 8;

export interface Run {
  runId: string;
  /** Absolute in memory, relative to the repository in state.json. */
  dir: string;
  /** Left running after its owner exits (the CLI's `start`); only `stop` ends it. */
  detached: boolean;
  owner: Pick<ProcessRecord, 'pid' | 'startTime'>;
  startedAt: string;
  readyAt?: string;
  stoppedAt?: string;
  servers: Partial<Record<ServerName, ServerRecord>>;
}

export function newRun(label: string, detached: boolean): Run {
  const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${label}-${process.pid}`;
  const run: Run = {
    runId,
    dir: path.join(RUNS, runId),
    detached,
    owner: { pid: process.pid, startTime: procStartTime(process.pid) },
    startedAt: new Date().toISOString(),
    servers: {},
  };
  fs.mkdirSync(run.dir, { recursive: true });
  saveRun(run);
  return run;
}

/** Where one server of a run keeps its logs and data. */
export function layoutIn(run: Run, recipe: Recipe, ports: number[], persistent: boolean): InstanceLayout {
  const dir = path.join(run.dir, recipe.name);
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  return { dir, dataDir, ports, persistent };
}

/** The `export`-able environment of a run: each server's address under its variable. */
export function envOf(run: Run): Record<string, string> {
  return Object.fromEntries(Object.values(run.servers).map((server) => [RECIPES[server.name].envVar, server.url]));
}

export function saveRun(run: Run, file = path.join(run.dir, 'state.json')): void {
  writeJsonAtomic(file, { ...run, dir: path.relative(ROOT, run.dir) });
}

export function loadRun(file: string): Run | null {
  const state = readJson<Run>(file);
  if (!state?.runId) return null;
  return { ...state, dir: path.resolve(ROOT, state.dir) };
}

export function currentCliRun(): Run | null {
  return loadRun(STATE_FILE);
}

function removeData(run: Run): void {
  if (process.env.TEST_SERVERS_KEEP_DATA === '1') return;
  for (const name of Object.keys(run.servers)) fs.rmSync(path.join(run.dir, name, 'data'), { recursive: true, force: true });
}

/** Stops every server of a run, removes their data (keeps logs) and marks the run stopped. */
export async function stopRun(run: Run): Promise<void> {
  await Promise.all(
    Object.values(run.servers).map((server) => stopRecordedServer(server).catch((error: Error) => warn(`${server.name}: stop failed: ${error.message}`))),
  );
  removeData(run);
  run.stoppedAt = new Date().toISOString();
  if (fs.existsSync(run.dir)) saveRun(run);
  if (readJson<Run>(STATE_FILE)?.runId === run.runId) fs.rmSync(STATE_FILE, { force: true });
}

/** Last-resort cleanup from a process 'exit' handler (nothing can be awaited there). */
export function killRunSync(run: Run): void {
  for (const server of Object.values(run.servers)) killRecordedServerSync(server);
  removeData(run);
}

/**
 * Stops runs left behind by owners that died without stopping them, and prunes old run
 * dirs beyond the last few. Detached runs are stopped only when `detachedToo` (the CLI's `stop`).
 */
export async function reapAndPrune({ detachedToo = false } = {}): Promise<void> {
  let entries: string[];
  try {
    entries = fs.readdirSync(RUNS).sort();
  } catch {
    return;
  }
  const cliRunId = readJson<Run>(STATE_FILE)?.runId;
  const finished: string[] = [];
  for (const entry of entries) {
    const run = loadRun(path.join(RUNS, entry, 'state.json'));
    if (!run) continue;
    const orphaned = run.detached ? detachedToo : !isSameProcess(run.owner.pid, run.owner.startTime);
    if (!run.stoppedAt && run.runId !== cliRunId && orphaned) {
      // A detached run still being started holds the start lock, so it is never reaped here.
      warn(`stopping servers left behind by run ${run.runId}`, { reason: run.detached ? 'detached run not in state.json' : 'its owner process is gone' });
      await stopRun(run);
    }
    if (run.stoppedAt) finished.push(entry);
  }
  for (const entry of finished.slice(0, Math.max(0, finished.length - KEEP_RUNS))) {
    fs.rmSync(path.join(RUNS, entry), { recursive: true, force: true });
  }
}
