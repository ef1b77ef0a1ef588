/**
 * Progress of the test servers as JSON lines on stderr (stdout is left for the CLI's
 * `export` lines and status).
 */
import fs from 'node:fs';

type Level = 'info' | 'warn' | 'error';

export function log(level: Level, msg: string, extra: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, component: 'test-servers', msg, ...extra })}\n`);
}

export const info = (msg: string, extra?: Record<string, unknown>) => log('info', msg, extra);
export const warn = (msg: string, extra?: Record<string, unknown>) => log('warn', msg, extra);

export function secondsSince(t0: number): number {
  return Math.round((Date.now() - t0) / 100) / 10;
}

/** Last `lines` lines of a log file, for error messages. */
export function tail(file: string, lines = 40): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 16_384);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').split('\n').slice(-lines).join('\n').trimEnd();
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    return `(no log: ${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}

/** Text appended to a log file since byte `offset` (a restarted server appends to the same log). */
export function readSince(file: string, offset: number): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= offset) return '';
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

export function sizeOf(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

/** Long arguments (classpaths) shortened for logs, so log tails in errors stay readable. */
export function shortArg(arg: string): string {
  return arg.length > 160 ? `${arg.slice(0, 120)}…(${arg.length} chars)` : arg;
}
