/** Debian packages the servers need (redis-server, a JDK, Maven), installed when missing. */
import path from 'node:path';
import { runLogged } from './commands.js';
import { info } from './log.js';
import { INSTALL_LOGS } from './paths.js';

/** apt-get holds dpkg's lock: installs asked for in parallel run one after the other. */
let queue: Promise<void> = Promise.resolve();
let updated = false;

/** apt-get install, after one `apt-get update` per process (fresh images have no package lists). */
export function aptInstall(label: string, packages: string[]): Promise<void> {
  if (process.getuid?.() !== 0) {
    return Promise.reject(
      new Error(`${label}: ${packages.join(' ')} is missing and installing it needs root: run \`sudo apt-get install -y ${packages.join(' ')}\``),
    );
  }
  const logFile = path.join(INSTALL_LOGS, 'apt.log');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = async () => {
    if (!updated) {
      info(`${label}: apt-get update`);
      await runLogged('apt-get update', 'apt-get', ['update'], { env, logFile });
      updated = true;
    }
    info(`${label}: apt-get install -y ${packages.join(' ')}`);
    await runLogged(`${label}: apt-get install`, 'apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, logFile });
  };
  const done = queue.then(install);
  queue = done.catch(() => {});
  return done;
}
