/** Small JSON state files (stamps, run state), written atomically. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** A content hash of what a cached build depends on (sources, tool versions). */
export function sha256(...parts: (string | Buffer)[]): string {
  const hash = crypto.createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

interface Stamp {
  hash: string;
}

/** True when `stampFile` records `hash` (the cached build is still what the sources ask for). */
export function stampMatches(stampFile: string, hash: string): boolean {
  return readJson<Stamp>(stampFile)?.hash === hash;
}

export function writeStamp(stampFile: string, hash: string, details: Record<string, unknown> = {}): void {
  writeJsonAtomic(stampFile, { hash, ...details, at: new Date().toISOString() });
}
