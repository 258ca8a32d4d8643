/**
 * The plain manifests and the Helm chart agree: for the same model and the
 * same environment (values.yaml ↔ base, values-<env>.yaml ↔ overlays/<env>),
 * `helm template` and `kubectl kustomize` give
 *   - the same objects (kind and name) of every kind both render, except
 *     ConfigMaps (kustomize adds a content hash to the name) and
 *     NetworkPolicies (structured differently, compared by what they allow);
 *   - the same pods: image, ports, probes, securityContexts (runAsUser 10001),
 *     resources, volumes, and the same environment once ConfigMap and Secret
 *     references are resolved (names and values);
 *   - the same Services, Ingress, HorizontalPodAutoscalers and
 *     PodDisruptionBudgets;
 *   - the same network: which pods are isolated, and every allowed
 *     (pod, peer, port) pair.
 * Both renderers read lib/render/workloads.ts; this proves the templates on
 * either side do not drift. The chart's test hooks are off (tests.enabled=false):
 * the plain manifests have no `helm test`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { files as helmFiles } from '../../generators/helm/files.js';
import { files } from '../../generators/kubernetes/files.js';
import { planKubernetes } from '../../generators/kubernetes/plan.js';
import type { StackModel } from '../../lib/model/types.js';
import { helmAvailable, helmPath, renderChart } from '../../lib/validate/helm.js';
import { selects, type K8sObject } from '../../lib/validate/k8s.js';
import { K8S_MODELS } from '../helpers/k8s-models.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { kubectlAvailable, KUBECTL_SKIP, kustomize, writeFiles } from './kustomize.js';

/** Created in the root suite's before(), removed in its after() (not at load time: a --grep run would leak it). */
let scratch = '';
const MODELS: Record<string, StackModel> = { ...K8S_MODELS, ...Object.fromEntries(Object.entries(SAMPLE_MODELS).map(([k, m]) => [`sample-${k}`, m])) };

const TOOLS = helmAvailable() && kubectlAvailable();
const SKIP = !helmAvailable() ? `helm binary not found at ${helmPath()}: run \`bash scripts/setup/tools.sh\`` : KUBECTL_SKIP;
function itTools(title: string, fn: () => void): void {
  if (TOOLS) it(title, fn);
  else
    it(`${title} [skipped: ${SKIP}]`, function () {
      this.skip();
    });
}

/** Kinds compared object by object (ConfigMaps and NetworkPolicies are compared by content and effect). */
const COMPARED = ['Deployment', 'StatefulSet', 'Job', 'Service', 'ServiceAccount', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress'];

const byName = (a: { name?: string }, b: { name?: string }) => String(a.name).localeCompare(String(b.name));

/** An env var resolved: its literal value, the ConfigMap value it reads, or the Secret key it reads. */
function resolveEnv(c: any, docs: K8sObject[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === from.configMapRef?.name);
    assert.ok(cm || !from.configMapRef, `envFrom ConfigMap ${from.configMapRef?.name} not rendered`);
    for (const [k, v] of Object.entries((cm?.data as Record<string, string>) ?? {})) out[k] = `value ${v}`;
    if (from.secretRef) out[`*${from.secretRef.name}`] = 'secretRef';
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.secretKeyRef) out[e.name] = `secret ${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`;
    else if (e.valueFrom?.configMapKeyRef) {
      const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === e.valueFrom.configMapKeyRef.name);
      out[e.name] = `value ${(cm?.data as any)?.[e.valueFrom.configMapKeyRef.key]}`;
    } else out[e.name] = `value ${e.value}`;
  }
  return out;
}

