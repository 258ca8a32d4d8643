/**
 * Helpers for test/e2e/kube.e2e.ts: turn the rendered kustomize output into
 * what `podman kube play` (4.3) can run, and remember which images a test
 * created so that it removes exactly those.
 *
 * What kube play supports, and so what the adaptation does (each step is
 * reported in `changes`, and the test prints them):
 *   - it plays Pods, Deployments, ConfigMaps and PersistentVolumeClaims, and
 *     ignores or rejects Services, NetworkPolicies, StatefulSets,
 *     ServiceAccounts, Ingresses, HPAs and PDBs. Those are dropped (their
 *     correctness is what the unit tier's schema and rule checks cover);
 *   - there are no Services, so no cluster DNS: each Deployment and
 *     StatefulSet becomes one bare Pod whose name is the hostname the code
 *     uses (the name of the Service that selects it; a worker keeps its
 *     component name). On a podman network with the dnsname plugin, a pod is
 *     resolvable by its name, so `redis`, `api` and `stats` resolve as they
 *     would through the Services. One pod per workload: replicas are not
 *     exercised;
 *   - a StatefulSet's volumeClaimTemplates become emptyDir volumes of the
 *     same name (no storage class here);
 *   - podman 4.3 plays an emptyDir as a podman volume named after the pod's
 *     volume (`writable-0`), so pods with the same volume names would share
 *     one /tmp: each emptyDir is renamed `<prefix>-<pod>-<volume>` (and its
 *     mounts with it), which keeps every pod's folders its own; `podman kube
 *     down` removes those volumes with the last container using them;
 *   - every containerPort is published on 127.0.0.1 with a free hostPort
 *     (kube play would publish on 0.0.0.0), which the restricted rules
 *     forbid in real manifests: only the played copy has them;
 *   - imagePullPolicy becomes Never: the images are the ones just built, or
 *     the stand-in base images (no registry is reachable);
 *   - serviceAccountName and automountServiceAccountToken are removed (no API
 *     server, no ServiceAccounts).
 * Everything else of the pod spec is played as rendered: the env from the
 * ConfigMaps (envFrom), runAsUser/runAsGroup, readOnlyRootFilesystem, the
 * emptyDirs, capabilities, args and resources.
 */
import { stringify } from 'yaml';
import { selects, type K8sObject } from '../../lib/validate/k8s.js';
import { podman } from './podman.js';

export interface PlayedPort {
  container: string;
  containerPort: number;
  hostPort: number;
  /** The port's name in the manifests (probes refer to it). */
  name?: string;
}

export interface PlayedPod {
  /** The podman volumes its emptyDirs become. */
  volumes: string[];
  /** The pod's name: the hostname other pods reach it by. */
  name: string;
  /** The workload it came from, `Kind/name`. */
  from: string;
  /** `<pod>-<container>`, the names podman gives the containers. */
  containers: string[];
  ports: PlayedPort[];
  /** The containers as rendered (probes included), for the checks the test makes. */
  spec: Record<string, any>;
}

export interface Adapted {
  /** Multi-document YAML for `podman kube play`. */
  yaml: string;
  pods: PlayedPod[];
  /** What was changed or left out, one line each. */
  changes: string[];
}

const PLAYED_AS_IS = new Set(['ConfigMap']);
const WHY_DROPPED: Record<string, string> = {
  Service: 'no Services in kube play: pods are named after them and found through the network DNS',
  NetworkPolicy: 'not enforced by podman',
  ServiceAccount: 'no API server',
  Ingress: 'no ingress controller',
  HorizontalPodAutoscaler: 'no metrics or autoscaler',
  PodDisruptionBudget: 'no evictions',
};

/**
 * Adapt rendered manifests for `podman kube play`; `hostPort()` gives a free
 * port on 127.0.0.1 for each containerPort. Throws on what it cannot adapt
 * honestly (a Secret reference: kube play would need podman secrets).
 */
/**
 * Kubernetes' expansion of `$(NAME)` in an env value: a name defined earlier in the list is
 * replaced by its value, `$$` is a literal `$`, anything else is left as written.
 */
export function expandEnvValue(value: string, defined: Map<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => (m === '$$' ? '$' : defined.has(name!) ? defined.get(name!)! : m));
}

/**
 * Adapt rendered manifests for `podman kube play`; `hostPort()` gives a free
 * port on 127.0.0.1 for each containerPort. A Secret reference is given the
 * value `secrets[name][key]` the test made (kube play would need podman
 * secrets), and `$(NAME)` references in env values are expanded as the kubelet
 * does; both are reported in `changes`. Throws on a Secret the test did not make.
 */
