/** Self time per function and per package from a V8 CPU profile (.cpuprofile JSON). */
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Time in the profiler's own calls (node:inspector), left out of the busy time. */
  profilerMs: number;
  busyMs: number;
  functions: ProfileEntry[];
  packages: ProfileEntry[];
  /** Time with the function anywhere on the stack (counted once per sample). */
  inclusive: ProfileEntry[];
}

function packageOf(url: string, rootUrl: string): string {
  if (!url) return '(V8 / native: GC, syscalls, builtins)';
  if (url.startsWith('node:')) return 'node core';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1]!;
  if (url.startsWith(rootUrl)) return url.slice(rootUrl.length).split('/')[0] === 'src' ? 'src (this service)' : 'this repo (other)';
  return url;
}

function location(url: string, line: number, rootUrl: string): string {
  const short = url.startsWith(rootUrl) ? url.slice(rootUrl.length) : url.replace(/^file:\/\/.*?\/node_modules\//, '');
  return short ? `${short}:${line + 1}` : '';
}

/** `root` (the repository directory) is stripped from locations so reports carry no local paths. */
export function summarize(profile: CpuProfile, root: string): ProfileSummary {
  const rootUrl = `${pathToFileURL(root).href}/`;
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0)));
  } else {
    const hits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
    const perHit = (profile.endTime - profile.startTime) / Math.max(1, hits);
    for (const node of profile.nodes) selfUs.set(node.id, (node.hitCount ?? 0) * perHit);
  }
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  // Everything under a node:inspector frame is the profiler talking to itself.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const profilerIds = new Set<number>();
  const mark = (id: number) => {
    profilerIds.add(id);
    for (const child of byId.get(id)?.children ?? []) mark(child);
  };
  for (const node of profile.nodes) if (node.callFrame.url === 'node:inspector') mark(node.id);
  let total = 0;
  let idle = 0;
  let profiler = 0;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    if (idleIds.has(node.id)) {
      idle += us;
      continue;
    }
    if (profilerIds.has(node.id)) {
      profiler += us;
      continue;
    }
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${location(url, lineNumber, rootUrl)}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = packageOf(url, rootUrl);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const busy = total - idle - profiler;

  // Inclusive time: walk each sample's stack once.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'} ${location(url, lineNumber, rootUrl)}`.trim();
  };
  const inclusive = new Map<string, number>();
  if (profile.samples && profile.timeDeltas) {
    profile.samples.forEach((id, i) => {
      if (idleIds.has(id) || profilerIds.has(id)) return;
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const node = byId.get(cur);
        if (!node || node.callFrame.functionName === '(root)') continue;
        seen.add(keyOf(node));
      }
      for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas![i] ?? 0));
    });
  }
  const entries = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, selfMs: us / 1000, share: busy > 0 ? us / busy : 0 }));
  return { totalMs: total / 1000, idleMs: idle / 1000, profilerMs: profiler / 1000, busyMs: busy / 1000, functions: entries(byFunction), packages: entries(byPackage), inclusive: entries(inclusive) };
}
