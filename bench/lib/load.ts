/** One load run with autocannon (in this process, on the load-generator core). */
import autocannon from 'autocannon';
import { cpuBusySeconds, processCpuSeconds, type Pinning } from './cpu.js';
import type { GraphQLRequest } from './http.js';
import { localUrl } from './http.js';

export interface LoadSettings {
  connections: number;
  pipelining: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests: number;
  durationS: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Bytes read per response, headers included. */
  bytesPerResponse: number;
  /** CPU the server process used during the run, in % of one core. */
  serverCpuPct: number | null;
  /** CPU this process (the load generator) used, in % of one core. */
  loadCpuPct: number;
  /**
   * CPU used on the pinned cores by anything else (other processes on the machine, the
   * kernel), in % of the core: noise that the pinning cannot keep out. Null when unpinned.
   */
  othersOnServerCpuPct: number | null;
  othersOnLoadCpuPct: number | null;
}

export async function runLoad(
  port: number,
  req: GraphQLRequest,
  durationS: number,
  settings: LoadSettings,
  serverPid: number,
  pinning: Pinning,
): Promise<LoadResult> {
  const coreBusy = () => [pinning.serverCpu, pinning.loadCpu].map((cpu) => (cpu === null ? null : cpuBusySeconds(cpu)));
  const coresBefore = coreBusy();
  const serverCpuBefore = processCpuSeconds(serverPid);
  const selfBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await autocannon({
    url: localUrl(port, req.path),
    method: req.method,
    headers: req.headers,
    body: req.body,
    connections: settings.connections,
    pipelining: settings.pipelining,
    duration: durationS,
    timeout: 10,
  });
  const wallS = (performance.now() - wallBefore) / 1000;
  const self = process.cpuUsage(selfBefore);
  const serverCpuAfter = processCpuSeconds(serverPid);
  const coresAfter = coreBusy();
  const requests = result.requests.total;
  const serverCpuPct = serverCpuBefore !== null && serverCpuAfter !== null ? ((serverCpuAfter - serverCpuBefore) / wallS) * 100 : null;
  const loadCpuPct = ((self.user + self.system) / 1e6 / wallS) * 100;
  const others = (i: number, own: number | null) => {
    const before = coresBefore[i];
    const after = coresAfter[i];
    if (before == null || after == null || own === null) return null;
    return Math.max(0, ((after - before) / wallS) * 100 - own);
  };
  return {
    requestsPerSecond: requests / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    requests,
    durationS: result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bytesPerResponse: requests > 0 ? result.throughput.total / requests : 0,
    serverCpuPct,
    loadCpuPct,
    othersOnServerCpuPct: others(0, serverCpuPct),
    othersOnLoadCpuPct: others(1, loadCpuPct),
  };
}
