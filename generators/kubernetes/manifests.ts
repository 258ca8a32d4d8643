/**
 * The `manifests` deployment tool: plain YAML per environment, applied with
 * `kubectl apply --namespace <ns> -f deploy/kubernetes/<env>/`, no kustomize.
 *
 * Built from the same renders as the kustomize tree, so both describe the same
 * objects: the base files (rendered with managed-by kubectl), then what each
 * overlay does, applied here in code exactly as kustomize would apply it:
 *   - configMapGenerator: a ConfigMap per service named `<app>-<service>-<hash>`
 *     (a hash of its data, so a changed value rolls the pods, as kustomize does),
 *     and the Deployments' references renamed to it;
 *   - replicas per environment; autoscaled Deployments lose `replicas`; the replicas of a
 *     service that runs more than one are spread over nodes and zones;
 *   - the external-<backing> (and external-ip-<backing>, ambassador-<backing>) components: the
 *     StatefulSet and its policy deleted, the Service an ExternalName (or a selector-less
 *     ClusterIP with an EndpointSlice, or a ClusterIP selecting the ambassador's pods, whose
 *     ConfigMap, Deployment and NetworkPolicy join), the clients' egress pointed outside (or
 *     at the ambassador);
 *   - the ingress controller restated in the from-ingress policies;
 *   - the overlay's Ingress, HPAs and PDBs;
 *   - for production in several clusters, a folder per cluster: production's objects with the
 *     cluster's labels and patches (./plan.ts clusterOverlay), as overlays/production-<cluster>.
 * No namespace is written: the deploy script (and kubectl -n) sets it, so the same
 * files deploy to any namespace. test/kubernetes/manifests-tool.test.ts compares
 * every environment with `kubectl kustomize overlays/<env>`.
 */
import { createHash } from 'node:crypto';
import { parseAllDocuments, stringify } from 'yaml';
import { GENERATED_MARKER } from '../../lib/model/marker.js';
import { selectorLabels, spreadConstraints } from '../../lib/render/workloads.js';
import type { ClusterOverlay, KubernetesPlan, Environment } from './plan.js';

type Obj = Record<string, any>;

/** The base files the environments are built from, and which output file each object goes to. */
export const BASE_FILES = ['serviceaccount.yaml', 'deployment.yaml', 'job.yaml', 'service.yaml', 'backing.yaml', 'networkpolicy.yaml'] as const;
/** Overlay files whose objects are added as they are. */
export const OVERLAY_FILES = ['ingress.yaml', 'hpa.yaml', 'pdb.yaml'] as const;

const ABOUT: Record<string, string> = {
  'serviceaccount.yaml': 'a ServiceAccount per service, no API token',
  'configmap.yaml': "the non-secret env of each service (the name carries a hash of the data, so a change rolls the pods), and each ambassador's HAProxy configuration",
  'deployment.yaml': 'a Deployment per service (and per ambassador of a backing service outside the cluster)',
  'job.yaml': 'a Job per release command (deploy.sh deletes the last run, applies, and waits for it)',
  'service.yaml': 'a Service per service with a port, named as the hostname the code uses',
  'backing.yaml': 'the backing services: a StatefulSet and a headless Service each, or a Service pointing outside',
  'networkpolicy.yaml': 'default deny, then what the model dependsOn implies',
  'ingress.yaml': 'how public traffic reaches the public services (lib/render/routing.ts)',
  'hpa.yaml': 'HorizontalPodAutoscalers',
  'pdb.yaml': 'PodDisruptionBudgets',
};

export const parseDocs = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null && typeof d === 'object' && typeof d.kind === 'string');

/** kustomize's hash suffix has ten characters; ours is ten hex digits of a SHA-256 of the data. */
const dataHash = (data: Record<string, string>): string =>
  createHash('sha256')
    .update(JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]])))
    .digest('hex')
    .slice(0, 10);

const find = (docs: Obj[], kind: string, name: string): Obj | undefined => docs.find((d) => d.kind === kind && d.metadata?.name === name);

