/**
 * How the benchmark starts a subgraph child: as `npm start` runs the service, on plain node
 * with the flags of package.json's start script (the image's CMD carries the same ones:
 * test/deploy/node-flags.test.ts), so a flag changed there is measured here too.
 */
import { readFileSync } from 'node:fs';
import { spawnChild, type Child, type SpawnOptions } from './children.js';

const START_COMMAND = /(?:^|&&\s*)node\s+((?:--\S+\s+)*)dist\/index\.js\s*$/;

/** The node flags of the start script of `packageJson` (throws when it does not run `node … dist/index.js`). */
export function startScriptNodeFlags(packageJson: { scripts?: Record<string, string> }): string[] {
  const start = packageJson.scripts?.start ?? '';
  const match = START_COMMAND.exec(start);
  if (!match) throw new Error(`package.json's start script does not end with "node [flags] dist/index.js": ${start}`);
  return match[1]!.split(/\s+/).filter(Boolean);
}

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts?: Record<string, string> };

/** Node flags of the subgraph child: those `npm start` runs the service with. */
const SUBGRAPH_NODE_ARGS: readonly string[] = startScriptNodeFlags(packageJson);

/**
 * Process environment of the subgraph child. NODE_ENV must be in the real environment
 * too, not just in the app config: graphql-js and Apollo Server read process.env.NODE_ENV
 * themselves (graphql-js picks its cheaper production `instanceOf` at load time).
 */
const SUBGRAPH_PROCESS_ENV: Record<string, string> = { NODE_ENV: 'production' };

/** A subgraph child with the start script's node flags and NODE_ENV, then the caller's own flags and environment. */
export function spawnSubgraph(options: SpawnOptions): Child {
  return spawnChild({ ...options, nodeArgs: [...SUBGRAPH_NODE_ARGS, ...(options.nodeArgs ?? [])], env: { ...SUBGRAPH_PROCESS_ENV, ...options.env } });
}
