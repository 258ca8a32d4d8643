/**
 * Validation of rendered Kubernetes manifests, for the Helm and kustomize
 * stages' tests (and any later consumer): a strict schema check, then the
 * project's own rules.
 *
 * validateManifests: every document against the Kubernetes 1.34 OpenAPI
 * schemas compiled into kubernetes-models 5.1.0 (types, required fields,
 * enums, formats), plus unknown fields. Those validators ignore properties
 * their schema does not list (Kubernetes schemas carry no
 * `additionalProperties: false`) and ship only as compiled code, not as JSON
 * schemas we could tighten. So each document is validated through a Proxy
 * that records which property names the validator looks up on each object:
 * a compiled validator reads every property its schema defines (`void 0 !==
 * data.replicas`) and, for maps such as labels, every key. A key of an
 * object that the validator read nothing for is free-form (e.g. a
 * preserve-unknown-fields object) and is left alone; on every other object,
 * a key the validator never read is an unknown field: `spec.replica` is an
 * error.
 *
 * checkRules: cross-document rules that no schema can express (selectors,
 * probes, resources, Pod Security "restricted", Service ports, references).
 *
 * Note: kubernetes-models is a devDependency; only tests import this module.
 */
import { validate as deployment } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as statefulSet } from 'kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet';
import { validate as daemonSet } from 'kubernetes-models/_schemas/IoK8sApiAppsV1DaemonSet';
import { validate as replicaSet } from 'kubernetes-models/_schemas/IoK8sApiAppsV1ReplicaSet';
import { validate as job } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { validate as cronJob } from 'kubernetes-models/_schemas/IoK8sApiBatchV1CronJob';
import { validate as pod } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Pod';
import { validate as service } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as serviceAccount } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { validate as configMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as secret } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as pvc } from 'kubernetes-models/_schemas/IoK8sApiCoreV1PersistentVolumeClaim';
import { validate as namespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as limitRange } from 'kubernetes-models/_schemas/IoK8sApiCoreV1LimitRange';
import { validate as resourceQuota } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ResourceQuota';
import { validate as hpa } from 'kubernetes-models/_schemas/IoK8sApiAutoscalingV2HorizontalPodAutoscaler';
import { validate as pdb } from 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget';
import { validate as networkPolicy } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy';
import { validate as ingress } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1Ingress';
import { validate as role } from 'kubernetes-models/_schemas/IoK8sApiRbacV1Role';
import { validate as roleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1RoleBinding';
import { validate as endpointSlice } from 'kubernetes-models/_schemas/IoK8sApiDiscoveryV1EndpointSlice';
// Custom resources: the @kubernetes-models packages compile each project's CRD schemas; they do
// not export their _schemas folder, so the validators are loaded by path.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const crdValidator = async (pkg: string, type: string): Promise<unknown> =>
  ((await import(pathToFileURL(join(dirname(fileURLToPath(import.meta.resolve(pkg))), '_schemas', `${type}.js`)).href)) as { validate: unknown }).validate;
// The Prometheus Operator's PodMonitor (@kubernetes-models/prometheus-operator 6.0.0).
const podMonitor = await crdValidator('@kubernetes-models/prometheus-operator', 'ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoringV1PodMonitor');
// Argo CD's kinds: @kubernetes-models/argo-cd 4.0.0 compiles them from Argo CD v3's Go API types
// (github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1), the source its CRDs are generated from.
const argoApplication = await crdValidator('@kubernetes-models/argo-cd', 'ComGithubArgoprojArgoCdV3PkgApisApplicationV1alpha1Application');
const argoApplicationSet = await crdValidator('@kubernetes-models/argo-cd', 'ComGithubArgoprojArgoCdV3PkgApisApplicationV1alpha1ApplicationSet');
// The External Secrets Operator's ExternalSecret (@kubernetes-models/external-secrets 2.0.0).
const externalSecret = await crdValidator('@kubernetes-models/external-secrets', 'ComGithubExternalSecretsExternalSecretsApisExternalsecretsV1ExternalSecret');
// Traefik v3's IngressRoute and Middleware (@kubernetes-models/traefik 2.0.0, from Traefik's CRDs).
const traefikIngressRoute = await crdValidator('@kubernetes-models/traefik', 'ComGithubTraefikTraefikV3PkgProviderKubernetesCrdTraefikioV1alpha1IngressRoute');
const traefikMiddleware = await crdValidator('@kubernetes-models/traefik', 'ComGithubTraefikTraefikV3PkgProviderKubernetesCrdTraefikioV1alpha1Middleware');
// The Gateway API's HTTPRoute and ReferenceGrant (@kubernetes-models/gateway-api 2.0.0: the experimental channel, sessionPersistence included).
const httpRoute = await crdValidator('@kubernetes-models/gateway-api', 'IoK8sSigsGatewayApiApisV1HTTPRoute');
const referenceGrant = await crdValidator('@kubernetes-models/gateway-api', 'IoK8sSigsGatewayApiApisV1beta1ReferenceGrant');
// cert-manager's Certificate (@kubernetes-models/cert-manager 6.0.0).
const certificate = await crdValidator('@kubernetes-models/cert-manager', 'ComGithubCertManagerCertManagerPkgApisCertmanagerV1Certificate');

// ---- types ------------------------------------------------------------------

/** A Kubernetes object as parsed from YAML: only the fields the rules read are typed. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
type CompiledValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/** Validators by `apiVersion/kind`. Add a kind here to validate it. */
const VALIDATORS: Record<string, CompiledValidator> = {
  'apps/v1/Deployment': deployment,
  'apps/v1/StatefulSet': statefulSet,
  'apps/v1/DaemonSet': daemonSet,
  'apps/v1/ReplicaSet': replicaSet,
  'batch/v1/Job': job,
  'batch/v1/CronJob': cronJob,
  'v1/Pod': pod,
  'v1/Service': service,
  'v1/ServiceAccount': serviceAccount,
  'v1/ConfigMap': configMap,
  'v1/Secret': secret,
  'v1/PersistentVolumeClaim': pvc,
  'v1/Namespace': namespace,
  'v1/LimitRange': limitRange,
  'v1/ResourceQuota': resourceQuota,
  'autoscaling/v2/HorizontalPodAutoscaler': hpa,
  'policy/v1/PodDisruptionBudget': pdb,
  'networking.k8s.io/v1/NetworkPolicy': networkPolicy,
  'networking.k8s.io/v1/Ingress': ingress,
  'rbac.authorization.k8s.io/v1/Role': role,
  'rbac.authorization.k8s.io/v1/RoleBinding': roleBinding,
  'discovery.k8s.io/v1/EndpointSlice': endpointSlice,
  'argoproj.io/v1alpha1/Application': argoApplication,
  'argoproj.io/v1alpha1/ApplicationSet': argoApplicationSet,
  'monitoring.coreos.com/v1/PodMonitor': podMonitor,
  'external-secrets.io/v1/ExternalSecret': externalSecret,
  'traefik.io/v1alpha1/IngressRoute': traefikIngressRoute,
  'traefik.io/v1alpha1/Middleware': traefikMiddleware,
  'gateway.networking.k8s.io/v1/HTTPRoute': httpRoute,
  'gateway.networking.k8s.io/v1beta1/ReferenceGrant': referenceGrant,
  'cert-manager.io/v1/Certificate': certificate,
} as unknown as Record<string, CompiledValidator>;

/** The `apiVersion/kind` pairs validateManifests knows. */
export const SUPPORTED_KINDS: readonly string[] = Object.keys(VALIDATORS).sort();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `Kind/name` of a document, for messages. */
export function describeObject(doc: unknown, index?: number): string {
  if (!isObject(doc)) return `document ${index ?? '?'}`;
  const o = doc as K8sObject;
  return `${o.kind ?? '<no kind>'}/${o.metadata?.name ?? (index === undefined ? '<no name>' : `#${index}`)}`;
}

// ---- schema validation --------------------------------------------------------

function formatError(e: AjvError): string {
  const at = e.instancePath
    ? e.instancePath
        .slice(1)
        .split('/')
        .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : path ? `${path}.${seg}` : seg), '')
    : '(root)';
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return `${at}: missing required field "${String(p.missingProperty)}"`;
    case 'type':
      return `${at}: must be ${String(p.type)}`;
    case 'enum':
      return `${at}: must be one of ${JSON.stringify(p.allowedValues)}`;
    case 'format':
      return `${at}: must be a valid ${String(p.format)}`;
    default:
      return `${at}: ${e.message ?? e.keyword} ${JSON.stringify(p)}`;
  }
}

