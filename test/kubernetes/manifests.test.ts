/**
 * The plain manifests (generators/kubernetes), proven with real tools over a
 * matrix of models (every language, workers, every backing kind in and out
 * of the cluster, with and without public services and so Ingresses, secrets
 * and none) and every environment:
 *   every rendered resource file, and `kubectl kustomize` of the base, each
 *   overlay and an "everything external" overlay, through strict Kubernetes
 *   schema validation (unknown fields are errors) and our rules
 *   (lib/validate/k8s.ts checkRules: selectors, probes, resources, restricted
 *   securityContext with runAsUser 10001, Service targetPorts, references),
 *   plus the stage's own promises below.
 * Tests that run kubectl are skipped, saying why, only when .tools/bin/kubectl
 * is absent (`bash scripts/setup/tools.sh` installs it; npm test and CI run it).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { files } from '../../generators/kubernetes/files.js';
import { ENVIRONMENTS, planKubernetes, type Environment } from '../../generators/kubernetes/plan.js';
import type { StackModel } from '../../lib/model/types.js';
import { APP_VERSION } from '../../lib/render/workloads.js';
import { parseManifests } from '../../lib/validate/helm.js';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import { validateOutputs } from '../../lib/validate/outputs.js';
import { K8S_MODELS, METRICS, POLYGLOT, QUIRKS, SHOP } from '../helpers/k8s-models.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { envProblems } from '../helpers/wiring-checks.js';
import { admittedFromOutside } from '../helpers/netpol.js';
import { POLYGLOT_PROBES, probesOf } from '../helpers/probes.js';
import { danglingDocReferences } from '../helpers/references.js';
import { itKubectl, kustomize, ruleOptions, writeFiles } from './kustomize.js';

/** Created in the root suite's before(), removed in its after() (not at load time: a --grep run would leak it). */
let scratch = '';
const MODELS: Record<string, StackModel> = { ...K8S_MODELS, ...Object.fromEntries(Object.entries(SAMPLE_MODELS).map(([k, m]) => [`sample-${k}`, m])) };

/** Render a model's files into a fresh folder; returns deploy/kubernetes in it. */
function writeModel(model: StackModel, tag: string): string {
  const root = join(scratch, tag);
  writeFiles(root, files(model));
  return join(root, 'deploy', 'kubernetes');
}

interface Scenario {
  title: string;
  /** Folder below deploy/kubernetes to kustomize. */
  dir: string;
  /** The environment's plan, or null for the base. */
  env: Environment | null;
  /** Backing services expected outside the cluster (by name or IP). */
  external: string[];
  /** Backing services expected outside the cluster behind an ambassador. */
  ambassadors?: string[];
}

function scenarios(model: StackModel): Scenario[] {
  const plan = planKubernetes(model);
  const out: Scenario[] = [{ title: 'base', dir: 'base', env: null, external: [] }];
  for (const name of ENVIRONMENTS) {
    const env = plan.environments[name];
    const behind = env.ambassadors.map((w) => w.o.b.name);
    out.push({ title: `overlays/${name}`, dir: `overlays/${name}`, env, external: env.external.map((b) => b.name).filter((n) => !behind.includes(n)), ambassadors: behind });
  }
  if (plan.backing.length) out.push({ title: 'every backing service external (all components)', dir: 'overlays/all-external', env: null, external: plan.backing.map((b) => b.name) });
  return out;
}

/** An overlay with every external-<name> component, written next to the generated ones. */
function writeAllExternal(k8sDir: string, model: StackModel): void {
  const names = Object.keys(model.backing).sort();
  if (!names.length) return;
  mkdirSync(join(k8sDir, 'overlays', 'all-external'), { recursive: true });
  writeFileSync(
    join(k8sDir, 'overlays', 'all-external', 'kustomization.yaml'),
    ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', '  - ../../base', 'components:', ...names.map((n) => `  - ../../components/external-${n}`), ''].join('\n'),
  );
}

const LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];

