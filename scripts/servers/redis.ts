/** Redis from Debian's redis-server package, one instance on a free loopback port. */
import path from 'node:path';
import { aptInstall } from './apt.js';
import { which } from './commands.js';
import { info } from './log.js';
import { tcpExchange } from './ports.js';
import type { InstanceLayout, Recipe } from './recipe.js';

let installed: Promise<void> | null = null;

/**
 * Ensures `redis-server` and `redis-cli` (the cluster is created with it), installing
 * Debian's package if not. That package may also start a stock service on 6379; we leave
 * it alone and run our own instances on free ports.
 */
export function installRedis(): Promise<void> {
  installed ??= (async () => {
    const missing = [...(which('redis-server') ? [] : ['redis-server']), ...(which('redis-cli') ? [] : ['redis-tools'])];
    if (missing.length === 0) {
      info('redis: redis-server and redis-cli present');
      return;
    }
    await aptInstall('redis', missing);
    if (!which('redis-server') || !which('redis-cli')) throw new Error(`redis: apt-get installed ${missing.join(' ')} but redis-server or redis-cli is not on PATH`);
    info('redis: installed');
  })();
  return installed;
}

export function redisServerBin(): string {
  const bin = which('redis-server');
  if (!bin) throw new Error('redis: redis-server is not installed; run `npm run servers install`');
  return bin;
}

/**
 * Arguments for one redis-server in the foreground (so the pid we hold is the server's
 * own), bound to loopback. Without `persistent` it keeps nothing on disk; with it every
 * write goes to an append-only file first, so a restart — even after SIGKILL — finds the data.
 */
export function redisServerArgs(port: number, dataDir: string, persistent: boolean): string[] {
  const persistence = persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--daemonize', 'no', '--dir', dataDir, '--logfile', ''];
}

/** Sends one inline command and resolves with the raw reply once it is complete. */
export async function redisCommand(port: number, command: string): Promise<string> {
  const reply = await tcpExchange(port, `${command}\r\n`, (b) => isCompleteReply(b.toString('utf8')));
  return reply.toString('utf8');
}

/** A simple-string or error reply ends at its first CRLF; a bulk string once its length is in. */
function isCompleteReply(text: string): boolean {
  const firstLine = text.indexOf('\r\n');
  if (firstLine < 0) return false;
  if (!text.startsWith('$')) return true;
  const length = Number(text.slice(1, firstLine));
  return length < 0 || Buffer.byteLength(text) >= firstLine + 2 + length + 2;
}

/** Inline PING must answer +PONG. */
export async function probeRedis(port: number): Promise<void> {
  const reply = await redisCommand(port, 'PING');
  if (!reply.startsWith('+PONG')) throw new Error(`unexpected PING reply ${JSON.stringify(reply)}`);
}

const port = (layout: InstanceLayout) => layout.ports[0]!;

export const redis: Recipe = {
  name: 'redis',
  envVar: 'REDIS_URL',
  portCount: 1,
  startTimeoutMs: 20_000,
  stopGraceMs: 5_000,
  install: installRedis,
  processes: (layout) => [
    {
      label: 'redis',
      command: redisServerBin(),
      args: redisServerArgs(port(layout), layout.dataDir, layout.persistent),
      cwd: layout.dir,
      logFile: path.join(layout.dir, 'redis.log'),
      port: port(layout),
      probe: () => probeRedis(port(layout)),
    },
  ],
  url: (layout) => `redis://127.0.0.1:${port(layout)}`,
};
