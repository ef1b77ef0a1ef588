/**
 * The subgraph as `npm start` runs it: `node scripts/build.mjs` compiles src/ to dist/ with
 * esbuild, and the service runs as plain JavaScript. The benchmark child
 * (bench/subgraph-server.ts, the one source of its logic) is compiled too, into
 * bench/.build/ (git-ignored); its imports of src/ are pointed at the compiled dist/
 * files, so the child runs exactly the code `npm start` runs. Done once per benchmark run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { progress } from './log.js';

export interface CompiledBuild {
  /** Wall time of `node scripts/build.mjs` (src/ → dist/). */
  buildMs: number;
  /** Wall time of compiling the benchmark child. */
  childMs: number;
  /** The compiled child, relative to the repository root, for spawnChild(). */
  subgraphScript: string;
}

const CHILD_SOURCE = 'bench/subgraph-server.ts';
const OUT_DIR = 'bench/.build';

/** Imports of src/*.js become imports of the compiled dist/*.js, left external. */
function srcToDist(root: string, outDir: string): Plugin {
  const src = join(root, 'src') + sep;
  return {
    name: 'src-to-dist',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const target = resolve(dirname(args.importer), args.path);
        if (!target.startsWith(src)) return undefined;
        const compiled = join(root, 'dist', relative(src, target)).replace(/\.ts$/, '.js');
        if (!existsSync(compiled)) return { errors: [{ text: `${relative(root, compiled)} is missing after scripts/build.mjs` }] };
        let path = relative(outDir, compiled).split(sep).join('/');
        if (!path.startsWith('.')) path = `./${path}`;
        return { path, external: true };
      });
    },
  };
}

async function compile(root: string): Promise<CompiledBuild> {
  let started = performance.now();
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  const buildMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`node scripts/build.mjs failed (${result.status}):\n${result.stderr}${result.stdout}`);
  progress('compiled src/ to dist/ (node scripts/build.mjs)', { ms: Math.round(buildMs) });

  started = performance.now();
  const outDir = join(root, OUT_DIR);
  await build({
    entryPoints: [join(root, CHILD_SOURCE)],
    outdir: outDir,
    bundle: true,
    // node_modules load at run time as for dist/; src/ comes from dist/ (plugin above).
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [srcToDist(root, outDir)],
  });
  const childMs = performance.now() - started;
  const subgraphScript = `${OUT_DIR}/subgraph-server.js`;
  progress('compiled the benchmark child', { script: subgraphScript, ms: Math.round(childMs) });
  return { buildMs, childMs, subgraphScript };
}

let compiled: Promise<CompiledBuild> | undefined;

/** Compiles once per benchmark run (the first section that needs it pays). */
export function compiledBuild(root: string): Promise<CompiledBuild> {
  compiled ??= compile(root).catch((error: unknown) => {
    compiled = undefined;
    throw error;
  });
  return compiled;
}