/** The stage's promises beyond the generic rules. */
function promises(model: StackModel, docs: K8sObject[], s: Scenario): string[] {
  const problems: string[] = [];
  const add = (m: string) => problems.push(m);
  const app = model.name;
  const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata?.name === name);
  const plan = planKubernetes(model);

  for (const d of docs) {
    const id = `${d.kind}/${d.metadata?.name}`;
    if (d.kind === 'Secret') add(`${id}: the manifests must never hold a Secret`);
    for (const l of LABELS) if (!d.metadata?.labels?.[l]) add(`${id}: label ${l} is missing`);
    if (s.env && d.metadata?.namespace !== s.env.namespace) add(`${id}: namespace ${d.metadata?.namespace}, expected ${s.env.namespace}`);
    if (s.dir === 'base' && d.metadata?.namespace) add(`${id}: the base must be namespace-agnostic`);
    if (d.kind === 'NetworkPolicy') {
      const spec = d.spec as { ingress?: { from?: unknown[] }[]; egress?: { to?: unknown[] }[] };
      spec.ingress?.forEach((r, i) => (r.from?.length ? null : add(`${id}: ingress rule ${i} has no "from" (would allow all)`)));
      spec.egress?.forEach((r, i) => (r.to?.length ? null : add(`${id}: egress rule ${i} has no "to" (would allow all)`)));
    }
    if (d.kind === 'ConfigMap') {
      const owner = d.metadata?.labels?.['app.kubernetes.io/component'] ?? '';
      const svc = model.services[owner];
      // An ambassador's HAProxy configuration: a plain name (its pods carry checksum/config).
      if ((s.ambassadors ?? []).some((b) => owner === `${b}-ambassador`)) {
        if (d.metadata?.name !== `${app}-${owner}`) add(`${id}: expected the name ${app}-${owner}`);
      } else if (!svc) add(`${id}: a ConfigMap of no service`);
      else {
        if (!new RegExp(`^${app}-${owner}-[a-z0-9]{10}$`).test(d.metadata?.name ?? '')) add(`${id}: not a generated (hash-suffixed) name`);
      }
    }
  }
  if (!find('NetworkPolicy', `${app}-default-deny`)) add('no default-deny NetworkPolicy');

  for (const [name, svc] of Object.entries(model.services)) {
    // A release command is a Job run to completion; every other service a Deployment.
    const kind = svc.release ? 'Job' : 'Deployment';
    const workload = find(kind, `${app}-${name}`);
    if (!workload) {
      add(`service ${name}: no ${kind} ${app}-${name}`);
      continue;
    }
    if (svc.release && find('Deployment', `${app}-${name}`)) add(`service ${name}: a release command got a Deployment`);
    const spec = workload.spec as any;
    const c = spec.template.spec.containers[0];
    // A process of another service's image runs that image, with its start as args.
    const repo = `${model.registry}/${app}-${svc.imageFrom ?? name}`;
    if (c.image !== `${repo}:${APP_VERSION}`) add(`service ${name}: image ${c.image}, expected ${repo}:${APP_VERSION}`);
    if (svc.imageFrom && JSON.stringify(c.args) !== JSON.stringify(svc.start)) add(`service ${name}: args ${JSON.stringify(c.args)}, expected its start ${JSON.stringify(svc.start)}`);
    if (!svc.imageFrom && c.args !== undefined) add(`service ${name}: args set on an image's own service`);
    if (svc.release) {
      if (spec.template.spec.restartPolicy !== 'Never') add(`service ${name}: a Job pod must not restart in place`);
      if (typeof spec.backoffLimit !== 'number') add(`service ${name}: a Job without backoffLimit`);
      if (s.env?.replicas.some((r) => r.name === `${app}-${name}`)) add(`service ${name}: replicas for a Job`);
      continue;
    }
    const config = (docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.labels?.['app.kubernetes.io/component'] === name)?.data ?? {}) as Record<string, string>;
    for (const p of envProblems(model, name, c.env ?? [], config, (b) => `${app}-${b}`)) add(p);
    if (svc.port === null && (c.ports ?? []).some((p: { name?: string }) => p.name !== 'metrics')) add(`service ${name}: a worker declares ports (other than its metrics port)`);
    const service = find('Service', name);
    if (svc.port !== null && !service) add(`service ${name}: no Service named ${name} (the hostname the code uses)`);
    if (svc.port !== null && service && (service.spec as any).ports[0].port !== svc.port) add(`Service/${name}: port is not the model's ${svc.port}`);
    if (svc.port === null && service) add(`service ${name}: a worker got a Service`);
    // Replicas, autoscaling and disruption budgets per environment.
    const scaled = s.env?.autoscaled.some((x) => x.name === name) ?? false;
    const hpa = find('HorizontalPodAutoscaler', `${app}-${name}`);
    if (scaled !== !!hpa) add(`service ${name}: HorizontalPodAutoscaler ${hpa ? 'unexpected' : 'missing'}`);
    if (scaled && spec.replicas !== undefined) add(`service ${name}: autoscaled but replicas is set (a deploy would reset the HPA's count)`);
    const expectedReplicas = scaled ? undefined : (s.env?.replicas.find((r) => r.name === `${app}-${name}`)?.count ?? 1);
    if (!scaled && spec.replicas !== expectedReplicas) add(`service ${name}: replicas ${spec.replicas}, expected ${expectedReplicas}`);
    const pdb = find('PodDisruptionBudget', `${app}-${name}`);
    const wantPdb = s.env?.disruptionBudgets.some((x) => x.name === name) ?? false;
    if (wantPdb !== !!pdb) add(`service ${name}: PodDisruptionBudget ${pdb ? 'unexpected' : 'missing'}`);
  }
  for (const [name, b] of Object.entries(model.backing)) {
    const service = find('Service', name);
    const spec = service?.spec as { type?: string; externalName?: string; clusterIP?: string; selector?: unknown } | undefined;
    if (!service) add(`backing ${name}: no Service named ${name}`);
    else if ((s.ambassadors ?? []).includes(name)) {
      // Details in test/kubernetes/ambassador.test.ts: here, the Service selects the ambassador and nothing runs in the cluster.
      const selector = spec?.selector as Record<string, string> | undefined;
      if (spec?.type !== 'ClusterIP' || selector?.['app.kubernetes.io/component'] !== `${name}-ambassador`) add(`backing ${name}: expected a ClusterIP Service selecting its ambassador`);
      if (!find('Deployment', `${app}-${name}-ambassador`)) add(`backing ${name}: no ambassador Deployment`);
      if (find('StatefulSet', `${app}-${name}`)) add(`backing ${name}: behind an ambassador but a StatefulSet was rendered`);
    } else if (s.external.includes(name)) {
      if (spec?.type !== 'ExternalName' || !spec.externalName) add(`backing ${name}: expected an ExternalName Service`);
      if (spec?.selector || spec?.clusterIP) add(`backing ${name}: the ExternalName Service kept a selector or clusterIP`);
      if (find('StatefulSet', `${app}-${name}`)) add(`backing ${name}: external but a StatefulSet was rendered`);
      if (find('NetworkPolicy', `${app}-${name}`)) add(`backing ${name}: external but its in-cluster NetworkPolicy was kept`);
      const clients = find('NetworkPolicy', `${app}-${name}-clients`);
      if (clients && JSON.stringify((clients.spec as any).egress[0].to) !== JSON.stringify([{ ipBlock: { cidr: '0.0.0.0/0' } }]))
        add(`backing ${name}: its clients' egress does not point outside the cluster`);
    } else {
      if (spec?.clusterIP !== 'None') add(`backing ${name}: expected a headless Service`);
      if (!find('StatefulSet', `${app}-${name}`)) add(`backing ${name} (${b.kind}): no StatefulSet`);
    }
  }
  const ingress = docs.filter((d) => d.kind === 'Ingress');
  const wantIngress = !!s.env && plan.publicServices.length > 0;
  if (wantIngress !== ingress.length > 0) add(`Ingress ${ingress.length ? 'unexpected' : 'missing'}`);
  if (wantIngress) {
    const hosts = ((ingress[0]!.spec as any).rules as { host: string }[]).map((r) => r.host).sort();
    assert.deepEqual(hosts, s.env!.ingressHosts.map((h) => h.host).sort());
    if (!!s.env!.tlsSecret !== !!(ingress[0]!.spec as any).tls) add('Ingress TLS does not match the environment');
  }
  return problems;
}