export async function adaptForKubePlay(docs: K8sObject[], hostPort: () => Promise<number>, volumePrefix: string, secrets: Record<string, Record<string, string>> = {}): Promise<Adapted> {
  const out: object[] = [];
  const pods: PlayedPod[] = [];
  const changes: string[] = [];
  const usedPorts = new Set<number>();
  const services = docs.filter((d) => d.kind === 'Service' && (d.spec as any)?.selector);
  for (const d of docs) {
    const id = `${d.kind}/${d.metadata?.name}`;
    if (PLAYED_AS_IS.has(d.kind ?? '')) {
      out.push(d);
      continue;
    }
    if (d.kind !== 'Deployment' && d.kind !== 'StatefulSet') {
      changes.push(`dropped ${id}: ${WHY_DROPPED[d.kind ?? ''] ?? 'not supported by podman kube play'}`);
      continue;
    }
    const spec = d.spec as any;
    const labels = spec.template.metadata.labels as Record<string, string>;
    const svc = services.find((s) => selects({ matchLabels: (s.spec as any).selector }, labels));
    const name = svc?.metadata?.name ?? labels['app.kubernetes.io/component'] ?? d.metadata!.name!;
    const pod = structuredClone(spec.template.spec) as Record<string, any>;
    delete pod.serviceAccountName;
    delete pod.automountServiceAccountToken;
    for (const claim of spec.volumeClaimTemplates ?? []) {
      pod.volumes = [...(pod.volumes ?? []), { name: claim.metadata.name, emptyDir: {} }];
      changes.push(`${id}: volumeClaimTemplate ${claim.metadata.name} played as an emptyDir`);
    }
    // emptyDirs: one podman volume per pod and volume (see above).
    const renamed = new Map<string, string>();
    for (const v of pod.volumes ?? [])
      if (v.emptyDir) {
        renamed.set(v.name, `${volumePrefix}-${name}-${v.name}`);
        v.name = renamed.get(v.name);
      }
    const ports: PlayedPort[] = [];
    for (const c of pod.containers as any[]) {
      for (const m of c.volumeMounts ?? []) if (renamed.has(m.name)) m.name = renamed.get(m.name);
      const defined = new Map<string, string>();
      const given: string[] = [];
      const expanded: string[] = [];
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          const value = secrets[ref.name]?.[ref.key];
          if (value === undefined) throw new Error(`${id}: env ${e.name} reads Secret ${ref.name} key ${ref.key}, which the test did not make`);
          e.value = value;
          delete e.valueFrom;
          given.push(`${e.name} (Secret ${ref.name}/${ref.key})`);
        } else if (typeof e.value === 'string' && e.value.includes('$')) {
          const v = expandEnvValue(e.value, defined);
          if (v !== e.value) expanded.push(e.name);
          e.value = v;
        }
        if (typeof e.value === 'string') defined.set(e.name, e.value);
      }
      // Args expand the container's variables the same way (redis-server --requirepass $(REDIS_PASSWORD)).
      if (Array.isArray(c.args)) c.args = c.args.map((a: string) => expandEnvValue(String(a), defined));
      if (given.length) changes.push(`${id}: ${c.name}: Secret values the test made, given as literal env: ${given.join(', ')}`);
      if (expanded.length) changes.push(`${id}: ${c.name}: $(NAME) references expanded as the kubelet does: ${expanded.join(', ')}`);
      c.imagePullPolicy = 'Never';
      for (const p of c.ports ?? []) {
        p.hostIP = '127.0.0.1';
        // Never the same host port twice in one play (a free port may be handed out again).
        do p.hostPort = await hostPort();
        while (usedPorts.has(p.hostPort));
        usedPorts.add(p.hostPort);
        ports.push({ container: c.name, containerPort: p.containerPort, hostPort: p.hostPort, name: p.name });
      }
    }
    changes.push(
      `${id} → Pod ${name}${svc ? ` (the hostname of Service ${svc.metadata?.name})` : ' (no Service: a worker)'}${spec.replicas && spec.replicas > 1 ? `, 1 of ${spec.replicas} replicas` : ''}; imagePullPolicy Never; ${renamed.size} emptyDir(s) as volumes ${[...renamed.values()].join(', ')}${ports.length ? `; ${ports.map((p) => `${p.containerPort} on 127.0.0.1:${p.hostPort}`).join(', ')}` : ''}`,
    );
    out.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: pod });
    pods.push({ name, from: id, volumes: [...renamed.values()], containers: (pod.containers as any[]).map((c) => `${name}-${c.name}`), ports, spec: pod });
  }
  return { yaml: out.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'), pods, changes };
}

/** Every image id in podman's store now (tagged or not). */
export async function imageIds(): Promise<Set<string>> {
  const r = await podman(['images', '--all', '--quiet', '--no-trunc']);
  return new Set(r.stdout.split('\n').map((l) => l.trim().replace(/^sha256:/, '')).filter(Boolean));
}
