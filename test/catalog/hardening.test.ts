/**
 * Every backing service meets the same hardening in Compose, kustomize and Helm (issue 10):
 * a read-only root filesystem with its writable folders (emptyDirs or tmpfs; folders that keep
 * the image's files as a seeded copy), and a health check. Reported before: the Kafka,
 * Elasticsearch and RabbitMQ StatefulSets had a writable root filesystem, Compose's backing
 * services all did, and Compose's NATS had no health check. And every valid model renders:
 * the Helm chart failed whenever a service depended on a worker (a service without a port).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as helmFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { CATALOG } from '../../lib/catalog/index.js';
import { BACKING_KINDS } from '../../lib/model/types.js';
import { helmAvailable, renderChart } from '../../lib/validate/helm.js';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import type { OutputFile } from '../../lib/render/types.js';
import { everyBacking, service, stack, taskboard } from '../helpers/models.js';
import { itKubectl, kustomize, ruleOptions } from '../kubernetes/kustomize.js';

function write(files: OutputFile[]): string {
  const root = mkdtempSync(join(tmpdir(), 'hardening-'));
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
  return root;
}

const statefulSets = (docs: K8sObject[]) => docs.filter((d) => d.kind === 'StatefulSet') as any[];

describe('backing services: the same hardening everywhere (issue 10)', () => {
  it('every catalog record runs read-only', () => {
    for (const kind of BACKING_KINDS) assert.equal(CATALOG[kind].readOnlyRootFilesystem, true, kind);
  });

  itKubectl('kustomize: every StatefulSet has a read-only root filesystem; seeded folders come from an init container', () => {
    const root = write(kubernetesFiles(everyBacking));
    const docs = kustomize(join(root, 'deploy/kubernetes/overlays/staging'));
    assert.deepEqual(validateManifests(docs), []);
    assert.deepEqual(checkRules(docs, ruleOptions(everyBacking)), []);
    const sets = statefulSets(docs);
    assert.equal(sets.length, Object.keys(everyBacking.backing).length);
    for (const s of sets) {
      const pod = s.spec.template.spec;
      assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true, s.metadata.name);
      const kind = CATALOG[pod.containers[0].name as keyof typeof CATALOG];
      const mounts = pod.containers[0].volumeMounts.map((m: any) => m.mountPath);
      for (const d of [...kind.writableDirs, ...kind.seedDirs]) assert.ok(mounts.includes(d), `${s.metadata.name}: ${d} is writable`);
      if (kind.seedDirs.length) assert.equal(pod.initContainers[0].securityContext.readOnlyRootFilesystem, true);
    }
  });

  it('helm: the same, from values.yaml', function () {
    if (!helmAvailable()) this.skip();
    const root = write(helmFiles(everyBacking));
    const docs = renderChart(join(root, 'deploy/helm', everyBacking.name)) as K8sObject[];
    assert.deepEqual(validateManifests(docs), []);
    for (const s of statefulSets(docs)) {
      assert.equal(s.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem, true, s.metadata.name);
      const kind = CATALOG[s.spec.template.spec.containers[0].name as keyof typeof CATALOG];
      assert.equal(Boolean(s.spec.template.spec.initContainers), kind.seedDirs.length > 0, s.metadata.name);
    }
  });

  it('compose: every backing service is read-only with its writable folders, and has a health check (NATS included)', () => {
    const compose = parse(composeFiles(everyBacking).find((f) => f.path === 'compose.yaml')!.content);
    for (const [name, b] of Object.entries(everyBacking.backing)) {
      const svc = compose.services[name];
      const r = CATALOG[b.kind];
      assert.equal(svc.read_only, true, name);
      assert.deepEqual(svc.tmpfs, r.writableDirs, name);
      for (const d of r.seedDirs) assert.ok(svc.volumes.includes(d), `${name}: ${d} is a volume seeded from the image`);
      assert.ok(svc.healthcheck?.test, `${name} has a health check`);
    }
  });
});

describe('a service may depend on a worker (issue 10)', () => {
  const model = stack('orders', {
    web: service({ path: 'web', language: 'node', port: 3000, start: ['node', 'server.js'], public: true, dependsOn: ['jobs', 'api'] }),
    api: service({ path: 'api', language: 'python', port: 8000, start: ['python', 'app.py'], dependsOn: ['jobs'] }),
    jobs: service({ path: 'jobs', language: 'go', start: ['./jobs'] }),
  });

  it('helm renders it: the dependency on the worker orders the start, with no NetworkPolicy port', function () {
    if (!helmAvailable()) this.skip();
    const docs = renderChart(join(write(helmFiles(model)), 'deploy/helm/orders')) as any[];
    const web = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'orders-web');
    assert.deepEqual(web.spec.egress.map((r: any) => r.ports[0].port), [8000]);
    assert.deepEqual(checkRules(docs, ruleOptions(model)), []);
  });

  itKubectl('kustomize agrees', () => {
    const docs = kustomize(join(write(kubernetesFiles(model)), 'deploy/kubernetes/base')) as any[];
    const web = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'orders-web');
    assert.deepEqual(web.spec.egress.map((r: any) => r.ports[0].port), [8000]);
  });

  it('compose waits for the worker to start', () => {
    const compose = parse(composeFiles(model).find((f) => f.path === 'compose.yaml')!.content);
    assert.deepEqual(compose.services.web.depends_on.jobs, { condition: 'service_started' });
  });
});

describe('services that call each other (a cycle) render in Compose', () => {
  it('the dependencies inside the cycle are no depends_on; the rest still order the start', () => {
    const m = structuredClone(taskboard);
    m.services.api!.dependsOn = ['redis', 'web'];
    const compose = parse(composeFiles(m).find((f) => f.path === 'compose.yaml')!.content);
    assert.deepEqual(Object.keys(compose.services.web.depends_on).sort(), ['stats']);
    assert.deepEqual(Object.keys(compose.services.api.depends_on).sort(), ['redis']);
  });
});
