/**
 * CPU used by the real servers (FerretDB, Redis, Kafka, Neo4j) during a measurement. They
 * are children of this process (scripts/servers spawns them from here) and inherit its
 * CPU affinity, i.e. they run on the load-generator core. Linux /proc only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { processCpuSeconds } from './cpu.js';

export type StoreName = 'ferretdb' | 'redis' | 'kafka' | 'neo4j';

function storeOf(cmdline: string): StoreName | null {
  if (cmdline.includes('ferretdb-test-server')) return 'ferretdb';
  if (cmdline.includes('redis-server')) return 'redis';
  if (cmdline.includes('kafka.Kafka')) return 'kafka';
  if (cmdline.toLowerCase().includes('neo4j')) return 'neo4j';
  return null;
}

/** The real servers among this process's children: name → pid. */
export function storeProcesses(): Map<StoreName, number> {
  const found = new Map<StoreName, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return found;
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const store = storeOf(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '));
      if (store && !found.has(store)) found.set(store, Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** % of one core each real server used during a window; call the returned function at its end. */
export function startStoreCpuWindow(): () => Partial<Record<StoreName, number>> {
  const stores = storeProcesses();
  const before = new Map([...stores].map(([name, pid]) => [name, processCpuSeconds(pid)]));
  const started = performance.now();
  return () => {
    const wallS = (performance.now() - started) / 1000;
    const out: Partial<Record<StoreName, number>> = {};
    for (const [name, pid] of stores) {
      const a = before.get(name);
      const b = processCpuSeconds(pid);
      if (a != null && b !== null) out[name] = ((b - a) / wallS) * 100;
    }
    return out;
  };
}

export function storeCpuText(cpu: Partial<Record<StoreName, number>>): string {
  const parts = (['ferretdb', 'neo4j', 'kafka', 'redis'] as const).filter((name) => cpu[name] !== undefined).map((name) => `${name} ${Math.round(cpu[name]!)} %`);
  return parts.length ? parts.join(', ') : '-';
}