/** What a workload runs, with names that differ by design (ConfigMaps) resolved away. */
function workloadView(w: K8sObject, docs: K8sObject[]) {
  const spec = w.spec as any;
  const pod = spec.template.spec;
  return {
    kind: w.kind,
    replicas: spec.replicas,
    serviceName: spec.serviceName,
    selector: spec.selector,
    podLabels: Object.fromEntries(Object.entries(spec.template.metadata.labels).filter(([k]) => ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component'].includes(k))),
    serviceAccountName: pod.serviceAccountName,
    automountServiceAccountToken: pod.automountServiceAccountToken,
    securityContext: pod.securityContext,
    volumes: [...(pod.volumes ?? [])].sort(byName),
    containers: (pod.containers as any[]).map((c) => ({
      name: c.name,
      image: c.image,
      imagePullPolicy: c.imagePullPolicy,
      args: c.args,
      command: c.command,
      securityContext: c.securityContext,
      ports: c.ports,
      startupProbe: c.startupProbe,
      livenessProbe: c.livenessProbe,
      readinessProbe: c.readinessProbe,
      resources: c.resources,
      volumeMounts: [...(c.volumeMounts ?? [])].sort(byName),
      env: resolveEnv(c, docs),
    })),
    volumeClaimTemplates: (spec.volumeClaimTemplates ?? []).map((t: any) => ({ name: t.metadata.name, labels: t.metadata.labels, spec: t.spec })),
  };
}

function view(d: K8sObject, docs: K8sObject[]): unknown {
  if (d.kind === 'Deployment' || d.kind === 'StatefulSet' || d.kind === 'Job')
    return { ...workloadView(d, docs), ...(d.kind === 'Job' ? { backoffLimit: (d.spec as any).backoffLimit, restartPolicy: (d.spec as any).template.spec.restartPolicy } : {}) };
  if (d.kind === 'ServiceAccount') return { automountServiceAccountToken: (d as any).automountServiceAccountToken };
  return d.spec;
}

type Peer = Record<string, any>;
/** JSON with object keys sorted at every level. */
const canonical = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonical).join(',')}]` : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`).join(',')}}` : JSON.stringify(v);
/**
 * What the NetworkPolicies allow, as sorted lines: `<component> isolated ingress|egress`,
 * `<component> <- <peer> <proto>/<port>`, `<component> -> <peer> <proto>/<port>`; a peer
 * is `pod:<component>` for a pod selector in the namespace, else its JSON.
 */
function connectivity(docs: K8sObject[]): string[] {
  const pods = docs
    .filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet' || d.kind === 'Job')
    .map((d) => (d.spec as any).template.metadata.labels as Record<string, string>);
  const component = (labels: Record<string, string>) => labels['app.kubernetes.io/component']!;
  const peers = (p: Peer): string[] =>
    p.podSelector && !p.namespaceSelector && !p.ipBlock
      ? pods.filter((l) => selects(p.podSelector, l)).map((l) => `pod:${component(l)}`)
      : [canonical(p)];
  const out = new Set<string>();
  for (const np of docs.filter((d) => d.kind === 'NetworkPolicy')) {
    const spec = np.spec as any;
    for (const labels of pods.filter((l) => selects(spec.podSelector, l))) {
      const c = component(labels);
      for (const t of spec.policyTypes ?? []) out.add(`${c} isolated ${String(t).toLowerCase()}`);
      for (const [dir, key, arrow] of [['ingress', 'from', '<-'], ['egress', 'to', '->']] as const)
        for (const rule of spec[dir] ?? [])
          for (const peer of (rule[key] as Peer[]).flatMap(peers))
            for (const port of rule.ports ?? [{}]) out.add(`${c} ${arrow} ${peer} ${port.protocol ?? 'TCP'}/${port.port ?? '*'}`);
    }
  }
  return [...out].sort();
}

describe('kubernetes manifests and the Helm chart agree', () => {
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'k8s-agreement-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const [key, model] of Object.entries(MODELS)) {
    describe(key, () => {
      let root = '';
      before(() => {
        root = join(scratch, key);
        writeFiles(root, [...files(model), ...helmFiles(model)]);
      });
      const plan = planKubernetes(model);
      const pairs: [values: string | null, overlay: string][] = [
        [null, 'base'],
        ['values-staging.yaml', 'overlays/staging'],
        ['values-production.yaml', 'overlays/production'],
      ];
      for (const [values, overlay] of pairs)
        itTools(`${values ?? 'values.yaml'} ↔ ${overlay}: same objects, pods, Services, network`, () => {
          const chart = join(root, 'deploy', 'helm', model.name);
          const helm = renderChart(chart, { release: model.name, namespace: 'default', valuesFiles: values ? [values] : [], set: ['tests.enabled=false'] }) as K8sObject[];
          const kust = kustomize(join(root, 'deploy', 'kubernetes', overlay));
          const ids = (docs: K8sObject[]) => docs.filter((d) => COMPARED.includes(d.kind ?? '')).map((d) => `${d.kind}/${d.metadata?.name}`).sort();
          assert.deepEqual(ids(kust), ids(helm), 'the same objects');
          for (const d of helm.filter((x) => COMPARED.includes(x.kind ?? ''))) {
            const k = kust.find((x) => x.kind === d.kind && x.metadata?.name === d.metadata?.name)!;
            assert.deepEqual(view(k, kust), view(d, helm), `${d.kind}/${d.metadata?.name}`);
          }
          assert.deepEqual(connectivity(kust), connectivity(helm), 'the same NetworkPolicy effect');
          // The facts themselves, spelled out once: runAsUser and probe paths come from the model's workload facts.
          for (const s of plan.services) {
            const w = kust.find((x) => x.kind === (s.job ? 'Job' : 'Deployment') && x.metadata?.name === s.objectName) as any;
            assert.deepEqual(w.spec.template.spec.containers[0].args ?? [], s.args, `${s.name} args`);
            const c = w.spec.template.spec.containers[0];
            assert.equal(c.securityContext.runAsUser, 10001);
            assert.equal(w.spec.template.spec.securityContext.runAsUser, 10001);
            if (s.svc.port !== null) assert.deepEqual(c.ports.map((p: any) => p.containerPort), [s.svc.port]);
            if (s.handlers) {
              assert.deepEqual(c.readinessProbe.httpGet?.path ?? null, s.readinessPath);
              assert.deepEqual(c.livenessProbe.httpGet?.path ?? null, s.livenessPath);
              assert.ok(c.startupProbe.tcpSocket);
            }
          }
        });
    });
  }
});
