/**
 * Child servers of the benchmark: started pinned to the server core, talking over
 * IPC, and always stopped — at the end, on error, on Ctrl-C, and (through the IPC channel
 * closing) even when this process is killed outright.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pinnedCommand, type Pinning } from './cpu.js';
import type { ChildMessage, ParentMessage } from './ipc.js';
import { progress, warn } from './log.js';

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** performance.now() just before the spawn. */
  spawnedAt: number;
  send(message: ParentMessage): void;
  /** Resolves with the port once the child reports it listens; rejects if it fails or exits. */
  listening(timeoutMs: number): Promise<number>;
  /** The child's own start-up timings, if it reported them with its port. */
  timings?: { importsDoneMs: number; appStartedMs: number; seedMs?: number };
  /** The next message of this type (rejects on an error message, exit or timeout). */
  waitFor<T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>>;
  stop(): Promise<void>;
}

const live = new Set<Child>();
/** Set once we are shutting down (signal): no new children from then on. */
let closed = false;

export interface SpawnOptions {
  name: string;
  /**
   * Script path relative to the repository root. TypeScript (`.ts`) runs through tsx;
   * JavaScript (`.js`, `.mjs`, e.g. the compiled `bench/.build/subgraph-server.js`) runs
   * on plain node, as `npm start` runs the service.
   */
  script: string;
  cwd: string;
  pinning: Pinning;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: readonly string[];
}

export function spawnChild(options: SpawnOptions): Child {
  if (closed) throw new Error(`not starting ${options.name}: the benchmark is shutting down`);
  const loader = options.script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const argv = [process.execPath, ...(options.nodeArgs ?? []), ...loader, options.script];
  const { command, args } = pinnedCommand(options.pinning, argv);
  const spawnedAt = performance.now();
  const proc = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  if (proc.pid === undefined) throw new Error(`could not start ${options.name} (${command})`);
  const pid = proc.pid;

  // Child output goes to our stderr as JSON lines; stdout stays for the results.
  for (const [stream, source] of [['stdout', proc.stdout], ['stderr', proc.stderr]] as const) {
    if (!source) continue;
    createInterface({ input: source }).on('line', (line) => {
      if (line.trim()) process.stderr.write(`${JSON.stringify({ component: 'bench', child: options.name, stream, line })}\n`);
    });
  }

  let exited = false;
  const exit = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      exited = true;
      live.delete(child);
      progress('child exited', { child: options.name, pid, code, signal });
      resolve();
    });
  });
  const messages: ChildMessage[] = [];
  const waiters: (() => void)[] = [];
  proc.on('message', (message: ChildMessage) => {
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  });

  const child: Child = {
    name: options.name,
    pid,
    process: proc,
    spawnedAt,
    send(message) {
      proc.send(message);
    },
    async listening(timeoutMs) {
      const message = await child.waitFor('listening', timeoutMs);
      if (message.timings) child.timings = message.timings;
      return message.port;
    },
    async waitFor(type, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = messages.findIndex((m) => m.type === type || m.type === 'error');
        if (index >= 0) {
          const [found] = messages.splice(index, 1);
          if (found!.type === 'error') throw new Error(`${options.name} failed:\n${found!.message}`);
          return found as Extract<ChildMessage, { type: typeof type }>;
        }
        if (exited) throw new Error(`${options.name} exited while we waited for "${type}" (see its output above)`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${options.name}: no "${type}" within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
          void exit.then(resolve);
        });
      }
    },
    async stop() {
      // First ask over IPC (closing the channel): the child then exits normally, which also
      // lets --cpu-prof write its profile. Signals are the fallback; Apollo Server's own
      // SIGTERM handler re-raises the signal, so a signalled child never exits normally.
      const exitedWithin = (ms: number) =>
        Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
      if (exited) return;
      if (proc.connected) proc.disconnect();
      if (await exitedWithin(5_000)) return;
      warn('child did not stop when asked; sending SIGTERM', { child: options.name, pid });
      proc.kill('SIGTERM');
      if (await exitedWithin(3_000)) return;
      warn('child did not stop after SIGTERM; killing it', { child: options.name, pid });
      proc.kill('SIGKILL');
      await exitedWithin(2_000);
    },
  };
  live.add(child);
  progress('child started', { child: options.name, pid, pinnedTo: options.pinning.serverCpu });
  return child;
}

/** Refuses new children from now on (interrupted). */
export function closeChildren(): void {
  closed = true;
}

/** Stops every child still running. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop()));
}

/** Last resort on exit: no graceful stop is possible any more, so SIGKILL what is left. */
export function killAllChildrenSync(): void {
  for (const child of live) {
    try {
      child.process.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
