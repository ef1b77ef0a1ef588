/**
 * HTTP throughput on the embedded twins: the subgraph (compiled, as `npm start` runs it)
 * against a bare node:http server that returns the very same bytes, both pinned to the
 * server core, autocannon on the other. The scenarios are in http-scenarios.ts.
 */
import { spawnChild, type Child } from '../lib/children.js';
import { compiledBuild } from '../lib/compiled.js';
import { processMemoryBytes } from '../lib/cpu.js';
import { localUrl, request, waitReady, type GraphQLRequest } from '../lib/http.js';
import { HTTP_SCENARIOS, type HttpScenario } from './http-scenarios.js';
import type { CapturedResponse } from '../lib/ipc.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { progress, warn } from '../lib/log.js';
import { profileData, profileTable, startProfile, stopProfile, type ProfileResult } from '../lib/profile-run.js';
import { spawnSubgraph } from '../lib/production-node.js';
import { fmt, type Check, type Table } from '../lib/report.js';
import type { Section, SectionContext, SectionResult } from './types.js';

interface Prepared {
  scenario: HttpScenario;
  request: GraphQLRequest;
  about: string;
  captured: CapturedResponse;
  body: Buffer;
}

export interface HttpScenarioResult {
  name: string;
  title: string;
  about: string;
  responseBodyBytes: number;
  subgraph: LoadResult;
  bare: LoadResult;
  /** subgraph req/s ÷ bare req/s: the design's measure. */
  ratio: number;
  /**
   * Requests per CPU-second of the server process, subgraph ÷ bare: less sensitive to other
   * work on the machine taking CPU from the server core (null when CPU was not measured).
   */
  perCpuRatio: number | null;
  targetRatio: number;
  pass: boolean;
  /** Did the subgraph still return the captured bytes after the load run? */
  sameBytesAfterLoad: boolean;
  /** The subgraph's CPU profile of the measured run (BENCH_PROFILE=1). */
  profile?: ProfileResult;
}

