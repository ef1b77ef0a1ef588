/** Where the test servers' recipes live and where their builds, runs and logs go. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Sources of the launchers and poms (FerretDB Go program, Kafka and Neo4j poms). */
export const SERVERS_SRC = path.join(ROOT, 'servers');
export const CACHE = path.join(ROOT, '.cache', 'servers');
/** One directory per start (data, logs, state.json); the last few are kept for post-mortems. */
export const RUNS = path.join(CACHE, 'runs');
export const INSTALL_LOGS = path.join(CACHE, 'install-logs');
/** The run that the CLI's `start` left running (read by `env`, `status`, `stop`). */
export const STATE_FILE = path.join(CACHE, 'state.json');

/** A path relative to the repository, for logs and messages. */
export function rel(file: string): string {
  return path.relative(ROOT, file);
}
