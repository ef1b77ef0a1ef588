/**
 * Maps the positions in a CPU profile back to the TypeScript sources. tsx compiles each
 * file with an inline source map but on very few lines, so raw profile positions of our
 * own code read like `event-service.ts:1`; esbuild (scripts/build.mjs, the compiled
 * benchmark child) writes `.js.map` files next to dist/*.js, and frames there are moved
 * to their TypeScript source file too. Runs inside the profiled process (it needs the
 * inspector session to read the compiled sources), after the measurement.
 */
import { readFileSync } from 'node:fs';
import type { Session } from 'node:inspector/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';

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
const FILE_MAP = /\/\/# sourceMappingURL=([^\s'"]+\.map)\s*$/;

interface LoadedMap {
  map: SourceMap;
  /** Set for a `.map` file: sources in it are relative to this URL. */
  mapUrl: string | null;
}

async function sourceMapOf(session: Session, scriptId: string, scriptUrl: string): Promise<LoadedMap | null> {
  try {
    const { scriptSource } = await session.post('Debugger.getScriptSource', { scriptId });
    const inline = INLINE_MAP.exec(scriptSource);
    if (inline) return { map: new SourceMap(JSON.parse(Buffer.from(inline[1]!, 'base64').toString('utf8')) as SourceMapPayload), mapUrl: null };
    const file = FILE_MAP.exec(scriptSource);
    if (!file || !scriptUrl.startsWith('file:')) return null;
    const mapUrl = new URL(file[1]!, scriptUrl);
    return { map: new SourceMap(JSON.parse(readFileSync(fileURLToPath(mapUrl), 'utf8')) as SourceMapPayload), mapUrl: mapUrl.href };
  } catch {
    return null;
  }
}

/** Rewrites line/column of frames in scripts whose URL passes `wanted` (in place). */
export async function mapProfileToSources(session: Session, profile: Profile, wanted: (url: string) => boolean): Promise<void> {
  const scripts = new Map<string, LoadedMap | null>();
  await session.post('Debugger.enable');
  try {
    for (const node of profile.nodes) {
      const frame = node.callFrame;
      if (!frame.url || !wanted(frame.url) || frame.lineNumber < 0) continue;
      if (!scripts.has(frame.scriptId)) scripts.set(frame.scriptId, await sourceMapOf(session, frame.scriptId, frame.url));
      const loaded = scripts.get(frame.scriptId);
      if (!loaded) continue;
      const entry = loaded.map.findEntry(frame.lineNumber, frame.columnNumber) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
        name?: string;
      };
      if (entry.originalLine === undefined) continue;
      // A compiled file (dist/x.js) with its own map: name the TypeScript file instead.
      if (loaded.mapUrl && entry.originalSource) frame.url = new URL(entry.originalSource, loaded.mapUrl).href;
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
