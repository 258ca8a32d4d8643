/**
 * The ambassador placement of a backing service (backing.<name>.staging|production: ambassador):
 * the instance is outside the cluster at externalHost, and the Service the code calls selects a
 * small TCP proxy beside the app (HAProxy, lib/render/ambassador.ts) that forwards to it, with
 * TLS to the instance when ambassadorTls. For kustomize, the plain manifests and the Helm chart,
 * in each environment, rendered by the real tools:
 *   - strict schemas and the rules (restricted pods, selectors, probes, references);
 *   - the Service keeps the name the code uses and selects the ambassador's pods, which run
 *     the pinned HAProxy image as its own user (99) and mount the configuration;
 *   - the configuration forwards to externalHost on the kind's port (its TLS port, verified
 *     against the CA bundle, with TLS), and `haproxy -c` accepts it;
 *   - NetworkPolicies: the clients reach the ambassador on its port and nothing of the backing
 *     service elsewhere; the ambassador is reached by the clients alone, and reaches the
 *     outside on the instance's port alone (and cluster DNS);
 *   - production runs two replicas spread over nodes with a PodDisruptionBudget; staging one;
 *   - the chart writes the same configuration as kustomize;
 *   - the model refuses TLS for kinds that negotiate it inside their protocol.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { parseDocs } from '../../generators/kubernetes/manifests.js';
import { ENVIRONMENTS } from '../../generators/kubernetes/plan.js';
import { CATALOG } from '../../lib/catalog/index.js';
import { imagePin } from '../../lib/catalog/images.js';
import { applyAnswers, buildQuestions } from '../../lib/model/questions.js';
import { checkModel } from '../../lib/model/validate.js';
import type { BackingModel, StackModel } from '../../lib/model/types.js';
import { HAPROXY } from '../../lib/render/ambassador.js';
import { helmAvailable, helmLint, renderChart } from '../../lib/validate/helm.js';
import { checkRules, selects, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import { AMBASSADORS, BACKENDS, SHOP } from '../helpers/k8s-models.js';
import { itKubectl, kustomize, ruleOptions, writeFiles } from './kustomize.js';

let scratch = '';
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'containerize-ambassador-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

const withBacking = (m: StackModel, over: Record<string, Partial<BackingModel>>): StackModel => ({
  ...m,
  backing: Object.fromEntries(Object.entries(m.backing).map(([n, b]) => [n, { ...b, ...over[n] }])),
});

/** Every backing kind behind an ambassador in production, TLS for each kind that can have it. */
const EVERY_KIND: StackModel = {
  ...BACKENDS,
  backing: Object.fromEntries(
    Object.entries(BACKENDS.backing).map(([n, b]) => [n, { ...b, production: 'ambassador' as const, ...(CATALOG[b.kind].tlsPort !== null ? { ambassadorTls: true } : {}) }]),
  ),
};

const MODELS: Record<string, StackModel> = { 'redis with TLS, postgres without': AMBASSADORS, 'every kind': EVERY_KIND };

type Env = (typeof ENVIRONMENTS)[number];
const placedBehind = (model: StackModel, env: Env): string[] => Object.keys(model.backing).filter((n) => model.backing[n]![env] === 'ambassador');

const podsOf = (docs: K8sObject[]) =>
  docs.filter((d) => ['Deployment', 'StatefulSet', 'Job'].includes(d.kind ?? '')).map((d) => (d.spec as any).template.metadata.labels as Record<string, string>);
const componentOf = (labels: Record<string, string>) => labels['app.kubernetes.io/component']!;

/** What the NetworkPolicies let the pods of `component` do: `in <peer> <port>` and `out <peer> <port>` lines, a peer `pod:<component>` or its JSON. */
function flows(docs: K8sObject[], component: string): string[] {
  const pods = podsOf(docs);
  const mine = pods.find((l) => componentOf(l) === component);
  assert.ok(mine, `pods of ${component}`);
  const peer = (p: any): string[] => (p.podSelector && !p.namespaceSelector && !p.ipBlock ? pods.filter((l) => selects(p.podSelector, l)).map((l) => `pod:${componentOf(l)}`) : [JSON.stringify(p)]);
  const out = new Set<string>();
  for (const np of docs.filter((d) => d.kind === 'NetworkPolicy')) {
    const spec = np.spec as any;
    if (!selects(spec.podSelector, mine)) continue;
    for (const [dir, key, word] of [['ingress', 'from', 'in'], ['egress', 'to', 'out']] as const)
      for (const rule of spec[dir] ?? []) for (const p of (rule[key] as any[]).flatMap(peer)) for (const port of rule.ports ?? [{}]) out.add(`${word} ${p} ${port.protocol ?? 'TCP'}/${port.port ?? '*'}`);
  }
  return [...out].sort();
}

