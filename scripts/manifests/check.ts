/**
 * npm run manifests:check [-- DIR]: installs the tools if needed (cached), renders the
 * kustomization (default deploy/k8s/base) and validates it against the Kubernetes schemas.
 */
import path from 'node:path';
import { ROOT } from '../servers/paths.js';
import { installManifestTools } from './tools.js';
import { KUBERNETES_VERSIONS, checkKustomization } from './validate.js';

const dir = path.resolve(ROOT, process.argv[2] ?? 'deploy/k8s/base');
await installManifestTools();
const result = await checkKustomization(dir);
for (const problem of result.problems) process.stdout.write(`${problem}\n`);
process.stdout.write(`${path.relative(ROOT, dir)}: ${result.passed} resource checks passed against Kubernetes ${KUBERNETES_VERSIONS.join(' and ')}, ${result.problems.length} problems\n`);
process.exit(result.ok ? 0 : 1);