/**
 * Run a compiled validator on `doc` through recording proxies; return the
 * schema errors and the paths of fields the schema does not define.
 */
function strictValidate(validate: CompiledValidator, doc: unknown): { errors: AjvError[]; unknown: string[] } {
  const reads = new WeakMap<object, Set<string>>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const known = proxies.get(value);
    if (known) return known;
    const seen = new Set<string>();
    reads.set(value, seen);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === 'string') seen.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (typeof key === 'string') seen.add(key);
        return Reflect.has(target, key);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  validate(wrap(doc));
  const errors = [...(validate.errors ?? [])];

  const unknown: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (!isObject(value)) return;
    const seen = reads.get(value);
    // Never visited (below a type error) or free-form (the schema names no property): nothing to judge.
    if (!seen || seen.size === 0) return;
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      if (!seen.has(key)) unknown.push(at);
      else walk(value[key], at);
    }
  };
  walk(doc, '');
  return { errors, unknown };
}

/**
 * Strict schema validation of each document: unknown apiVersion/kind, schema
 * errors (types, required fields, enums) and unknown fields are all problems.
 * Returns one message per problem, `Kind/name: path: what`.
 */
export function validateManifests(docs: object[]): string[] {
  const problems: string[] = [];
  docs.forEach((doc, i) => {
    const label = describeObject(doc, i);
    if (!isObject(doc)) {
      problems.push(`${label}: is not an object`);
      return;
    }
    const o = doc as K8sObject;
    const key = `${o.apiVersion}/${o.kind}`;
    const validate = VALIDATORS[key];
    if (!validate) {
      problems.push(`${label}: no schema for apiVersion "${o.apiVersion}" kind "${o.kind}" (known: ${SUPPORTED_KINDS.join(', ')})`);
      return;
    }
    if (!o.metadata?.name) problems.push(`${label}: metadata.name is required`);
    const { errors, unknown } = strictValidate(validate, doc);
    for (const e of errors) problems.push(`${label}: ${formatError(e)}`);
    for (const path of unknown) problems.push(`${label}: ${path}: unknown field`);
  });
  return problems;
}