const DNS = ['UDP', 'TCP'].map((proto) => `out ${JSON.stringify({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } })} ${proto}/53`);

/** `haproxy -c` on a configuration, or null when the binary is absent. */
const HAPROXY_BIN = spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).status === 0 ? 'haproxy' : null;
function haproxyCheck(config: string, name: string): { ok: boolean; output: string } {
  const file = join(scratch, `${name}.cfg`);
  writeFileSync(file, config);
  const r = spawnSync(HAPROXY_BIN!, ['-c', '-f', file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function checkAmbassadors(model: StackModel, env: Env, docs: K8sObject[]): void {
  assert.deepEqual(validateManifests(docs), []);
  assert.deepEqual(checkRules(docs, ruleOptions(model)), []);
  const names = placedBehind(model, env);
  assert.ok(names.length, 'the variant places something behind an ambassador');
  const pin = imagePin(HAPROXY.pin);
  for (const name of names) {
    const kind = model.backing[name]!.kind;
    const record = CATALOG[kind];
    const tls = model.backing[name]!.ambassadorTls === true;
    const host = model.backing[name]!.externalHost ?? `${name}.${model.name}.example.com`;
    const upstream = tls ? record.tlsPort! : record.port;
    const component = `${name}-ambassador`;
    const objectName = `${model.name}-${name}-ambassador`;
    assert.ok(!docs.some((d) => d.kind === 'StatefulSet' && d.metadata?.labels?.['app.kubernetes.io/component'] === name), `no StatefulSet for ${name}`);
    assert.ok(!docs.some((d) => d.kind === 'EndpointSlice'), 'no EndpointSlice');

    // The Service of the code's hostname selects the ambassador's pods, on the kind's port.
    const svc = docs.find((d) => d.kind === 'Service' && d.metadata?.name === name) as any;
    assert.ok(svc, `a Service named ${name}`);
    assert.equal(svc.spec.type, 'ClusterIP');
    assert.equal(svc.spec.clusterIP, undefined);
    assert.deepEqual(svc.spec.ports.map((p: any) => [p.port, p.targetPort]), [[record.port, kind]]);
    const selected = podsOf(docs).filter((l) => selects({ matchLabels: svc.spec.selector }, l));
    assert.deepEqual(selected.map(componentOf), [component], `${name} selects the ambassador's pods alone`);

    // The Deployment: pinned HAProxy, its own user, read-only root, the configuration mounted.
    const dep = docs.find((d) => d.kind === 'Deployment' && d.metadata?.name === objectName) as any;
    assert.ok(dep, `Deployment ${objectName}`);
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    assert.equal(c.image, `${pin.repository}:${pin.tag}`);
    assert.equal(pod.securityContext.runAsUser, 99);
    assert.equal(c.securityContext.runAsUser, 99);
    assert.equal(c.securityContext.runAsGroup, 99);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(c.ports.map((p: any) => [p.name, p.containerPort]), [[kind, record.port]]);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) assert.deepEqual(c[probe].tcpSocket, { port: kind }, probe);
    const configVolume = pod.volumes.find((v: any) => v.configMap);
    assert.equal(c.volumeMounts.find((m: any) => m.name === configVolume.name).mountPath, HAPROXY.configDir);
    const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === configVolume.configMap.name) as any;
    assert.ok(cm, 'the configuration ConfigMap');
    const config: string = cm.data[HAPROXY.configFile];

    // The configuration: TCP from the port to the instance, TLS verified when asked.
    assert.match(config, /^\s+mode tcp$/m);
    assert.match(config, new RegExp(`^\\s+bind :${record.port}$`, 'm'));
    const server = config.split('\n').find((l) => /^\s+server /.test(l))!;
    assert.ok(server.includes(` ${host}:${upstream} `), server);
    if (tls) assert.ok(server.includes(` ssl verify required ca-file ${HAPROXY.caFile} sni str(${host}) verifyhost ${host}`), server);
    else assert.doesNotMatch(server, /\bssl\b/);
    if (HAPROXY_BIN) {
      const r = haproxyCheck(config, `${model.name}-${env}-${name}`);
      assert.ok(r.ok, r.output);
    }

    // Production: two replicas spread over nodes, a PodDisruptionBudget; staging: one, none.
    const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget' && selects((d.spec as any).selector, dep.spec.template.metadata.labels));
    if (env === 'production') {
      assert.equal(dep.spec.replicas, 2);
      assert.ok((pod.topologySpreadConstraints ?? []).some((t: any) => t.topologyKey === 'kubernetes.io/hostname' && selects(t.labelSelector, dep.spec.template.metadata.labels)));
      assert.ok(pdb, 'a PodDisruptionBudget');
    } else {
      assert.equal(dep.spec.replicas, 1);
      assert.equal(pdb, undefined);
    }

    // Network: clients → ambassador on the port; ambassador → the outside on the instance's port.
    const clients = Object.keys(model.services).filter((s) => (model.services[s]!.dependsOn ?? []).includes(name)).sort();
    assert.deepEqual(
      flows(docs, component),
      [...clients.map((s) => `in pod:${s} TCP/${record.port}`), `out ${JSON.stringify({ ipBlock: { cidr: '0.0.0.0/0' } })} TCP/${upstream}`, ...DNS].sort(),
    );
    for (const s of clients) {
      const out = flows(docs, s).filter((l) => l.startsWith('out ') && l.endsWith(`/${record.port}`) && !l.includes('pod:'));
      assert.deepEqual(out, [], `${s} reaches nothing outside on ${record.port}: ${out.join('; ')}`);
      assert.ok(flows(docs, s).includes(`out pod:${component} TCP/${record.port}`), `${s} reaches the ambassador`);
    }
  }
}

describe('backing services behind an ambassador', () => {
  if (!HAPROXY_BIN) it('haproxy -c on the rendered configurations [skipped: no haproxy binary: apt-get install haproxy]', function () {
    this.skip();
  });
  for (const [key, model] of Object.entries(MODELS))
    for (const env of ENVIRONMENTS) {
      if (!placedBehind(model, env).length) continue;
      itKubectl(`${key}, ${env}: kustomize (kubectl kustomize overlays/${env})`, () => {
        const dir = join(scratch, `k-${key.replace(/\W+/g, '-')}-${env}`);
        writeFiles(dir, kubernetesFiles(model));
        checkAmbassadors(model, env, kustomize(join(dir, 'deploy/kubernetes/overlays', env)));
      });
      it(`${key}, ${env}: plain manifests`, () => {
        const m = { ...model, delivery: { deployTool: 'manifests' as const } };
        const docs = kubernetesFiles(m)
          .filter((f) => f.path.startsWith(`deploy/kubernetes/${env}/`))
          .flatMap((f) => parseDocs(f.content)) as K8sObject[];
        checkAmbassadors(model, env, docs);
      });
      (helmAvailable() ? it : it.skip)(`${key}, ${env}: helm lint --strict and helm template -f values-${env}.yaml; the same configuration as kustomize`, () => {
        const dir = join(scratch, `h-${key.replace(/\W+/g, '-')}-${env}`);
        writeFiles(dir, chartFiles(model));
        const chart = join(dir, 'deploy/helm', model.name);
        const lint = helmLint(chart, { valuesFiles: [`values-${env}.yaml`] });
        assert.ok(lint.ok, lint.stdout + lint.stderr);
        const docs = renderChart(chart, { release: model.name, valuesFiles: [`values-${env}.yaml`], skipTests: true }) as K8sObject[];
        checkAmbassadors(model, env, docs);
        const m = { ...model, delivery: { deployTool: 'manifests' as const } };
        const manifests = kubernetesFiles(m).filter((f) => f.path.startsWith(`deploy/kubernetes/${env}/`)).flatMap((f) => parseDocs(f.content)) as any[];
        for (const name of placedBehind(model, env)) {
          const cmName = `${model.name}-${name}-ambassador`;
          const text = (docs2: any[]) => docs2.find((d) => d.kind === 'ConfigMap' && d.metadata.name === cmName)?.data[HAPROXY.configFile];
          assert.equal(text(docs), text(manifests), `${cmName}: the chart's configuration is the manifests'`);
        }
      });
    }

  it('haproxy -c refuses a broken configuration (the check can fail)', function () {
    if (!HAPROXY_BIN) this.skip();
    const docs = parseDocs(kubernetesFiles(AMBASSADORS).find((f) => f.path === 'deploy/kubernetes/components/ambassador-redis/ambassador.yaml')!.content) as any[];
    const config: string = docs.find((d) => d.kind === 'ConfigMap').data[HAPROXY.configFile];
    assert.ok(haproxyCheck(config, 'good').ok);
    assert.ok(!haproxyCheck(config.replace('mode tcp', 'mode tcpp'), 'bad').ok);
  });

  it('only the environments that place a service behind an ambassador get its component', () => {
    const files = kubernetesFiles(AMBASSADORS);
    const paths = files.map((f) => f.path);
    for (const name of ['db', 'redis']) for (const file of ['kustomization.yaml', 'patches.yaml', 'ambassador.yaml']) assert.ok(paths.includes(`deploy/kubernetes/components/ambassador-${name}/${file}`), `${name} ${file}`);
    const components = (env: Env) => (parseDocs(files.find((f) => f.path === `deploy/kubernetes/overlays/${env}/kustomization.yaml`)!.content)[0] as any).components;
    assert.deepEqual(components('staging'), ['../../components/ambassador-redis']);
    assert.deepEqual(components('production'), ['../../components/ambassador-db', '../../components/ambassador-redis']);
    assert.ok(!kubernetesFiles(SHOP).some((f) => f.path.includes('/ambassador-')), 'none by default');
    const deploy = files.find((f) => f.path === 'deploy/scripts/deploy.sh')!.content;
    assert.match(deploy, /deployment\/relay-redis-ambassador/, 'deploy.sh waits for the ambassador');
  });

  it('the model: TLS only for kinds whose protocol is TLS from the first byte, and only behind an ambassador', () => {
    const problems = (over: Record<string, Partial<BackingModel>>) => checkModel(withBacking(SHOP, over), '/nonexistent').filter((p) => p.startsWith('backing.')).join('\n');
    assert.equal(problems({ redis: { production: 'ambassador', ambassadorTls: true }, db: { staging: 'ambassador' } }), '');
    assert.match(problems({ db: { production: 'ambassador', ambassadorTls: true } }), /backing\.db\.ambassadorTls: is true, but postgres negotiates TLS inside its own protocol/);
    assert.match(problems({ redis: { ambassadorTls: true } }), /backing\.redis\.ambassadorTls: is true, but no environment places redis behind an ambassador/);
    assert.match(problems({ redis: { ambassadorTls: 'yes' as never } }), /backing\.redis\.ambassadorTls: "yes" is a string; expected true or false/);
    const long = 'c'.repeat(53);
    const longName = { ...SHOP, backing: { [long]: { ...SHOP.backing.redis!, production: 'ambassador' as const } } };
    assert.match(checkModel(longName, '/nonexistent').join('\n'), new RegExp(`backing\\.${long}: is 53 characters long, but its ambassador's label`));
    for (const kind of ['postgres', 'mysql', 'mariadb', 'nats'] as const) assert.equal(CATALOG[kind].tlsPort, null, kind);
    for (const kind of ['redis', 'mongodb', 'rabbitmq', 'kafka', 'elasticsearch', 'memcached'] as const) assert.ok(CATALOG[kind].tlsPort, kind);
  });

  it('questions: the TLS question for kinds that can have it; a yes is stored, a default no is not', () => {
    const qs = buildQuestions({ merged: SHOP as never, answered: {}, askAnswered: true }).filter((q) => q.name.startsWith('backing/'));
    assert.ok(qs.some((q) => q.name === 'backing/redis/ambassadorTls'));
    assert.ok(!qs.some((q) => q.name === 'backing/db/ambassadorTls'), 'postgres: no TLS question');
    assert.match(String(qs.find((q) => q.name === 'backing/redis/production')!.message), /ambassador/);
    assert.deepEqual(applyAnswers({ 'backing/redis/production': 'ambassador', 'backing/redis/ambassadorTls': true }, SHOP as never).backing, { redis: { production: 'ambassador', ambassadorTls: true } });
    assert.equal(applyAnswers({ 'backing/redis/ambassadorTls': false }, SHOP as never).backing, undefined);
  });
});
