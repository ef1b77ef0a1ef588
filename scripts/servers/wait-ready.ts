/** Waiting for a freshly spawned server: its ready line in the log, then its protocol probe. */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { info, readSince, secondsSince, tail } from './log.js';
import type { ProcessSpec } from './recipe.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  timeoutMs: number;
  /** Log size before this start: only what this start wrote counts. */
  logOffset: number;
  /** True once the start should be given up (a stop was asked for meanwhile). */
  aborted: () => boolean;
}

/**
 * Resolves once `spec.readyLine` (if any) appears and `spec.probe()` succeeds. Fails fast
 * when the process exits; on timeout the error carries the log's tail.
 */
export async function waitReady(spec: ProcessSpec, child: ChildProcess, { timeoutMs, logOffset, aborted }: WaitOptions): Promise<void> {
  const t0 = Date.now();
  const tails = () =>
    tail(spec.logFile) + (spec.extraLog && fs.existsSync(spec.extraLog) ? `\nlast lines of ${spec.extraLog}:\n${tail(spec.extraLog, 25)}` : '');
  let exited: string | null = child.exitCode !== null ? `exit code ${child.exitCode}` : null;
  child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
  child.once('error', (error) => (exited = `spawn error: ${error.message}`));
  let sawLine = !spec.readyLine;
  let lastError: Error | null = null;
  let nextBeat = t0 + 15_000;
  for (;;) {
    if (exited) throw new Error(`${spec.label}: process ended before it was ready (${exited}); last lines of ${spec.logFile}:\n${tails()}`);
    if (aborted()) throw new Error(`${spec.label}: start aborted, servers are being stopped`);
    if (!sawLine) sawLine = spec.readyLine!.test(readSince(spec.logFile, logOffset));
    if (sawLine) {
      try {
        await spec.probe();
        return;
      } catch (error) {
        lastError = error as Error;
      }
    }
    if (Date.now() - t0 > timeoutMs) {
      const waitingFor = sawLine ? `protocol check (${lastError?.message})` : `log line ${spec.readyLine}`;
      throw new Error(`${spec.label}: not ready after ${Math.round(timeoutMs / 1000)}s, still waiting for ${waitingFor}; last lines of ${spec.logFile}:\n${tails()}`);
    }
    if (Date.now() > nextBeat) {
      info(`${spec.label}: still starting (${secondsSince(t0)}s)`);
      nextBeat += 15_000;
    }
    await sleep(sawLine ? 100 : 200);
  }
}

/** Retries `check` until it passes or `timeoutMs` elapses, then throws with its last failure. */
export async function pollUntil(what: string, check: () => Promise<void>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} after ${Math.round(timeoutMs / 1000)}s: ${(error as Error).message}`);
      await sleep(intervalMs);
    }
  }
}