/** Every object of one environment, by output file name (files with no object are absent). */
export function environmentObjects(
  plan: KubernetesPlan,
  env: Environment,
  base: Record<string, string>,
  overlay: Record<string, string>,
  labels: (component: string) => Record<string, string>,
  /** The objects each ambassador-<backing> component adds (its ambassador.yaml, rendered), by component. */
  ambassadorObjects: Record<string, string> = {},
): Map<string, Obj[]> {
  const byFile = new Map<string, Obj[]>();
  for (const file of BASE_FILES) if (base[file] !== undefined) byFile.set(file, parseDocs(base[file]!));
  const all = () => [...byFile.values()].flat();

  // configMapGenerator.
  const configMaps: Obj[] = [];
  for (const s of plan.services) {
    if (!(s.env.length > 0 || s.unsetEnv.length > 0)) continue;
    const data = Object.fromEntries(s.env) as Record<string, string>;
    const name = `${s.objectName}-${dataHash(data)}`;
    configMaps.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: labels(s.name) }, ...(s.env.length ? { data } : {}) });
    for (const c of find(all(), 'Deployment', s.objectName)?.spec.template.spec.containers ?? [])
      for (const from of c.envFrom ?? []) if (from.configMapRef?.name === s.objectName) from.configMapRef.name = name;
  }
  if (configMaps.length) byFile.set('configmap.yaml', configMaps);

  // The external-<backing>, external-ip-<backing> and ambassador-<backing> components.
  for (const o of env.outside) {
    const b = o.b;
    const ports = [{ name: b.kind, port: b.profile.port, protocol: 'TCP' }];
    const backing = byFile.get('backing.yaml')!.filter((d) => !(d.kind === 'StatefulSet' && d.metadata.name === b.objectName));
    const svc = find(backing, 'Service', b.name)!;
    const a = o.ambassador;
    if (o.placement === 'external-name') svc.spec = { type: 'ExternalName', externalName: o.address, ports };
    else if (a) {
      // The Service selects the ambassador's pods; the component's objects join the files of their kinds.
      svc.spec = { type: 'ClusterIP', selector: selectorLabels(plan.app, a.component), ports: [{ name: a.portName, port: a.port, targetPort: a.portName, protocol: 'TCP' }] };
      for (const d of parseDocs(ambassadorObjects[o.component] ?? '')) {
        const file = d.kind === 'Deployment' ? 'deployment.yaml' : d.kind === 'NetworkPolicy' ? 'networkpolicy.yaml' : d.kind === 'ConfigMap' ? 'configmap.yaml' : 'backing.yaml';
        byFile.set(file, [...(byFile.get(file) ?? []), d]);
      }
    } else {
      svc.spec = { type: 'ClusterIP', ports };
      backing.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${b.name}-external`, labels: { ...labels(b.name), 'kubernetes.io/service-name': b.name, 'endpointslice.kubernetes.io/managed-by': 'generator-containerize' } },
        addressType: o.address.includes(':') ? 'IPv6' : 'IPv4',
        ports: [{ name: b.kind, port: b.profile.port, protocol: 'TCP' }],
        endpoints: [{ addresses: [o.address] }],
      });
    }
    byFile.set('backing.yaml', backing);
    const policies = byFile.get('networkpolicy.yaml')!.filter((d) => d.metadata.name !== b.objectName);
    const clients = find(policies, 'NetworkPolicy', `${b.objectName}-clients`);
    if (clients)
      clients.spec.egress = a
        ? [{ to: [{ podSelector: { matchLabels: selectorLabels(plan.app, a.component) } }], ports: [{ protocol: 'TCP', port: a.port }] }]
        : [{ to: structuredClone(o.egressTo), ports: [{ protocol: 'TCP', port: b.profile.port }] }];
    byFile.set('networkpolicy.yaml', policies);
  }

  // replicas: and the autoscaled Deployments, whose count the HPA owns.
  for (const r of env.replicas) find(all(), 'Deployment', r.name)!.spec.replicas = r.count;
  for (const s of env.autoscaled) delete find(all(), 'Deployment', s.objectName)!.spec.replicas;
  // spread.yaml: the replicas of each service that runs more than one, over nodes then zones.
  for (const s of env.spread) find(all(), 'Deployment', s.objectName)!.spec.template.spec.topologySpreadConstraints = spreadConstraints(plan.app, s.name);
  for (const w of env.ambassadors) if (w.replicas > 1) find(all(), 'Deployment', w.a.objectName)!.spec.template.spec.topologySpreadConstraints = spreadConstraints(plan.app, w.a.component);

  // The environment's ingress controller, in the from-ingress policies.
  if (env.ingress) {
    const names = new RegExp(`^${env.ingress.policyNames}$`);
    for (const p of byFile.get('networkpolicy.yaml') ?? []) if (names.test(p.metadata.name)) p.spec.ingress[0].from = structuredClone(env.ingress.peers);
  }

  // An annotations map left empty by a template (the Ingress's, for yours) is dropped, as kustomize drops it.
  for (const file of OVERLAY_FILES)
    if (overlay[file] !== undefined)
      byFile.set(
        file,
        parseDocs(overlay[file]!).map((d) => {
          if (d.metadata?.annotations && !Object.keys(d.metadata.annotations).length) delete d.metadata.annotations;
          return d;
        }),
      );
  for (const [file, docs] of byFile) if (!docs.length) byFile.delete(file);
  return byFile;
}

/** An RFC 6902 `add` or `replace` at a JSON pointer, in place. */
function applyOp(doc: Obj, op: { path: string; value: unknown }): void {
  const keys = op.path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: Obj = doc;
  for (const k of keys.slice(0, -1)) node = node[k];
  node[keys[keys.length - 1]!] = structuredClone(op.value);
}

/** Production's objects in one of several clusters: its labels on every object, its patches applied (as kustomize does). */
export function clusterObjects(production: Map<string, Obj[]>, c: ClusterOverlay): Map<string, Obj[]> {
  const out = new Map<string, Obj[]>();
  for (const [file, docs] of production)
    out.set(
      file,
      docs.map((d) => {
        const o = structuredClone(d);
        o.metadata.labels = { ...o.metadata.labels, ...c.labels };
        for (const p of c.patches) if (p.kind === o.kind && p.name === o.metadata.name) for (const op of p.ops) applyOp(o, op);
        return o;
      }),
    );
  return out;
}

/** One output file: a header, then every object as a YAML document. */
export function manifestText(app: string, env: Environment, file: string, docs: Obj[], target: string = env.name): string {
  const header = [
    `# ${target} manifests of ${app}: ${ABOUT[file] ?? file}.`,
    `# ${GENERATED_MARKER} from the stack model in .yo-rc.json: re-run the generator`,
    '# rather than editing it. No namespace: apply the folder to one with',
    `#   kubectl apply --namespace ${env.namespace} -f deploy/kubernetes/${target}/`,
    `# or bash deploy/scripts/deploy.sh ${target} (which also checks the Secrets first).`,
  ];
  return `${header.join('\n')}\n${docs.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join('')}`;
}
