#!/usr/bin/env node
/**
 * Compiles src/ to dist/ with esbuild (well under a second), so the service starts as
 * plain JavaScript; packages stay external and load from node_modules. Type checking
 * is `npm run typecheck` (part of npm test).
 */
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const started = Date.now();
const sources = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
await build({
  entryPoints: sources('src'),
  outdir: 'dist',
  outbase: 'src',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', component: 'build', msg: 'compiled src/ to dist/', ms: Date.now() - started })}\n`);
