/**
 * Maps the positions in a CPU profile back to the TypeScript sources. tsx compiles each
 * file with an inline source map but on very few lines, so raw profile positions of our
 * own code read like `event-service.ts:1`. Runs inside the profiled process (it needs the
 * inspector session to read the compiled sources), after the measurement.
 */
import type { Session } from 'node:inspector/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';

interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface Profile {
  nodes: { callFrame: CallFrame; positionTicks?: unknown }[];
}

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json(?:;charset=[^;,]+)?;base64,([A-Za-z0-9+/=]+)\s*$/;

async function sourceMapOf(session: Session, scriptId: string): Promise<SourceMap | null> {
  try {
    const { scriptSource } = await session.post('Debugger.getScriptSource', { scriptId });
    const match = INLINE_MAP.exec(scriptSource);
    if (!match) return null;
    return new SourceMap(JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')) as SourceMapPayload);
  } catch {
    return null;
  }
}

/** Rewrites line/column of frames in scripts whose URL passes `wanted` (in place). */
export async function mapProfileToSources(session: Session, profile: Profile, wanted: (url: string) => boolean): Promise<void> {
  const scripts = new Map<string, SourceMap | null>();
  await session.post('Debugger.enable');
  try {
    for (const node of profile.nodes) {
      const frame = node.callFrame;
      if (!frame.url || !wanted(frame.url) || frame.lineNumber < 0) continue;
      if (!scripts.has(frame.scriptId)) scripts.set(frame.scriptId, await sourceMapOf(session, frame.scriptId));
      const map = scripts.get(frame.scriptId);
      if (!map) continue;
      const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalLine?: number; originalColumn?: number; name?: string };
      if (entry.originalLine === undefined) continue;
      frame.lineNumber = entry.originalLine;
      frame.columnNumber = entry.originalColumn ?? 0;
      if (!frame.functionName && entry.name) frame.functionName = entry.name;
      // Tick positions refer to the compiled lines; drop them rather than mislead.
      delete node.positionTicks;
    }
  } finally {
    await session.post('Debugger.disable');
  }
}