/** The resource files of the tree (not kustomizations, env files or patches): each must be complete, valid objects. */
const RESOURCE_FILE = /\/(base\/(deployment|job|service|serviceaccount|backing|networkpolicy)|overlays\/[a-z]+\/(ingress|hpa|pdb))\.yaml$/;

describe('kubernetes manifests', () => {
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'k8s-manifests-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe('rendering (no kubectl needed)', () => {
    for (const [key, model] of Object.entries(MODELS)) {
      it(`${key}: deterministic output, every YAML parses, every resource file passes the strict schemas`, () => {
        const a = files(model);
        assert.deepEqual(files(model), a, 'same model, same bytes');
        validateOutputs(a);
        const resources = a.filter((f) => RESOURCE_FILE.test(f.path));
        assert.ok(resources.length >= 3, 'base resource files');
        for (const f of resources) assert.deepEqual(validateManifests(parseManifests(f.content)), [], f.path);
        for (const f of a.filter((x) => x.path.endsWith('kustomization.yaml'))) {
          const k = parse(f.content);
          assert.ok(k.kind === 'Kustomization' || k.kind === 'Component', f.path);
        }
        const text = a.map((f) => f.content).join('\n');
        assert.doesNotMatch(text, /\bkind: Secret\b/, 'no Secret object anywhere');
        assert.doesNotMatch(text, /<%|%>|undefined|\[object Object\]/, 'no template residue');
      });
    }

    it('no generated file points at a docs/*.md page (or any .md file) the stage does not write', () => {
      for (const model of Object.values(MODELS)) assert.deepEqual(danglingDocReferences(files(model)), [], model.name);
    });

    it('the paths are the documented layout', () => {
      const paths = files(SHOP).map((f) => f.path);
      assert.deepEqual(paths, [
        'deploy/kubernetes/README.md',
        'deploy/kubernetes/base/backing.yaml',
        'deploy/kubernetes/base/deployment.yaml',
        'deploy/kubernetes/base/env/api.env',
        'deploy/kubernetes/base/env/web.env',
        'deploy/kubernetes/base/kustomization.yaml',
        'deploy/kubernetes/base/networkpolicy.yaml',
        'deploy/kubernetes/base/service.yaml',
        'deploy/kubernetes/base/serviceaccount.yaml',
        'deploy/kubernetes/components/external-db/kustomization.yaml',
        'deploy/kubernetes/components/external-db/patches.yaml',
        'deploy/kubernetes/components/external-redis/kustomization.yaml',
        'deploy/kubernetes/components/external-redis/patches.yaml',
        'deploy/kubernetes/components/external-secrets/externalsecrets.yaml',
        'deploy/kubernetes/components/external-secrets/kustomization.yaml',
        'deploy/kubernetes/overlays/production/hpa.yaml',
        'deploy/kubernetes/overlays/production/ingress.yaml',
        'deploy/kubernetes/overlays/production/kustomization.yaml',
        'deploy/kubernetes/overlays/production/pdb.yaml',
        'deploy/kubernetes/overlays/production/resources.yaml',
        'deploy/kubernetes/overlays/production/spread.yaml',
        'deploy/kubernetes/overlays/staging/ingress.yaml',
        'deploy/kubernetes/overlays/staging/kustomization.yaml',
        'deploy/kubernetes/overlays/staging/resources.yaml',
        'deploy/scripts/deploy.sh',
        'deploy/scripts/undeploy.sh',
      ]);
    });

    it('env files hold the non-secret values literally, and unknown values as comments', () => {
      const out = Object.fromEntries(files(SHOP).map((f) => [f.path, f.content]));
      const api = out['deploy/kubernetes/base/env/api.env']!;
      assert.match(api, /^DATABASE_HOST=db$/m);
      // Redis has a password (every client can carry it): the URL is composed in the pod, not here.
      assert.doesNotMatch(api, /^REDIS_URL/m);
      assert.match(out['deploy/kubernetes/base/deployment.yaml']!, /- name: REDIS_URL\n\s+value: redis:\/\/:\$\(CONTAINERIZE_REDIS_PASSWORD\)@redis:6379\n/);
      assert.match(api, /^# FEATURE_FLAGS_URL=/m);
      assert.doesNotMatch(api, /^DATABASE_PASSWORD/m, 'a secret never lands in an env file');
    });
  });

  for (const [key, model] of Object.entries(MODELS)) {
    const langs = [...new Set(Object.values(model.services).map((s) => s.language))].join(', ');
    const backing = Object.values(model.backing).map((b) => b.kind).join(', ') || 'none';
    describe(`${key} (${Object.keys(model.services).length} services: ${langs}; backing: ${backing})`, () => {
      let dir = '';
      before(() => {
        dir = writeModel(model, key);
        writeAllExternal(dir, model);
      });
      const opts = ruleOptions(model);
      for (const s of scenarios(model))
        itKubectl(`kubectl kustomize ${s.title}: strict schemas, rules, promises`, () => {
          const docs = kustomize(join(dir, s.dir));
          assert.ok(docs.length > 0);
          assert.deepEqual([...validateManifests(docs), ...checkRules(docs, opts), ...promises(model, docs, s)], []);
        });
    });
  }

  describe('env values', () => {
    itKubectl('every quirky value reaches the ConfigMap unchanged, a multi-line one too (a literal instead of the env file)', () => {
      const api = QUIRKS.services.api!;
      const model: StackModel = { ...QUIRKS, services: { ...QUIRKS.services, api: { ...api, env: { ...api.env, MULTILINE: { value: 'line one\nline two', secret: false } } } } };
      const dir = writeModel(model, 'multiline');
      const docs = kustomize(join(dir, 'base'));
      const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.labels?.['app.kubernetes.io/component'] === 'api')!;
      const expected = Object.fromEntries(Object.entries(model.services.api!.env).filter(([, v]) => !v.secret).map(([k, v]) => [k, v.value]));
      assert.deepEqual(cm.data, expected);
      assert.deepEqual([...validateManifests(docs), ...checkRules(docs, ruleOptions(model))], []);
      const batch = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.labels?.['app.kubernetes.io/component'] === 'batch')!;
      assert.equal(batch.data, undefined, 'a service with only unknown values gets an empty ConfigMap, the place to set them');
    });
  });

  describe('probes', () => {
    itKubectl('readiness on the health path, liveness and startup a TCP connect; Spring Boot\'s liveness and readiness groups (as the chart)', () => {
      const docs = kustomize(join(writeModel(POLYGLOT, 'probes'), 'base'));
      for (const [name, expected] of Object.entries(POLYGLOT_PROBES)) assert.deepEqual(probesOf(docs, `polyglot-${name}`), expected, name);
    });
  });

  describe('Secrets from a secret manager', () => {
    itKubectl('the external-secrets component: an ExternalSecret per Secret the workloads read, valid against the operator\'s schema, and no Secret with a value', () => {
      const dir = writeModel(SHOP, 'external-secrets');
      const overlay = join(dir, 'overlays', 'staging', 'kustomization.yaml');
      const text = readFileSync(overlay, 'utf8');
      writeFileSync(overlay, text.includes('components:\n') ? text.replace('components:\n', 'components:\n  - ../../components/external-secrets\n') : text.replace('components: []\n', 'components:\n  - ../../components/external-secrets\n'));
      const docs = kustomize(join(dir, 'overlays', 'staging'));
      const es = docs.filter((d) => d.kind === 'ExternalSecret');
      const referenced = new Set(
        docs
          .filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet')
          .flatMap((d) => [...JSON.stringify(d).matchAll(/"secretKeyRef":\{([^}]*)\}/g)].map((m) => /"name":"([^"]+)"/.exec(m[1]!)![1]!)),
      );
      assert.deepEqual(es.map((e) => (e.spec as any).target.name).sort(), [...referenced].sort());
      assert.ok(!docs.some((d) => d.kind === 'Secret'));
      assert.deepEqual([...validateManifests(docs), ...checkRules(docs, { ...ruleOptions(SHOP), userSecrets: [] })], []);
    });
  });

  describe('Prometheus metrics', () => {
    itKubectl('annotations on the pods that serve metrics, Prometheus let in on exactly their metrics ports; the podmonitors component adds valid PodMonitors (as the chart)', () => {
      const dir = writeModel(METRICS, 'metrics');
      const docs = kustomize(join(dir, 'overlays', 'production'));
      const annotations = (name: string) => (docs.find((d) => d.kind === 'Deployment' && d.metadata?.name === name)!.spec as any).template.metadata.annotations ?? {};
      assert.deepEqual(
        ['obs-web', 'obs-api', 'obs-jobs'].map((n) => [annotations(n)['prometheus.io/port'], annotations(n)['prometheus.io/path']]),
        [['3000', '/metrics'], ['8080', '/actuator/prometheus'], ['9100', '/metrics']],
      );
      const policy = (name: string) => docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata?.name === name)!.spec as any;
      assert.deepEqual(['obs-web', 'obs-api', 'obs-jobs'].map((n) => policy(`${n}-metrics`).ingress.flatMap((r: any) => r.ports.map((p: any) => p.port))), [[3000], [8080], [9100]]);
      assert.equal(docs.filter((d) => d.kind === 'PodMonitor').length, 0, 'the component is not on by default');
      // An overlay that adds the component, as the comment in the component says.
      const overlay = join(dir, 'overlays', 'production', 'kustomization.yaml');
      const text = readFileSync(overlay, 'utf8');
      writeFileSync(overlay, text.includes('components:\n') ? text.replace('components:\n', 'components:\n  - ../../components/podmonitors\n') : `${text}components:\n  - ../../components/podmonitors\n`);
      const withMonitors = kustomize(join(dir, 'overlays', 'production'));
      const monitors = withMonitors.filter((d) => d.kind === 'PodMonitor');
      assert.deepEqual(monitors.map((m) => [m.metadata?.name, (m.spec as any).podMetricsEndpoints[0].port]).sort(), [['obs-api', 'http'], ['obs-jobs', 'metrics'], ['obs-web', 'http']]);
      assert.deepEqual([...validateManifests(withMonitors), ...checkRules(withMonitors, ruleOptions(METRICS))], []);
    });
  });

  describe('the ingress controller that may reach public services', () => {
    const NGINX = 'ns=ingress-nginx pods=app.kubernetes.io/name=ingress-nginx port=3000';
    itKubectl('ingress-nginx (namespace and pods) in the base and both overlays, as the chart with ingress.className nginx', () => {
      const dir = writeModel(SHOP, 'ingress-controller');
      for (const d of ['base', 'overlays/staging', 'overlays/production']) {
        const docs = kustomize(join(dir, d));
        assert.deepEqual(admittedFromOutside(docs, 'web'), [NGINX], d);
        assert.deepEqual(admittedFromOutside(docs, 'api'), [], `${d}: an internal service admits no controller`);
        if (d !== 'base') assert.equal((docs.find((x) => x.kind === 'Ingress')!.spec as any).ingressClassName, 'nginx', `${d}: the Ingress's class`);
      }
    });

    itKubectl('the overlay\'s ingress-controller patch is the place to change it: traefik, or k3s\'s traefik in kube-system', () => {
      const dir = writeModel(SHOP, 'ingress-controller-traefik');
      const path = join(dir, 'overlays', 'staging', 'kustomization.yaml');
      const text = readFileSync(path, 'utf8');
      const edit = (namespace: string, name: string) =>
        text.replace('kubernetes.io/metadata.name: ingress-nginx', `kubernetes.io/metadata.name: ${namespace}`).replace('app.kubernetes.io/name: ingress-nginx', `app.kubernetes.io/name: ${name}`);
      assert.notEqual(edit('traefik', 'traefik'), text, 'the overlay restates the controller');
      writeFileSync(path, edit('traefik', 'traefik'));
      let docs = kustomize(join(dir, 'overlays', 'staging'));
      assert.deepEqual(admittedFromOutside(docs, 'web'), ['ns=traefik pods=app.kubernetes.io/name=traefik port=3000']);
      assert.deepEqual([...validateManifests(docs), ...checkRules(docs, ruleOptions(SHOP))], []);
      writeFileSync(path, edit('kube-system', 'traefik'));
      docs = kustomize(join(dir, 'overlays', 'staging'));
      assert.deepEqual(admittedFromOutside(docs, 'web'), ['ns=kube-system pods=app.kubernetes.io/name=traefik port=3000']);
      assert.deepEqual(admittedFromOutside(kustomize(join(dir, 'overlays', 'production')), 'web'), [NGINX], 'the other overlay keeps its own');
    });

    itKubectl('one patch reaches every public service', () => {
      const dir = writeModel(POLYGLOT, 'ingress-controller-many');
      const path = join(dir, 'overlays', 'production', 'kustomization.yaml');
      writeFileSync(path, readFileSync(path, 'utf8').replace('kubernetes.io/metadata.name: ingress-nginx', 'kubernetes.io/metadata.name: edge'));
      const docs = kustomize(join(dir, 'overlays', 'production'));
      const publicOnes = Object.entries(POLYGLOT.services).filter(([, s]) => s.public);
      assert.ok(publicOnes.length > 1);
      for (const [name, svc] of publicOnes) assert.deepEqual(admittedFromOutside(docs, name), [`ns=edge pods=app.kubernetes.io/name=ingress-nginx port=${svc.port}`], name);
    });
  });

  describe('mistakes are caught', () => {
    itKubectl('a misspelt field in a base file renders silently through kustomize; validateManifests reports it', () => {
      const dir = writeModel(SHOP, 'typo');
      const path = join(dir, 'base', 'deployment.yaml');
      writeFileSync(path, readFileSync(path, 'utf8').replace('  replicas: 1\n', '  replica: 1\n'));
      const docs = kustomize(join(dir, 'base'));
      assert.ok(validateManifests(docs).includes('Deployment/shop-api: spec.replica: unknown field'));
    });

    itKubectl('a Secret reference nobody creates, and a Service port no pod has, fail checkRules', () => {
      const dir = writeModel(SHOP, 'broken-refs');
      const docs = kustomize(join(dir, 'base'));
      const problems = checkRules(docs, { ...ruleOptions(SHOP), userSecrets: [] });
      assert.ok(problems.some((p) => p.includes('Secret "shop-db" is neither in the manifests nor user-provided')), problems.join('\n'));
      const svc = docs.find((d) => d.kind === 'Service' && d.metadata?.name === 'api') as any;
      svc.spec.ports[0].targetPort = 'web';
      assert.ok(checkRules(docs, ruleOptions(SHOP)).some((p) => p.startsWith('Service/api: port http targets "web"')));
    });

    itKubectl('a foreign runAsUser patched in by an overlay fails checkRules', () => {
      const dir = writeModel(SHOP, 'uid');
      const overlay = join(dir, 'overlays', 'uid');
      mkdirSync(overlay, { recursive: true });
      writeFileSync(
        join(overlay, 'kustomization.yaml'),
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\npatches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: shop-web\n      spec:\n        template:\n          spec:\n            containers:\n              - name: web\n                securityContext:\n                  runAsUser: 1000\n',
      );
      const problems = checkRules(kustomize(overlay), ruleOptions(SHOP));
      assert.deepEqual(problems, ["Deployment/shop-web: container web: runAsUser is 1000, expected 10001 (the images' USER)"]);
    });
  });
});
