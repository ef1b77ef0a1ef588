/**
 * CPU pinning (taskset) and /proc readings: the server children run on one core, the
 * load generator (this process) on another, so the ratios compare like with like.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Pinning {
  pinned: boolean;
  /** Core the servers run on (null when unpinned). */
  serverCpu: number | null;
  /** Core this process (autocannon) runs on (null when unpinned). */
  loadCpu: number | null;
  /** Why pinning is off, or a caveat about it. */
  note: string | null;
}

function hasTaskset(): boolean {
  const probe = spawnSync('taskset', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** CPUs this process may run on, from /proc/self/status (`Cpus_allowed_list: 0-3,6`). */
export function allowedCpus(): number[] {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Cpus_allowed_list:'));
    if (!line) return [];
    const cpus: number[] = [];
    for (const part of line.split(':')[1]!.trim().split(',')) {
      const [from, to] = part.split('-').map(Number);
      if (from === undefined || Number.isNaN(from)) continue;
      for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu);
    }
    return cpus;
  } catch {
    return [];
  }
}

/**
 * Pins every thread of this process to the second allowed core and reserves the first one
 * for the servers. Threads created later (autocannon, libuv) inherit the affinity.
 */
export function pinSelf(disabled: boolean): Pinning {
  if (disabled) return { pinned: false, serverCpu: null, loadCpu: null, note: 'pinning disabled by BENCH_NO_PIN' };
  if (!hasTaskset()) return { pinned: false, serverCpu: null, loadCpu: null, note: 'taskset not found (util-linux); running unpinned' };
  const cpus = allowedCpus();
  if (cpus.length < 2) {
    return { pinned: false, serverCpu: null, loadCpu: null, note: `only ${cpus.length} usable CPU(s); running unpinned` };
  }
  const [serverCpu, loadCpu] = cpus as [number, number];
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(loadCpu), String(process.pid)], { encoding: 'utf8' });
  if (result.status !== 0) {
    return { pinned: false, serverCpu: null, loadCpu: null, note: `taskset -p failed (${(result.stderr || '').trim()}); running unpinned` };
  }
  const extra = cpus.length > 2 ? `; ${cpus.length - 2} other CPU(s) left unused` : '';
  return { pinned: true, serverCpu, loadCpu, note: `server on CPU ${serverCpu}, load generator on CPU ${loadCpu}${extra}` };
}

/** The command that starts `argv` on the server core (or unpinned). */
export function pinnedCommand(pinning: Pinning, argv: string[]): { command: string; args: string[] } {
  if (pinning.pinned && pinning.serverCpu !== null) {
    return { command: 'taskset', args: ['-c', String(pinning.serverCpu), ...argv] };
  }
  return { command: argv[0]!, args: argv.slice(1) };
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const parsed = Number(out.stdout?.trim());
    clockTicks = Number.isFinite(parsed) && parsed > 0 ? parsed : 100;
  }
  return clockTicks;
}

/** User + system CPU seconds a process has used so far (null if it is gone). */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces: `pid (comm) state ...`.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** VmRSS and VmHWM (peak) of a process in bytes, from /proc/<pid>/status. */
export function processMemoryBytes(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(/^(\w+):\s+(\d+) kB$/m.exec(status.split('\n').find((l) => l.startsWith(`${name}:`)) ?? '')?.[2]);
    const rss = kib('VmRSS');
    const peak = kib('VmHWM');
    if (!Number.isFinite(rss)) return null;
    return { rss: rss * 1024, peak: peak * 1024 };
  } catch {
    return null;
  }
}

/** Load average of the machine: other work on it makes the numbers noisy. */
export function loadAverage(): number[] {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

/** Busy (not idle, not iowait) seconds of one CPU since boot, from /proc/stat. */
export function cpuBusySeconds(cpu: number): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`cpu${cpu} `));
    if (!line) return null;
    // user nice system idle iowait irq softirq steal ...
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    return busy / ticksPerSecond();
  } catch {
    return null;
  }
}

/** CPU use during a window: the measured process, this process and the rest on the pinned cores. */
export interface CpuWindow {
  wallS: number;
  /** CPU the measured (server) process used, in % of one core (null if it is gone). */
  serverCpuPct: number | null;
  /** CPU this process (the load generator) used, in % of one core. */
  loadCpuPct: number;
  /** CPU used on the server / load-generator core by anything else; null when unpinned. */
  othersOnServerCpuPct: number | null;
  othersOnLoadCpuPct: number | null;
}

/** Starts a CPU window now; call the returned function at its end. */
export function startCpuWindow(pinning: Pinning, serverPid: number | null): () => CpuWindow {
  const coreBusy = () => [pinning.serverCpu, pinning.loadCpu].map((cpu) => (cpu === null ? null : cpuBusySeconds(cpu)));
  const coresBefore = coreBusy();
  const serverBefore = serverPid === null ? null : processCpuSeconds(serverPid);
  const selfBefore = process.cpuUsage();
  const wallBefore = performance.now();
  return () => {
    const wallS = (performance.now() - wallBefore) / 1000;
    const self = process.cpuUsage(selfBefore);
    const serverAfter = serverPid === null ? null : processCpuSeconds(serverPid);
    const coresAfter = coreBusy();
    const serverCpuPct = serverBefore !== null && serverAfter !== null ? ((serverAfter - serverBefore) / wallS) * 100 : null;
    const loadCpuPct = ((self.user + self.system) / 1e6 / wallS) * 100;
    const others = (i: number, own: number | null) => {
      const before = coresBefore[i];
      const after = coresAfter[i];
      if (before == null || after == null || own === null) return null;
      return Math.max(0, ((after - before) / wallS) * 100 - own);
    };
    return { wallS, serverCpuPct, loadCpuPct, othersOnServerCpuPct: others(0, serverCpuPct), othersOnLoadCpuPct: others(1, loadCpuPct) };
  };
}

/** The soft limit on open files of a process (`Max open files` in /proc/<pid>/limits). */
export function openFilesLimit(pid: number | 'self' = 'self'): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === undefined) return null;
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return null;
  }
}
