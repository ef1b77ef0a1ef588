/**
 * A cross-process lock (a directory, created atomically), so that two `start`s or two
 * installs at once do not both do the work: the second waits, then finds it done. A lock
 * whose holder has died is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readJson, writeJsonAtomic } from './json-file.js';
import { info, warn } from './log.js';
import { CACHE, rel } from './paths.js';
import { isSameProcess, procStartTime } from './processes.js';

interface Owner {
  pid: number;
  startTime: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withLock<T>(name: string, work: () => Promise<T>, timeoutMs = 20 * 60_000): Promise<T> {
  const dir = path.join(CACHE, `${name}.lock`);
  const me: Owner = { pid: process.pid, startTime: procStartTime(process.pid) };
  const t0 = Date.now();
  let told = false;
  fs.mkdirSync(CACHE, { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(dir);
      writeJsonAtomic(path.join(dir, 'owner.json'), me);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readJson<Owner>(path.join(dir, 'owner.json'));
      const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      // No owner file yet is normal for a moment; after 10 s it is a crashed holder.
      if ((owner && !isSameProcess(owner.pid, owner.startTime)) || (!owner && age > 10_000)) {
        warn(`taking over the ${name} lock left by a process that is gone`, { owner });
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`${name}: another process (pid ${owner?.pid}) holds ${rel(dir)}`);
      if (!told) {
        info(`waiting for another \`${name}\` (pid ${owner?.pid}) to finish`);
        told = true;
      }
      await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
