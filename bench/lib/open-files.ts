/** The open-file limit the fan-out benchmark needs: one socket per subscriber, in both processes. */
import { spawnSync } from 'node:child_process';
import { openFilesLimit } from './cpu.js';
import { progress } from './log.js';

/**
 * This process's soft limit on open files, raised to `needed` when it is lower and it can
 * be: node raises its soft limit to the hard limit at start, and past the hard limit only
 * `prlimit` run as root can go (children started afterwards inherit both). Throws with
 * what to do when the limit stays too low.
 */
export function ensureOpenFiles(needed: number, who: string): number | null {
  const limit = openFilesLimit('self');
  if (limit === null || limit >= needed) return limit;
  const wanted = Math.max(needed, 65_536);
  const raised = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${wanted}:${wanted}`], { encoding: 'utf8' });
  const after = openFilesLimit('self');
  if (after !== null && after >= needed) {
    progress('raised the open-file limit', { from: limit, to: after });
    return after;
  }
  const why = raised.error ? raised.error.message : (raised.stderr || '').trim() || `exit ${raised.status}`;
  throw new Error(
    `${who} may open ${after ?? limit} files but BENCH_SUBSCRIBERS needs about ${needed} (one socket per subscriber plus headroom), ` +
      `and raising it with prlimit failed (${why}); raise it in the shell that runs npm run bench (\`ulimit -Hn ${wanted}; ulimit -n ${wanted}\`, ` +
      `as root or within the hard limit) or lower BENCH_SUBSCRIBERS`,
  );
}
