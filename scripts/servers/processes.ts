/**
 * Our server processes, told apart from everyone else's through /proc (Linux only): a
 * pid is signalled only while it still has the start time we recorded, so a reused pid
 * is never hit. Each server runs in its own process group, so a JVM and anything it
 * forks stop together.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { info, shortArg, warn } from './log.js';

export interface ProcessRecord {
  pid: number;
  /** The server is its process group's leader: pgid = pid. */
  pgid: number;
  /** Clock ticks since boot when it started (field 22 of /proc/PID/stat). */
  startTime: string | null;
}

function statFields(pid: number | string): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

const gone = (state: string | undefined) => state === 'Z' || state === 'X';

/** Start time of a live, non-zombie process, or null. */
export function procStartTime(pid: number): string | null {
  const fields = statFields(pid);
  if (!fields || gone(fields[0])) return null;
  return fields[19] ?? null;
}

export function isSameProcess(pid: number | undefined, startTime: string | null | undefined): boolean {
  return pid !== undefined && pid > 0 && startTime != null && procStartTime(pid) === startTime;
}

/** Live (non-zombie) members of a process group. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields && !gone(fields[0]) && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}

/** The record of a process we just spawned. */
export function recordOf(child: ChildProcess): ProcessRecord | null {
  if (!child.pid) return null;
  return { pid: child.pid, pgid: child.pid, startTime: procStartTime(child.pid) };
}

/**
 * Spawns a server in its own process group, its stdout and stderr appended to `logFile`.
 * Detached and unref'd: it never keeps this process alive, and a CLI `start` can exit
 * leaving it running.
 */
export function spawnServer(cmd: string, args: string[], { cwd, logFile }: { cwd: string; logFile: string }): ChildProcess {
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `$ ${cmd} ${args.map(shortArg).join(' ')}\n`);
  try {
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

/** True while the group may still hold our processes (leader alive, or members left behind by it). */
function ours(record: ProcessRecord): boolean {
  if (isSameProcess(record.pid, record.startTime)) return true;
  return record.startTime !== null && groupMembers(record.pgid).length > 0;
}

function signalGroup(record: ProcessRecord, signal: NodeJS.Signals): void {
  try {
    process.kill(-record.pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops one server's process group: `signal` (SIGTERM by default), then SIGKILL after
 * `graceMs`. SIGKILL right away simulates a crash.
 */
export async function stopGroup(label: string, record: ProcessRecord, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!ours(record)) return;
  signalGroup(record, 'SIGCONT'); // a paused server cannot act on SIGTERM
  signalGroup(record, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (groupMembers(record.pgid).length === 0) {
      info(`${label}: stopped`, { pid: record.pid, signal });
      return;
    }
    await sleep(100);
  }
  warn(`${label}: did not stop within ${graceMs / 1000}s of ${signal}; killing its process group`, { pid: record.pid });
  signalGroup(record, 'SIGKILL');
  for (let i = 0; i < 50 && groupMembers(record.pgid).length > 0; i++) await sleep(100);
}

/** Freezes (SIGSTOP) or thaws (SIGCONT) a server: it keeps its sockets but answers nothing. */
export function pauseGroup(record: ProcessRecord, paused: boolean): void {
  if (ours(record)) signalGroup(record, paused ? 'SIGSTOP' : 'SIGCONT');
}

/** Last-resort cleanup from a process 'exit' handler, where nothing can be awaited. */
export function killGroupSync(record: ProcessRecord): void {
  if (isSameProcess(record.pid, record.startTime)) {
    signalGroup(record, 'SIGCONT');
    signalGroup(record, 'SIGKILL');
  }
}