// ---- rules ----------------------------------------------------------------------

export interface RuleOptions {
  /** The user id the generated images run as (CONTAINER_UID): app pods must run as exactly this user. */
  uid: number;
  /**
   * True for workloads (and Pods) that run our generated images: their containers must
   * run as `uid` with a read-only root filesystem. Backing services run third-party
   * images as those images' own users; return false for them. Default: every workload.
   */
  ownImage?: (workload: K8sObject) => boolean;
  /** Secrets the user creates (existingSecret names): references to them resolve. */
  userSecrets?: string[];
  /** ConfigMaps the user creates: references to them resolve. */
  userConfigMaps?: string[];
}

interface Container {
  name?: string;
  ports?: { containerPort?: number; name?: string; hostPort?: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: SecurityContext;
  env?: { name?: string; valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef } }[];
  envFrom?: { configMapRef?: NameRef; secretRef?: NameRef }[];
  volumeMounts?: { name?: string; mountPath?: string }[];
}
interface Probe {
  httpGet?: { path?: string; port?: number | string; host?: string; scheme?: string; httpHeaders?: unknown[] };
  tcpSocket?: { port?: number | string };
  grpc?: { port?: number };
  exec?: unknown;
}
interface KeyRef {
  name?: string;
  key?: string;
  optional?: boolean;
}
interface NameRef {
  name?: string;
  optional?: boolean;
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  procMount?: string;
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  appArmorProfile?: { type?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: { name?: string }[];
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  securityContext?: SecurityContext;
  volumes?: Record<string, unknown>[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  serviceAccountName?: string;
  topologySpreadConstraints?: { labelSelector?: LabelSelector }[];
  affinity?: { podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { labelSelector?: LabelSelector }[]; preferredDuringSchedulingIgnoredDuringExecution?: { podAffinityTerm?: { labelSelector?: LabelSelector } }[] } };
}
/** A pod, or the pod template of a workload. */
interface PodTemplate {
  owner: K8sObject;
  labels: Record<string, string>;
  spec: PodSpec;
  /** Volume claim templates of a StatefulSet (their names are valid volume mounts). */
  claimNames: string[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** Every pod (template) in the set: Pods, workloads' templates, CronJobs' job templates. */
export function podTemplates(docs: K8sObject[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const d of docs) {
    const spec = d.spec as Record<string, any> | undefined;
    if (!spec) continue;
    if (d.kind === 'Pod') out.push({ owner: d, labels: d.metadata?.labels ?? {}, spec: spec as PodSpec, claimNames: [] });
    else if (WORKLOAD_KINDS.has(d.kind ?? '') && spec.template)
      out.push({
        owner: d,
        labels: spec.template.metadata?.labels ?? {},
        spec: spec.template.spec ?? {},
        claimNames: ((spec.volumeClaimTemplates ?? []) as K8sObject[]).map((c) => c.metadata?.name ?? ''),
      });
    else if (d.kind === 'CronJob' && spec.jobTemplate?.spec?.template) {
      const t = spec.jobTemplate.spec.template;
      out.push({ owner: d, labels: t.metadata?.labels ?? {}, spec: t.spec ?? {}, claimNames: [] });
    }
  }
  return out;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Whether a label selector (matchLabels and matchExpressions) selects these labels. An empty selector selects everything. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(value!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(value!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Volume types Pod Security "restricted" allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
/** Sysctls Pod Security "baseline" (and so "restricted") allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035 = /^(?=.{1,63}$)[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(?=.{0,63}$)(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
function validLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  if (slash === -1) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && LABEL_NAME.test(key.slice(slash + 1));
}
/** IANA_SVC_NAME: a container port name. */
function validPortName(name: string): boolean {
  return name.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

const allContainers = (spec: PodSpec): Container[] => [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];

/** The Pod Security Standard "restricted" checks (v1.34), plus our explicit-context rules. */
function checkSecurity(t: PodTemplate, where: string, opts: RuleOptions, own: boolean, add: (m: string) => void): void {
  const spec = t.spec;
  const pod = spec.securityContext;
  if (spec.hostNetwork) add(`${where}: hostNetwork is not allowed (restricted)`);
  if (spec.hostPID) add(`${where}: hostPID is not allowed (restricted)`);
  if (spec.hostIPC) add(`${where}: hostIPC is not allowed (restricted)`);
  for (const v of spec.volumes ?? []) {
    const types = Object.keys(v).filter((k) => k !== 'name');
    for (const type of types) if (!RESTRICTED_VOLUMES.has(type)) add(`${where}: volume "${String(v.name)}" of type ${type} is not allowed (restricted)`);
  }
  if (!pod) add(`${where}: pod securityContext is missing`);
  else {
    if (pod.runAsNonRoot !== true) add(`${where}: pod securityContext.runAsNonRoot must be true`);
    if (pod.seccompProfile?.type !== 'RuntimeDefault' && pod.seccompProfile?.type !== 'Localhost')
      add(`${where}: pod securityContext.seccompProfile.type must be RuntimeDefault or Localhost`);
    if (pod.runAsUser === 0) add(`${where}: pod securityContext.runAsUser must not be 0`);
    for (const s of pod.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name ?? '')) add(`${where}: sysctl ${s.name} is not allowed (restricted)`);
    if (pod.appArmorProfile?.type === 'Unconfined') add(`${where}: pod appArmorProfile Unconfined is not allowed`);
    if (pod.windowsOptions?.hostProcess) add(`${where}: hostProcess is not allowed`);
  }
  for (const c of allContainers(spec)) {
    const at = `${where}: container ${c.name}`;
    const sc = c.securityContext;
    for (const p of c.ports ?? []) if (p.hostPort) add(`${at}: hostPort ${p.hostPort} is not allowed (restricted)`);
    if (!sc) {
      add(`${at}: securityContext is missing`);
      continue;
    }
    if (sc.privileged) add(`${at}: privileged is not allowed`);
    if (sc.allowPrivilegeEscalation !== false) add(`${at}: securityContext.allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) add(`${at}: securityContext.capabilities.drop must include ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') add(`${at}: capability ${cap} may not be added (restricted)`);
    const nonRoot = sc.runAsNonRoot ?? pod?.runAsNonRoot;
    if (nonRoot !== true) add(`${at}: runAsNonRoot must be true (container or pod)`);
    if (sc.runAsNonRoot === false) add(`${at}: securityContext.runAsNonRoot is false`);
    const user = sc.runAsUser ?? pod?.runAsUser;
    if (user === 0) add(`${at}: runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? pod?.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') add(`${at}: seccompProfile.type must be RuntimeDefault or Localhost`);
    if (sc.procMount && sc.procMount !== 'Default') add(`${at}: procMount must be Default`);
    if (sc.appArmorProfile?.type === 'Unconfined') add(`${at}: appArmorProfile Unconfined is not allowed`);
    const seType = sc.seLinuxOptions?.type;
    if (seType && !['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'].includes(seType))
      add(`${at}: seLinuxOptions.type ${seType} is not allowed`);
    if (sc.seLinuxOptions?.user || sc.seLinuxOptions?.role) add(`${at}: seLinuxOptions user/role may not be set`);
    if (own) {
      if (user !== opts.uid) add(`${at}: runAsUser is ${user ?? 'unset'}, expected ${opts.uid} (the images' USER)`);
      if (sc.readOnlyRootFilesystem !== true) add(`${at}: securityContext.readOnlyRootFilesystem must be true`);
    }
  }
}

/** Two httpGet handlers that send the same request (path, port, host, scheme, headers). */
function sameHttpGet(a: NonNullable<Probe['httpGet']>, b: NonNullable<Probe['httpGet']>): boolean {
  const key = (h: NonNullable<Probe['httpGet']>) => JSON.stringify([h.path ?? '/', h.port, h.host ?? '', h.scheme ?? 'HTTP', h.httpHeaders ?? []]);
  return key(a) === key(b);
}

function portExists(c: Container, port: number | string | undefined): boolean {
  if (port === undefined) return false;
  return (c.ports ?? []).some((p) => (typeof port === 'string' ? p.name === port : p.containerPort === port));
}

/**
 * The project's rules over a whole set of documents (one chart or overlay
 * rendered). Returns one message per violation.
 *
 * - workloads: the selector selects the pod template's labels;
 * - containers: resources with cpu and memory requests and limits; a container
 *   with a port has liveness and readiness probes, whose ports exist; the
 *   liveness probe is not the readiness probe's HTTP GET (a health path may
 *   check a database: as liveness, an outage would restart every pod);
 * - Pod Security "restricted" at pod and container level, with explicit
 *   pod and container securityContexts; `ownImage` pods run as `uid` with a
 *   read-only root filesystem; volume mounts name existing volumes;
 * - Services: select at least one pod template, and each targetPort exists
 *   on every pod they select (by name or number);
 * - references: ConfigMaps and Secrets (envFrom, env valueFrom, volumes,
 *   projected sources, with their keys) exist in the set or are user-provided;
 *   serviceAccountName names a ServiceAccount in the set (or "default");
 *   HPA targets, PDB selectors and Ingress backends resolve;
 * - no two objects share kind and name; names, label keys and values, and
 *   port names have the formats the API server enforces (a Service name is
 *   a DNS-1035 label: it cannot start with a digit).
 */
export function checkRules(docs: object[], opts: RuleOptions): string[] {
  const objects = docs.filter(isObject) as K8sObject[];
  const problems: string[] = [];
  const add = (m: string) => problems.push(m);
  const ownImage = opts.ownImage ?? (() => true);
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const named = (kind: string, name: string | undefined) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
  const templates = podTemplates(objects);
  /** Pod templates a Service or PDB can select: not Helm hook pods (tests, jobs), which are short-lived. */
  const selectable = templates.filter((t) => !(t.owner.kind === 'Pod' && t.owner.metadata?.annotations?.['helm.sh/hook']));

  // Unique names per kind; names, labels and port names in the formats the API server enforces.
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.name}`;
    if (seen.has(id)) add(`${id}: defined twice`);
    seen.add(id);
    const name = o.metadata?.name ?? '';
    if (o.kind === 'Service' && !DNS_1035.test(name)) add(`${id}: a Service name must be a DNS-1035 label (a letter first, at most 63 characters)`);
    else if (!DNS_SUBDOMAIN.test(name) || name.length > 253) add(`${id}: metadata.name is not a DNS-1123 subdomain`);
    for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
      if (!validLabelKey(k)) add(`${id}: label key "${k}" is not valid`);
      if (typeof v !== 'string' || !LABEL_VALUE.test(v)) add(`${id}: label ${k} has an invalid value ${JSON.stringify(v)}`);
    }
  }
  for (const t of templates) {
    for (const [k, v] of Object.entries(t.labels)) {
      if (!validLabelKey(k)) add(`${describeObject(t.owner)}: pod label key "${k}" is not valid`);
      if (typeof v !== 'string' || !LABEL_VALUE.test(v)) add(`${describeObject(t.owner)}: pod label ${k} has an invalid value ${JSON.stringify(v)}`);
    }
    for (const c of allContainers(t.spec))
      for (const p of c.ports ?? [])
        if (p.name !== undefined && !validPortName(p.name)) add(`${describeObject(t.owner)}: container ${c.name}: port name "${p.name}" is not an IANA service name (15 characters at most, a letter, no double '-')`);
  }
  for (const svc of byKind('Service'))
    for (const p of ((svc.spec as { ports?: { name?: string }[] } | undefined)?.ports ?? []))
      if (p.name !== undefined && !DNS_LABEL.test(p.name)) add(`${describeObject(svc)}: port name "${p.name}" is not a DNS-1123 label`);

  // Workload selectors.
  for (const o of objects) {
    if (!WORKLOAD_KINDS.has(o.kind ?? '') || o.kind === 'Job') continue;
    const spec = o.spec as { selector?: LabelSelector; template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
    const selector = spec?.selector;
    if (!selector || (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length))
      add(`${describeObject(o)}: spec.selector is empty`);
    else if (!selects(selector, spec?.template?.metadata?.labels ?? {})) add(`${describeObject(o)}: spec.selector does not match the pod template's labels`);
  }

  // An ExternalSecret makes its target Secret; its keys are the remote entry's (unknown here).
  const external = new Set(byKind('ExternalSecret').map((e) => (e.spec as { target?: { name?: string } } | undefined)?.target?.name ?? e.metadata?.name));
  const secretKeys = (name: string | undefined): Set<string> | 'user' | undefined => {
    if (name && ((opts.userSecrets ?? []).includes(name) || external.has(name))) return 'user';
    const s = named('Secret', name);
    if (!s) return undefined;
    return new Set([...Object.keys((s.data as object) ?? {}), ...Object.keys((s.stringData as object) ?? {})]);
  };
  const configMapKeys = (name: string | undefined): Set<string> | 'user' | undefined => {
    if (name && (opts.userConfigMaps ?? []).includes(name)) return 'user';
    const c = named('ConfigMap', name);
    if (!c) return undefined;
    return new Set([...Object.keys((c.data as object) ?? {}), ...Object.keys((c.binaryData as object) ?? {})]);
  };
  const checkRef = (where: string, kind: 'Secret' | 'ConfigMap', ref: { name?: string; key?: string; optional?: boolean } | undefined) => {
    if (!ref || ref.optional) return;
    const keys = kind === 'Secret' ? secretKeys(ref.name) : configMapKeys(ref.name);
    if (keys === undefined) add(`${where}: ${kind} "${ref.name}" is neither in the manifests nor user-provided`);
    else if (keys !== 'user' && ref.key !== undefined && !keys.has(ref.key)) add(`${where}: ${kind} "${ref.name}" has no key "${ref.key}"`);
  };

  for (const t of templates) {
    const where = describeObject(t.owner);
    const own = ownImage(t.owner);
    checkSecurity(t, where, opts, own, add);

    const volumeNames = new Set([...(t.spec.volumes ?? []).map((v) => String(v.name)), ...t.claimNames]);
    for (const v of t.spec.volumes ?? []) {
      const vol = v as Record<string, any>;
      // A runaway temporary file must evict the pod, not fill the node's disk.
      if (vol.emptyDir && vol.emptyDir.medium !== 'Memory' && vol.emptyDir.sizeLimit === undefined) add(`${where}: emptyDir volume ${vol.name} has no sizeLimit`);
      if (vol.configMap) checkRef(`${where}: volume ${vol.name}`, 'ConfigMap', vol.configMap);
      if (vol.secret) checkRef(`${where}: volume ${vol.name}`, 'Secret', { name: vol.secret.secretName, optional: vol.secret.optional });
      for (const src of vol.projected?.sources ?? []) {
        if (src.configMap) checkRef(`${where}: volume ${vol.name}`, 'ConfigMap', src.configMap);
        if (src.secret) checkRef(`${where}: volume ${vol.name}`, 'Secret', src.secret);
      }
    }
    const sa = t.spec.serviceAccountName;
    if (sa && sa !== 'default' && !named('ServiceAccount', sa)) add(`${where}: serviceAccountName "${sa}" names no ServiceAccount in the manifests`);

    for (const c of allContainers(t.spec)) {
      const at = `${where}: container ${c.name}`;
      const r = c.resources;
      for (const kind of ['requests', 'limits'] as const)
        for (const res of ['cpu', 'memory', 'ephemeral-storage'])
          if (r?.[kind]?.[res] === undefined) add(`${at}: resources.${kind}.${res} is missing`);
      const isMain = (t.spec.containers ?? []).includes(c);
      // A worker's metrics port alone (named metrics) serves Prometheus, not clients: no probes asked.
      if (isMain && (c.ports ?? []).some((p) => p.name !== 'metrics') && t.owner.kind !== 'Job' && t.owner.kind !== 'CronJob') {
        if (!c.livenessProbe) add(`${at}: has a port but no livenessProbe`);
        if (!c.readinessProbe) add(`${at}: has a port but no readinessProbe`);
      }
      // A health path may check the database: as the liveness probe it would restart every pod in an outage.
      const live = c.livenessProbe?.httpGet;
      const ready = c.readinessProbe?.httpGet;
      if (live && ready && sameHttpGet(live, ready))
        add(`${at}: livenessProbe is the readinessProbe (HTTP GET ${ready.path ?? '/'} on port ${ready.port}): liveness must not check what readiness checks (a database outage would restart every pod)`);
      for (const [kind, probe] of Object.entries({ livenessProbe: c.livenessProbe, readinessProbe: c.readinessProbe, startupProbe: c.startupProbe })) {
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
        if (probe && port !== undefined && typeof port === 'string' && !portExists(c, port)) add(`${at}: ${kind} uses port "${port}", which the container does not declare`);
      }
      for (const m of c.volumeMounts ?? []) if (!volumeNames.has(m.name ?? '')) add(`${at}: volumeMount "${m.name}" names no volume`);
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef) checkRef(`${at}: envFrom`, 'ConfigMap', e.configMapRef);
        if (e.secretRef) checkRef(`${at}: envFrom`, 'Secret', e.secretRef);
      }
      for (const e of c.env ?? []) {
        checkRef(`${at}: env ${e.name}`, 'ConfigMap', e.valueFrom?.configMapKeyRef);
        checkRef(`${at}: env ${e.name}`, 'Secret', e.valueFrom?.secretKeyRef);
      }
    }
  }

  // Services: select pods, and their target ports exist there.
  for (const s of byKind('Service')) {
    const spec = (s.spec ?? {}) as { type?: string; selector?: Record<string, string>; ports?: { name?: string; port?: number; targetPort?: number | string }[] };
    if (spec.type === 'ExternalName') continue;
    if (!spec.selector || !Object.keys(spec.selector).length) {
      // A selector-less Service is backed by EndpointSlices of its own (an address outside the
      // cluster): one must name it, with a port of each of its port names, and an address.
      const slices = byKind('EndpointSlice').filter((e) => e.metadata?.labels?.['kubernetes.io/service-name'] === s.metadata?.name);
      if (!slices.length) add(`${describeObject(s)}: has no selector and no EndpointSlice (label kubernetes.io/service-name)`);
      for (const e of slices) {
        const slice = e as unknown as { ports?: { name?: string; port?: number }[]; endpoints?: { addresses?: string[] }[] };
        for (const p of spec.ports ?? [])
          if (!(slice.ports ?? []).some((q) => (q.name ?? '') === (p.name ?? '')))
            add(`${describeObject(e)}: has no port named ${JSON.stringify(p.name ?? '')} of ${describeObject(s)}`);
        if (!(slice.endpoints ?? []).some((x) => (x.addresses ?? []).length)) add(`${describeObject(e)}: has no address`);
      }
      continue;
    }
    const pods = selectable.filter((t) => selects({ matchLabels: spec.selector }, t.labels));
    if (!pods.length) {
      add(`${describeObject(s)}: selects no pod template in the manifests`);
      continue;
    }
    for (const p of spec.ports ?? []) {
      const target = p.targetPort ?? p.port;
      for (const t of pods)
        if (!(t.spec.containers ?? []).some((c) => portExists(c, target)))
          add(`${describeObject(s)}: port ${p.name ?? p.port} targets ${JSON.stringify(target)}, which ${describeObject(t.owner)} does not expose`);
    }
  }

  // A PodMonitor scrapes pods of the manifests, on a port their containers name.
  for (const m of byKind('PodMonitor')) {
    const spec = m.spec as { selector?: LabelSelector; podMetricsEndpoints?: { port?: string }[] } | undefined;
    const targets = templates.filter((t) => spec?.selector && selects(spec.selector, t.labels));
    if (!targets.length) add(`${describeObject(m)}: its selector matches no pod template in the manifests`);
    for (const e of spec?.podMetricsEndpoints ?? [])
      for (const t of targets)
        if (e.port && !(t.spec.containers ?? []).some((c) => portExists(c, e.port!))) add(`${describeObject(m)}: port "${e.port}" is not a container port of ${describeObject(t.owner)}`);
  }

  // Replicas above one are spread: one node or zone going down must not take them all.
  const scaled = new Set(
    byKind('HorizontalPodAutoscaler')
      .map((h) => h.spec as { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number } | undefined)
      .filter((s) => (s?.minReplicas ?? 1) > 1)
      .map((s) => `${s?.scaleTargetRef?.kind}/${s?.scaleTargetRef?.name}`),
  );
  for (const t of templates) {
    const o = t.owner;
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const replicas = (o.spec as { replicas?: number } | undefined)?.replicas;
    if (!((replicas ?? 1) > 1 || scaled.has(`${o.kind}/${o.metadata?.name}`))) continue;
    const selectsPods = (term?: { labelSelector?: LabelSelector }) => !!term?.labelSelector && selects(term.labelSelector, t.labels);
    const spread = (t.spec.topologySpreadConstraints ?? []).some(selectsPods);
    const anti = t.spec.affinity?.podAntiAffinity;
    const antiSpread = (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(selectsPods) || (anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).some((p) => selectsPods(p.podAffinityTerm));
    if (!spread && !antiSpread) add(`${describeObject(o)}: runs more than one replica but neither topologySpreadConstraints nor podAntiAffinity selects its pods (one node going down would take them all)`);
  }

  for (const h of byKind('HorizontalPodAutoscaler')) {
    const ref = (h.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)?.scaleTargetRef;
    if (!ref || !named(ref.kind ?? '', ref.name)) add(`${describeObject(h)}: scaleTargetRef ${ref?.kind}/${ref?.name} is not in the manifests`);
  }
  for (const p of byKind('PodDisruptionBudget')) {
    const selector = (p.spec as { selector?: LabelSelector } | undefined)?.selector;
    if (!selectable.some((t) => selects(selector, t.labels))) add(`${describeObject(p)}: selects no pod template in the manifests`);
  }
  // Every route's backend is a Service of the manifests with that port: an Ingress's, an
  // IngressRoute's (Traefik) and an HTTPRoute's (Gateway API); every Middleware a route names exists.
  const backend = (owner: K8sObject, name: string | undefined, port: number | string | undefined) => {
    const svc = named('Service', name);
    if (!svc) return add(`${describeObject(owner)}: backend service "${name}" is not in the manifests`);
    const ports = (svc.spec as { ports?: { name?: string; port?: number }[] }).ports ?? [];
    if (!ports.some((p) => (typeof port === 'number' ? p.port === port : p.name === port))) add(`${describeObject(owner)}: backend service "${name}" has no port ${port}`);
  };
  for (const ing of byKind('Ingress')) {
    const spec = (ing.spec ?? {}) as { rules?: { http?: { paths?: { backend?: { service?: { name?: string; port?: { number?: number; name?: string } } } }[] } }[] };
    for (const rule of spec.rules ?? [])
      for (const path of rule.http?.paths ?? []) {
        const b = path.backend?.service;
        if (b) backend(ing, b.name, b.port?.number ?? b.port?.name);
      }
  }
  for (const r of byKind('IngressRoute')) {
    const spec = (r.spec ?? {}) as { routes?: { services?: { name?: string; port?: number | string; kind?: string }[]; middlewares?: { name?: string }[] }[] };
    for (const route of spec.routes ?? []) {
      for (const s of route.services ?? []) if ((s.kind ?? 'Service') === 'Service') backend(r, s.name, s.port);
      for (const m of route.middlewares ?? []) if (!named('Middleware', m.name)) add(`${describeObject(r)}: middleware "${m.name}" is not in the manifests`);
    }
  }
  for (const r of byKind('HTTPRoute')) {
    const spec = (r.spec ?? {}) as { rules?: { backendRefs?: { name?: string; port?: number; kind?: string }[] }[] };
    for (const rule of spec.rules ?? []) for (const b of rule.backendRefs ?? []) if ((b.kind ?? 'Service') === 'Service') backend(r, b.name, b.port);
  }
  return problems;
}
