/**
 * Renders a kustomization and validates every resource against the Kubernetes schemas,
 * offline. A resource whose kind has no schema counts as a failure, not a warning.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KUBERNETES_VALIDATE, KUSTOMIZE } from './tools.js';

const run = promisify(execFile);

/** The oldest Kubernetes the manifests support (the preStop `sleep` action needs 1.30) and the newest schemas shipped. */
export const KUBERNETES_VERSIONS = ['1.30.0', '1.35.0'];

export interface Validation {
  ok: boolean;
  /** One line per problem: `ERROR …` from the schemas, `WARN …` for an unknown kind. */
  problems: string[];
  /** Resources that passed, per Kubernetes version. */
  passed: number;
}

function requireTool(bin: string): void {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run manifests:check\` (or npm test), which installs it`);
}

/** `kustomize build DIR`: the YAML the cluster would receive. Rejects with kustomize's own message. */
export async function renderKustomization(dir: string): Promise<string> {
  requireTool(KUSTOMIZE);
  try {
    const { stdout } = await run(KUSTOMIZE, ['build', dir], { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`kustomize build ${dir} failed: ${stderr?.trim() || (error as Error).message}`);
  }
}

/** Validates rendered YAML (strict: unknown fields are errors) against each supported version. */
export async function validateRendered(yaml: string): Promise<Validation> {
  requireTool(KUBERNETES_VALIDATE);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-validate-'));
  const file = path.join(dir, 'rendered.yaml');
  fs.writeFileSync(file, yaml);
  const problems: string[] = [];
  let passed = 0;
  try {
    for (const version of KUBERNETES_VERSIONS) {
      const { code, output } = await run(KUBERNETES_VALIDATE, ['--strict', '--kubernetes-version', version, file]).then(
        ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: (error.stdout ?? '') + (error.stderr ?? '') }),
      );
      const lines = output.split('\n').map((line) => line.replace(file, 'rendered.yaml'));
      passed += lines.filter((line) => line.startsWith('INFO') && line.includes(' passed ')).length;
      problems.push(...lines.filter((line) => line.startsWith('ERROR') || line.startsWith('WARN')));
      if (code !== 0 && !lines.some((line) => line.startsWith('ERROR'))) problems.push(`ERROR kubernetes-validate exited with ${code}: ${output.trim()}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { ok: problems.length === 0, problems, passed };
}

/** Renders and validates; the CLI form prints the result and exits non-zero on a problem. */
export async function checkKustomization(dir: string): Promise<Validation> {
  return validateRendered(await renderKustomization(dir));
}