/** Headers that describe the connection, not the response; node:http sets its own. */
const HOP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function capture(port: number, scenario: HttpScenario): Promise<Prepared> {
  const { request: req, about } = await scenario.prepare(port);
  const response = await request(localUrl(port, req.path), req);
  const text = response.body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${scenario.title}: the subgraph answered ${response.status} with non-JSON: ${text.slice(0, 300)}`);
  }
  const problem = response.status === 200 ? scenario.invalid(json) : `HTTP ${response.status}: ${text.slice(0, 300)}`;
  if (problem) throw new Error(`${scenario.title}: ${problem}`);
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([key]) => !HOP_HEADERS.has(key)));
  progress('captured subgraph response', { scenario: scenario.name, about, bytes: response.body.length, headers });
  return {
    scenario,
    request: req,
    about,
    body: response.body,
    captured: { path: `/${scenario.name}`, status: response.status, headers, bodyBase64: response.body.toString('base64') },
  };
}

async function sameBytes(port: number, req: GraphQLRequest, expected: Buffer): Promise<boolean> {
  const response = await request(localUrl(port, req.path), req);
  return response.status === 200 && response.body.equals(expected);
}

interface Measured {
  result: LoadResult;
  /** Set when BENCH_PROFILE is on and this was the subgraph. */
  profile?: ProfileResult;
}

async function measure(
  label: 'subgraph' | 'bare',
  scenario: HttpScenario,
  port: number,
  req: GraphQLRequest,
  child: Child,
  ctx: SectionContext,
): Promise<Measured> {
  const settings = { connections: ctx.options.connections, pipelining: ctx.options.pipelining };
  if (ctx.options.warmupS > 0) {
    progress('warm-up', { scenario: scenario.name, server: label, seconds: ctx.options.warmupS });
    await runLoad(port, req, ctx.options.warmupS, settings, child.pid, ctx.pinning);
  }
  const profiling = ctx.options.profile && label === 'subgraph';
  if (profiling) await startProfile(child);
  progress('measuring', { scenario: scenario.name, server: label, seconds: ctx.options.durationS, profiling, ...settings });
  const result = await runLoad(port, req, ctx.options.durationS, settings, child.pid, ctx.pinning);
  progress('measured', {
    scenario: scenario.name,
    server: label,
    rps: Math.round(result.requestsPerSecond),
    p50: result.latencyP50Ms,
    p99: result.latencyP99Ms,
    non2xx: result.non2xx,
    errors: result.errors,
    serverCpuPct: result.serverCpuPct === null ? null : Math.round(result.serverCpuPct),
    loadCpuPct: Math.round(result.loadCpuPct),
    othersOnServerCpuPct: result.othersOnServerCpuPct === null ? null : Math.round(result.othersOnServerCpuPct),
    othersOnLoadCpuPct: result.othersOnLoadCpuPct === null ? null : Math.round(result.othersOnLoadCpuPct),
  });
  if (!profiling) return { result };
  return { result, profile: await stopProfile(child, ctx.root, scenario.name) };
}

async function runHttp(selected: HttpScenario[], ctx: SectionContext): Promise<SectionResult> {
  const { root, pinning, options } = ctx;
  // The compiled build, as `npm start` runs it (bench/lib/compiled.ts).
  const { subgraphScript } = await compiledBuild(root);
  const subgraph = spawnSubgraph({
    name: 'subgraph',
    script: subgraphScript,
    cwd: root,
    pinning,
  });
  let bare: Child | undefined;
  try {
    const subgraphPort = await subgraph.listening(60_000);
    await waitReady(subgraphPort, 30_000);
    const prepared: Prepared[] = [];
    for (const scenario of selected) prepared.push(await capture(subgraphPort, scenario));

    bare = spawnChild({ name: 'bare', script: 'bench/bare-server.ts', cwd: root, pinning });
    await bare.waitFor('awaiting-responses', 30_000);
    bare.send({ type: 'responses', responses: prepared.map((p) => p.captured) });
    const barePort = await bare.listening(30_000);
    for (const p of prepared) {
      const bareReq = { ...p.request, path: p.captured.path };
      if (!(await sameBytes(barePort, bareReq, p.body))) throw new Error(`bare server does not return the captured bytes for ${p.scenario.name}`);
    }

    const results: HttpScenarioResult[] = [];
    for (const p of prepared) {
      const bareReq = { ...p.request, path: p.captured.path };
      const { result: sub, profile } = await measure('subgraph', p.scenario, subgraphPort, p.request, subgraph, ctx);
      const same = await sameBytes(subgraphPort, p.request, p.body);
      if (!same) warn('the subgraph no longer returns the captured bytes after the load run', { scenario: p.scenario.name });
      const { result: base } = await measure('bare', p.scenario, barePort, bareReq, bare, ctx);
      const ratio = sub.requestsPerSecond / base.requestsPerSecond;
      const subPerCpu = perCpuSecond(sub);
      const basePerCpu = perCpuSecond(base);
      results.push({
        name: p.scenario.name,
        title: p.scenario.title,
        about: p.about,
        responseBodyBytes: p.body.length,
        subgraph: sub,
        bare: base,
        ratio,
        perCpuRatio: subPerCpu !== null && basePerCpu !== null ? subPerCpu / basePerCpu : null,
        targetRatio: p.scenario.targetRatio,
        pass: ratio >= p.scenario.targetRatio,
        sameBytesAfterLoad: same,
        ...(profile ? { profile } : {}),
      });
    }
    const memoryAfterLoad = processMemoryBytes(subgraph.pid);
    return report(results, memoryAfterLoad, ctx);
  } finally {
    await Promise.all([subgraph.stop(), bare?.stop()]);
  }
}

/** Requests served per CPU-second the server process used. */
function perCpuSecond(m: LoadResult): number | null {
  return m.serverCpuPct !== null && m.serverCpuPct > 0 ? m.requestsPerSecond / (m.serverCpuPct / 100) : null;
}

function othersCell(m: LoadResult): string {
  if (m.othersOnServerCpuPct === null || m.othersOnLoadCpuPct === null) return '-';
  return `${Math.round(m.othersOnServerCpuPct)} / ${Math.round(m.othersOnLoadCpuPct)} %`;
}

function profileTableOf(r: HttpScenarioResult): Table | null {
  return r.profile ? profileTable(r.title, r.profile) : null;
}

function report(results: HttpScenarioResult[], memoryAfterLoad: { rss: number; peak: number } | null, ctx: SectionContext): SectionResult {
  const notes: string[] = [];
  const rows: string[][] = [];
  for (const r of results) {
    for (const [server, m] of [['subgraph', r.subgraph], ['bare node:http', r.bare]] as const) {
      rows.push([
        r.title,
        server,
        fmt.int(m.requestsPerSecond),
        fmt.ms(m.latencyP50Ms),
        fmt.ms(m.latencyP99Ms),
        m.serverCpuPct === null ? '-' : `${Math.round(m.serverCpuPct)} %`,
        `${Math.round(m.loadCpuPct)} %`,
        othersCell(m),
        `${m.non2xx}/${m.errors}`,
        fmt.int(perCpuSecond(m) ?? NaN),
        server === 'subgraph' ? fmt.pct(r.ratio) : '',
        server === 'subgraph' ? fmt.pct(r.perCpuRatio ?? NaN) : '',
      ]);
      if (m.non2xx > 0 || m.errors > 0) notes.push(`${r.title} ${server}: ${m.non2xx} non-2xx responses, ${m.errors} errors (${m.timeouts} timeouts)`);
      if (m.loadCpuPct > 90) notes.push(`${r.title} ${server}: the load generator used ${Math.round(m.loadCpuPct)} % of its core; it may be the bottleneck`);
      if ((m.othersOnServerCpuPct ?? 0) > 15 || (m.othersOnLoadCpuPct ?? 0) > 15) {
        notes.push(`${r.title} ${server}: other work took ${othersCell(m)} of the server / load-generator cores; this row is noisy`);
      }
    }
    notes.push(`${r.title}: ${r.about}; response body ${r.responseBodyBytes} bytes${r.sameBytesAfterLoad ? '' : '; the subgraph returned DIFFERENT bytes after the run'}`);
  }
  if (memoryAfterLoad) notes.push(`subgraph RSS after the load runs ${fmt.mb(memoryAfterLoad.rss)} (peak ${fmt.mb(memoryAfterLoad.peak)})`);
  notes.push(
    `${ctx.options.connections} connections, pipelining ${ctx.options.pipelining}, ${ctx.options.warmupS} s warm-up + ${ctx.options.durationS} s measured per row; ` +
      (ctx.pinning.pinned ? (ctx.pinning.note ?? 'pinned') : `UNPINNED: ${ctx.pinning.note}`),
  );
  notes.push(
    '"ratio req/s" (subgraph ÷ bare throughput) is the design\'s measure and decides PASS/MISS; "ratio req/CPU-s" compares requests per CPU-second ' +
      'of the server process instead, which holds up better when other work takes CPU from the pinned cores',
  );
  notes.push('"others on cores": CPU used on the server / load-generator core by anything but the process measured (other processes, the idle sibling server, the kernel)');
  const table: Table = {
    title: 'HTTP throughput (embedded twins, demo data)',
    headers: ['scenario', 'server', 'req/s', 'p50', 'p99', 'server CPU', 'loadgen CPU', 'others on cores', 'non2xx/err', 'req/CPU-s', 'ratio req/s', 'ratio req/CPU-s'],
    rows,
    numeric: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    notes,
  };
  const checks: Check[] = results.map((r) => ({
    name: `${r.title} subgraph/bare throughput`,
    measured: fmt.pct(r.ratio),
    target: `≥ ${fmt.pct(r.targetRatio).replace('.0 ', ' ')}`,
    pass: r.pass,
    ...(r.perCpuRatio !== null ? { note: `per CPU-second: ${fmt.pct(r.perCpuRatio)}` } : {}),
  }));
  const profiles = results.map(profileTableOf).filter((t): t is Table => t !== null);
  // Keep the JSON readable: the top of each profile, not every function.
  const data = results.map((r) => (r.profile ? { ...r, profile: profileData(r.profile) } : r));
  return { tables: [table, ...profiles], checks, data: { scenarios: data, subgraphMemoryAfterLoad: memoryAfterLoad } };
}

export const httpSection: Section<HttpScenario> = {
  name: 'http',
  description: 'GraphQL over HTTP on the embedded twins vs a bare node:http server returning the same bytes',
  needsRealServers: false,
  scenarios: HTTP_SCENARIOS,
  run: runHttp,
};
