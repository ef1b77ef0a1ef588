/**
 * The tools that check deploy/k8s offline, installed by the project into .cache/tools:
 * kustomize (built from its Go module) renders the kustomization, and kubernetes-validate
 * (from PyPI, in a virtualenv; it ships the Kubernetes JSON schemas) validates the result.
 * Cached: a second run only compares two stamps.
 */
import fs from 'node:fs';
import path from 'node:path';
import { aptInstall } from '../servers/apt.js';
import { capture, runLogged, which, allOrThrow } from '../servers/commands.js';
import { sha256, stampMatches, writeStamp } from '../servers/json-file.js';
import { withLock } from '../servers/lock.js';
import { info, secondsSince } from '../servers/log.js';
import { ROOT, rel } from '../servers/paths.js';

const KUSTOMIZE_MODULE = 'sigs.k8s.io/kustomize/kustomize/v5';
const KUSTOMIZE_VERSION = 'v5.7.1';
const KUBERNETES_VALIDATE_VERSION = '1.35.0';

const TOOLS = path.join(ROOT, '.cache', 'tools');
const LOGS = path.join(TOOLS, 'install-logs');
const VENV = path.join(TOOLS, 'k8s-venv');
export const KUSTOMIZE = path.join(TOOLS, 'bin', 'kustomize');
export const KUBERNETES_VALIDATE = path.join(VENV, 'bin', 'kubernetes-validate');

async function installKustomize(): Promise<void> {
  const go = which('go');
  if (!go) throw new Error('kustomize: `go` is not on PATH; kustomize is built from its Go module');
  const goVersion = (await capture(go, ['version'])).trim();
  const stamp = `${KUSTOMIZE}.stamp.json`;
  const hash = sha256(KUSTOMIZE_VERSION, goVersion);
  if (fs.existsSync(KUSTOMIZE) && stampMatches(stamp, hash)) return info('kustomize: up to date', { bin: rel(KUSTOMIZE) });
  const t0 = Date.now();
  info(`kustomize: building ${KUSTOMIZE_VERSION} with ${goVersion} (first time downloads modules)`);
  const gobin = `${path.dirname(KUSTOMIZE)}.${process.pid}.tmp`;
  fs.rmSync(gobin, { recursive: true, force: true });
  await runLogged('kustomize: go install', go, ['install', `${KUSTOMIZE_MODULE}@${KUSTOMIZE_VERSION}`], {
    env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
    logFile: path.join(LOGS, 'kustomize.log'),
  });
  fs.mkdirSync(path.dirname(KUSTOMIZE), { recursive: true });
  fs.renameSync(path.join(gobin, 'kustomize'), KUSTOMIZE);
  fs.rmSync(gobin, { recursive: true, force: true });
  writeStamp(stamp, hash, { goVersion });
  info(`kustomize: built in ${secondsSince(t0)}s`);
}

async function installKubernetesValidate(): Promise<void> {
  const python = which('python3');
  if (!python) throw new Error('kubernetes-validate: python3 is not on PATH');
  const pythonVersion = (await capture(python, ['--version'])).trim();
  const stamp = path.join(VENV, 'stamp.json');
  const hash = sha256(KUBERNETES_VALIDATE_VERSION, pythonVersion);
  if (fs.existsSync(KUBERNETES_VALIDATE) && stampMatches(stamp, hash)) return info('kubernetes-validate: up to date');
  const t0 = Date.now();
  const logFile = path.join(LOGS, 'kubernetes-validate.log');
  info(`kubernetes-validate: installing ${KUBERNETES_VALIDATE_VERSION} from PyPI into ${rel(VENV)}`);
  fs.rmSync(VENV, { recursive: true, force: true });
  const venv = () => runLogged('kubernetes-validate: venv', python, ['-m', 'venv', VENV], { logFile });
  await venv().catch(async () => {
    // Debian ships venv's pip bootstrap separately.
    fs.rmSync(VENV, { recursive: true, force: true });
    await aptInstall('kubernetes-validate', ['python3-venv']);
    await venv();
  });
  const pip = path.join(VENV, 'bin', 'pip');
  await runLogged('kubernetes-validate: pip install', pip, ['install', '--disable-pip-version-check', '--quiet', `kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`], { logFile });
  writeStamp(stamp, hash, { pythonVersion });
  info(`kubernetes-validate: installed in ${secondsSince(t0)}s`);
}

/** Installs (or finds cached) kustomize and kubernetes-validate. */
export async function installManifestTools(): Promise<void> {
  await withLock('manifest-tools', () =>
    allOrThrow('manifest tools install', { kustomize: installKustomize(), 'kubernetes-validate': installKubernetesValidate() }),
  );
}
