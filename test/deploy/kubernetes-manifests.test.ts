import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { installManifestTools } from '../../scripts/manifests/tools.js';
import { KUBERNETES_VERSIONS, renderKustomization, validateRendered } from '../../scripts/manifests/validate.js';
import { ConfigError, ENVIRONMENT_VARIABLES, loadConfig } from '../../src/config.js';

const BASE = path.resolve(import.meta.dirname, '../../deploy/k8s/base');

interface Resource {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/* The parts of the rendered resources these tests read. */
interface Container {
  ports: { name: string; containerPort: number }[];
  envFrom: ({ configMapRef: { name: string } } | { secretRef: { name: string } })[];
  env: { name: string }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  lifecycle: { preStop: { sleep: { seconds: number } } };
}
interface Deployment extends Resource {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { terminationGracePeriodSeconds: number; containers: Container[] } };
  };
}

function parseResources(yaml: string): Resource[] {
  return parseAllDocuments(yaml).map((document) => document.toJS() as Resource);
}

function only<T extends Resource>(resources: Resource[], kind: string): T {
  const found = resources.filter((resource) => resource.kind === kind);
  assert.equal(found.length, 1, `one ${kind} in the rendered base`);
  return found[0] as T;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('Kubernetes manifests (deploy/k8s/base)', () => {
  let rendered: string;
  let resources: Resource[];
  let deployment: Deployment;
  let container: Container;

  before(async () => {
    await installManifestTools();
    rendered = await renderKustomization(BASE);
    resources = parseResources(rendered);
    deployment = only<Deployment>(resources, 'Deployment');
    container = deployment.spec.template.spec.containers[0]!;
  });

  it(`render with kustomize and pass strict validation against the Kubernetes ${KUBERNETES_VERSIONS.join(' and ')} schemas`, async () => {
    const result = await validateRendered(rendered);
    assert.deepEqual(result.problems, []);
    assert.equal(result.passed, resources.length * KUBERNETES_VERSIONS.length);
    assert.deepEqual(
      resources.map((resource) => resource.kind).sort(),
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceAccount'],
    );
  });

  it('rejects a field of the wrong type, a misspelt field and a kind without a schema', async () => {
    const broken = [
      [rendered.replace('containerPort: 4001', 'containerPort: "4001 tcp"'), /containerPort: '4001 tcp' is not of type 'integer'/],
      [rendered.replace('failureThreshold: 3', 'failureTreshold: 3'), /'failureTreshold' was unexpected/],
      [rendered.replace('kind: PodDisruptionBudget', 'kind: PodDisruptionBudge'), /Couldn't find schema for kind PodDisruptionBudge/],
    ] as const;
    for (const [yaml, problem] of broken) {
      assert.notEqual(yaml, rendered, `the mutation applies (${problem})`);
      const result = await validateRendered(yaml);
      assert.equal(result.ok, false, `accepted although ${problem}`);
      assert.ok(result.problems.some((line) => problem.test(line)), result.problems.join('\n'));
    }
  });

  describe('a kustomization naming a file that is not there', () => {
    let copy: string;
    before(() => {
      copy = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-base-'));
      fs.cpSync(BASE, copy, { recursive: true });
      const kustomization = path.join(copy, 'kustomization.yaml');
      fs.writeFileSync(kustomization, fs.readFileSync(kustomization, 'utf8').replace('  - service.yaml\n', '  - service.yaml\n  - ingress.yaml\n'));
    });
    after(() => fs.rmSync(copy, { recursive: true, force: true }));

    it('does not render', async () => {
      await assert.rejects(renderKustomization(copy), /kustomize build .* failed: .*ingress\.yaml/s);
    });
  });

  it('probes /live and /ready on the named container port, and sets requests and limits', () => {
    const port = container.ports.find((entry) => entry.name === container.livenessProbe.httpGet.port);
    assert.equal(port?.containerPort, 4001);
    assert.deepEqual(container.livenessProbe.httpGet, { path: '/live', port: 'http' });
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/ready', port: 'http' });
    for (const resource of ['cpu', 'memory']) {
      assert.ok(container.resources.requests[resource], `requests.${resource}`);
      assert.ok(container.resources.limits[resource], `limits.${resource}`);
    }
  });

  it('leaves time for the preStop pause and a graceful shutdown before the kill', () => {
    const preStop = container.lifecycle.preStop.sleep.seconds;
    const grace = deployment.spec.template.spec.terminationGracePeriodSeconds;
    // After the pause, shutdown drains requests, flushes the outbox and commits offsets.
    assert.ok(grace >= preStop + 30, `terminationGracePeriodSeconds ${grace} leaves less than 30 s after a ${preStop} s preStop`);
  });

  it('points the Service, the PodDisruptionBudget and the autoscaler at the Deployment and its pods', () => {
    const podLabels = deployment.spec.template.metadata.labels;
    assert.ok(matches(deployment.spec.selector.matchLabels, podLabels));
    const service = only<Resource & { spec: { selector: Record<string, string>; ports: { targetPort: string }[] } }>(resources, 'Service');
    assert.ok(matches(service.spec.selector, podLabels));
    assert.equal(service.spec.ports[0]?.targetPort, 'http');
    const budget = only<Resource & { spec: { selector: { matchLabels: Record<string, string> } } }>(resources, 'PodDisruptionBudget');
    assert.ok(matches(budget.spec.selector.matchLabels, podLabels));
    const autoscaler = only<Resource & { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number } }>(resources, 'HorizontalPodAutoscaler');
    assert.deepEqual(autoscaler.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    assert.ok(autoscaler.spec.minReplicas >= 2, 'the budget lets one pod go while another serves');
  });

  describe('configuration', () => {
    let configMap: Resource & { data: Record<string, string> };
    let secret: Resource & { stringData: Record<string, string> };
    before(() => {
      configMap = only(resources, 'ConfigMap');
      secret = only(resources, 'Secret');
    });

    it('gives the service every variable it reads, secrets from the Secret, the rest from the ConfigMap, and nothing else', () => {
      const refs = container.envFrom.map((source) => ('configMapRef' in source ? source.configMapRef.name : source.secretRef.name));
      assert.deepEqual(refs, [configMap.metadata.name, secret.metadata.name]);
      const fromPod = container.env.map((entry) => entry.name).filter((name) => name !== 'NODE_OPTIONS');
      const provided = [...Object.keys(configMap.data), ...Object.keys(secret.stringData), ...fromPod];
      assert.deepEqual([...provided].sort(), [...ENVIRONMENT_VARIABLES].sort());
      for (const name of ['MONGODB_URL', 'REDIS_URL', 'NEO4J_PASSWORD', 'JWT_SECRET', 'ROUTER_SECRET']) {
        assert.ok(name in secret.stringData, `${name} is a secret`);
      }
    });

    it('starts in production on a Redis Cluster once the secrets are filled in, and refuses to while they are empty', () => {
      const filled = {
        ...configMap.data,
        MONGODB_URL: 'mongodb://mongo-0.mongo:27017/?replicaSet=rs0',
        REDIS_URL: 'redis://redis-0.redis:6379,redis://redis-1.redis:6379,redis://redis-2.redis:6379',
        NEO4J_PASSWORD: 'graph-password',
        JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
        ROUTER_SECRET: 'router-secret-0123456789',
        INSTANCE_ID: 'events-subgraph-7d9f-abcde',
      };
      const config = loadConfig(filled);
      assert.equal(config.env, 'production');
      assert.equal(config.redis?.cluster, true);
      assert.equal(config.graphql.introspection, false);

      assert.throws(
        () => loadConfig({ ...configMap.data, ...secret.stringData, INSTANCE_ID: 'events-subgraph-7d9f-abcde' }),
        (error: unknown) =>
          error instanceof ConfigError && ['MONGODB_URL', 'JWT_SECRET'].every((name) => error.issues.some((issue) => issue.startsWith(name))),
      );
    });
  });
});
