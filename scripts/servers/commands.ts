/** Running tools to completion (builds, package managers, probes like `go version`). */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { info, secondsSince, shortArg, tail } from './log.js';
import { ROOT } from './paths.js';

/** Full path of an executable on PATH (plus the sbin dirs, where Debian puts some daemons), or null. */
export function which(name: string): string | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
}

/**
 * Runs a command to completion with its output appended to `logFile`, with a heartbeat
 * every 30 s so long installs don't look hung. Rejects with the log's tail on failure.
 */
export function runLogged(label: string, cmd: string, args: string[], { cwd = ROOT, env = process.env, logFile }: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = fs.openSync(logFile, 'a');
    fs.writeSync(fd, `\n$ ${cmd} ${args.map(shortArg).join(' ')}\n`);
    const t0 = Date.now();
    let child;
    try {
      child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd] });
    } finally {
      fs.closeSync(fd);
    }
    const beat = setInterval(() => info(`${label}: still running (${secondsSince(t0)}s)`), 30_000);
    child.on('error', (error) => {
      clearInterval(beat);
      reject(new Error(`${label}: cannot run ${cmd}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(beat);
      if (code === 0) return resolve();
      const how = signal ?? `exit ${code}`;
      reject(new Error(`${label}: \`${cmd} ${args.map(shortArg).join(' ')}\` failed (${how}); last lines of ${logFile}:\n${tail(logFile)}`));
    });
  });
}

/** Runs a command and resolves with its output (stdout and stderr together). */
export function capture(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${out.trim()}`))));
  });
}

/** Awaits all named tasks; if any failed, throws one Error naming each failed part. */
export async function allOrThrow(what: string, tasks: Record<string, Promise<unknown>>): Promise<void> {
  const names = Object.keys(tasks);
  const results = await Promise.allSettled(Object.values(tasks));
  const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [[names[index], result.reason] as const] : []));
  if (failed.length === 0) return;
  const messages = failed.map(([, reason]) => (reason instanceof Error ? reason.message : String(reason)));
  throw new Error(`${what} failed for ${failed.map(([name]) => name).join(', ')}:\n${messages.join('\n\n')}`);
}
