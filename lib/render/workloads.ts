/**
 * Workload facts: what the pods of each service and backing service look
 * like on Kubernetes, decided once from the stack model and the profiles
 * (./profiles.ts). Both Kubernetes renderers read them: the Helm chart
 * (generators/helm/values.ts puts them in values.yaml) and the plain
 * manifests (generators/kubernetes writes them into the kustomize base), so
 * names, labels, ports, probes, env, resources, writable folders and the
 * securityContext cannot drift apart. test/kubernetes/agreement.test.ts
 * renders both for the same models and compares the pods.
 *
 * Pure: the same model gives the same facts, in the same (sorted) order.
 */
import { CATALOG, PASSWORD, type Resources } from '../catalog/index.js';
import { backingNames, CONTAINER_GID, CONTAINER_UID, externalHostOf, imageRepository, placement, replacesEntrypoint, serviceNames, type Cluster } from '../model/derive.js';
import type { BackingKind, Placement, PLACEMENT_ENVIRONMENTS, ServiceModel, StackModel } from '../model/types.js';
import { imagePin, tagFor } from '../catalog/images.js';
import { packOf, runtimeProfile } from '../languages/index.js';
import { ambassadorFacts, type AmbassadorFacts } from './ambassador.js';
import type { RuntimeProfile } from './profiles.js';
import { joinParts, wireStack, type Wiring } from './wiring.js';

/** The default image tag of every service: the chart's appVersion, the manifests' `images:` tag. */
export const APP_VERSION = '0.1.0';

export interface ProbeTiming {
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}
export interface ProbeTimings {
  startup: ProbeTiming;
  liveness: ProbeTiming;
  readiness: ProbeTiming;
}

/** Probe timings; the startup probe's failureThreshold (x 5 s) is how long a start may take. */
export function probeTimings(startupFailureThreshold: number): ProbeTimings {
  return {
    startup: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: startupFailureThreshold },
    liveness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    readiness: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
  };
}

/** Backing services (official images, first start initialises data) get 60 x 5 s to start. */
export const BACKING_PROBES = probeTimings(60);
/** An ambassador (a TCP proxy, lib/render/ambassador.ts) gets 12 x 5 s. */
export const AMBASSADOR_PROBES = probeTimings(12);

/** How a container with a port is probed: an HTTP GET of a path, or a TCP connect. */
export type ProbeHandler = { httpGet: { path: string; port: string } } | { tcpSocket: { port: string } };

/** The three probes of a service with a port. */
export interface ProbeHandlers {
  /** A TCP connect: the port is open once the process has started; never gated on a dependency. */
  startup: ProbeHandler;
  /** The livenessPath, else a TCP connect: a failure restarts the container, so it checks the process alone. */
  liveness: ProbeHandler;
  /** The readinessPath (the health path, which may check the database), else a TCP connect. */
  readiness: ProbeHandler;
}

/**
 * The HTTP paths of a service's readiness and liveness probes. Readiness is
 * the health path, which may check the database: failing it only takes the pod
 * out of its Service. Liveness restarts the container, so it must not check a
 * dependency (a database outage would restart every pod): it gets a path only
 * when the language pack knows one that checks the process alone (Spring Boot's
 * actuator groups), else the renderers use a TCP connect.
 */
export function probePaths(svc: ServiceModel): { readiness: string | null; liveness: string | null } {
  const health = svc.healthPath || null;
  return (health && packOf(svc).probePaths?.(svc, health)) || { readiness: health, liveness: null };
}

/** The labels on every object of production in one of several clusters: which cluster and region it was rendered for (never in a selector). */
export const clusterLabels = (c: Cluster): Record<string, string> => ({ 'generator-containerize/cluster': c.name, 'generator-containerize/region': c.region });

/** Pod-level securityContext (Pod Security Standard "restricted") for a user and group. */
export function podSecurityContext(uid: number, gid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level securityContext: no privilege escalation, no capabilities, read-only root by default. */
export function containerSecurityContext(uid: number, gid: number, readOnlyRootFilesystem = true) {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** `<app>-<component>`, at most 63 characters: the name of every object of a component but its Service. */
export function componentName(app: string, component: string): string {
  return `${app}-${component}`.slice(0, 63).replace(/-+$/, '');
}

/** The labels a component's selectors use (never change them: a Deployment's selector is immutable). */
export function selectorLabels(app: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/instance': app,
    'app.kubernetes.io/component': component,
  };
}

/** Where replicas are spread, in order: across nodes, then across zones. */
export const SPREAD_TOPOLOGY_KEYS = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'] as const;

/**
 * The topologySpreadConstraints of a workload with more than one replica: one per topology key,
 * ScheduleAnyway (a best effort that never leaves a pod pending on a one-node or one-zone
 * cluster), selecting the workload's own pods. The Helm chart renders the same from its values.
 */
export function spreadConstraints(app: string, component: string): object[] {
  return SPREAD_TOPOLOGY_KEYS.map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorLabels(app, component) } }));
}

export interface ServiceFacts {
  /** The service's name: the Service's name and the hostname the code uses. */
  name: string;
  svc: ServiceModel;
  /** `<registry>/<app>-<name>`. */
  repository: string;
  profile: RuntimeProfile;
  /** `<app>-<name>`: Deployment, ServiceAccount, ConfigMap, NetworkPolicy. */
  objectName: string;
  /** The container port's name ('http' when a probe is an HTTP GET, else 'tcp'); null for a worker. */
  portName: 'http' | 'tcp' | null;
  /** HTTP path of the readiness probe (and the chart's test), or null: a TCP connect. */
  readinessPath: string | null;
  /** HTTP path of the liveness probe, or null: a TCP connect. */
  livenessPath: string | null;
  /** The probes of a service with a port; null for a worker. */
  handlers: ProbeHandlers | null;
  probes: ProbeTimings;
  /** Non-secret variables with a known value (wired ones included), sorted by name: the ConfigMap. */
  env: [string, string][];
  /** Non-secret variables without a known value: listed as comments to fill in. */
  unsetEnv: string[];
  /** The user's secret variables (API keys...), sorted: keys of existingSecret. */
  secretEnv: string[];
  /**
   * Variables wired to a backing service that hold its password, sorted by name: `value` null
   * is the password itself, else a value that refers to it as `$(<passwordRef>)`.
   */
  connections: Connection[];
  /** Name of the Secret the user creates ('' when the service has no secret variable): `<app>-<name>`. */
  existingSecret: string;
  dependsOn: string[];
  /** Routed by an Ingress: public in the model and has a port. */
  public: boolean;
  /**
   * A process of another service's image (imageFrom): that service's name, else null. Its
   * container runs the same image with `args` (over the image's CMD; the ENTRYPOINT stays).
   */
  imageFrom: string | null;
  /** The container's args: the process's start command; [] runs the image's CMD. */
  args: string[];
  /** The process's command is the container's `command`, not its `args` (model/derive.ts replacesEntrypoint). */
  replaceEntrypoint: boolean;
  /** A release command (migrations): a Job run to completion, not a Deployment. */
  job: boolean;
  /** Prometheus metrics the service serves (model metricsPath), or null. */
  metrics: MetricsEndpoint | null;
}

/** Where Prometheus scrapes a service: a path on a named container port (the service's own, or `metrics` when separate). */
export interface MetricsEndpoint {
  path: string;
  port: number;
  portName: string;
  /** True when it is not the service's port: the container declares a port `metrics` of its own. */
  separate: boolean;
}

/**
 * Where Prometheus runs, as a NetworkPolicyPeer: the namespace `monitoring` and the pods of the
 * Prometheus Operator's (and kube-prometheus-stack's) Prometheus. The NetworkPolicies let it
 * reach each metrics port; the chart's metrics.prometheusFrom and a kustomize patch change it.
 */
export const PROMETHEUS_PEER = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
};

/** The pod annotations of the Prometheus convention (prometheus.io/scrape, port, path) for an endpoint. */
export const scrapeAnnotations = (m: MetricsEndpoint): Record<string, string> => ({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(m.port), 'prometheus.io/path': m.path });

/** One variable wired to a backing service's password (see ServiceFacts.connections). */
export interface Connection {
  name: string;
  backing: string;
  value: string | null;
}

/** How a backing service's image runs here: its catalog record, resolved for its version and credentials. */
export interface BackingProfile {
  port: number;
  /** The kind's TLS port, or null when its protocol negotiates TLS inside (catalog tlsPort). */
  tlsPort: number | null;
  uid: number;
  gid: number;
  /** The data volume's mount, or null when the kind keeps nothing. */
  dataDir: string | null;
  size: string;
  writableDirs: string[];
  /** Writable folders that start as a copy of the image's (an init container copies each into its emptyDir). */
  seedDirs: string[];
  readOnlyRootFilesystem: boolean;
  /** Container args replacing the image's CMD ([] keeps it); `$(VAR)` refers to the container's env. */
  args: string[];
  resources: Resources;
  externalInProduction: boolean;
  /** Health command for `sh -c` (readiness and startup probes), or null: probed with a TCP connect. */
  health: string | null;
  /** Auth on: the password comes from existingSecret. */
  auth: boolean;
  user: string | null;
  database: string | null;
  note: string;
}

/** Resources of the init container that copies a backing image's seeded folders (a `cp`). */
export const SEED_RESOURCES: Resources = { requests: { cpu: '10m', memory: '16Mi', 'ephemeral-storage': '16Mi' }, limits: { cpu: '200m', memory: '64Mi', 'ephemeral-storage': '64Mi' } };

/** The command of that init container: each seeded folder copied into the emptyDir mounted at /seed/<i>. */
export const seedCommand = (dirs: string[]): string[] => ['sh', '-c', dirs.map((d, i) => `cp -R ${d}/. /seed/${i}/`).join(' && ')];

/** The variable a pod gets a backing service's password in, for `$(...)` references in its wired values. */
export const passwordRef = (backing: string) => `CONTAINERIZE_${backing.toUpperCase().replace(/-/g, '_')}_PASSWORD`;

export interface BackingFacts {
  name: string;
  kind: BackingKind;
  repository: string;
  tag: string;
  profile: BackingProfile;
  /** `<app>-<name>`: StatefulSet, NetworkPolicy. */
  objectName: string;
  env: [string, string][];
  /** Variable name → key in existingSecret, sorted by variable. */
  secretEnv: [string, string][];
  existingSecret: string;
  /** Services whose dependsOn names this backing service, sorted. */
  usedBy: string[];
}

export interface WorkloadFacts {
  app: string;
  uid: number;
  gid: number;
  appVersion: string;
  services: ServiceFacts[];
  backing: BackingFacts[];
  /** Names of the services with public: true and a port. */
  publicServices: string[];
}

const sortedEntries = (o: Record<string, string>): [string, string][] =>
  Object.keys(o)
    .sort()
    .map((k) => [k, o[k]!]);

function probeHandlers(port: string, paths: { readiness: string | null; liveness: string | null }): ProbeHandlers {
  const handler = (path: string | null): ProbeHandler => (path ? { httpGet: { path, port } } : { tcpSocket: { port } });
  return { startup: handler(null), liveness: handler(paths.liveness), readiness: handler(paths.readiness) };
}

export function serviceFacts(model: StackModel, name: string, wiring: Wiring = wireStack(model)): ServiceFacts {
  const svc = model.services[name]!;
  const vars = wiring.services[name]!;
  const literal = (v: (typeof vars)[number]) => (v.value.kind === 'literal' ? v.value.value : null);
  // PORT is the model's, as the code reads it (it is not wired).
  const port = svc.env.PORT && !svc.env.PORT.secret && svc.env.PORT.value !== null && svc.port !== null ? [['PORT', svc.env.PORT.value] as [string, string]] : [];
  const env = [...port, ...vars.filter((v) => literal(v) !== null).map((v) => [v.name, literal(v)!] as [string, string])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const secretEnv = vars.filter((v) => v.value.kind === 'secret').map((v) => v.name);
  const connections: Connection[] = vars.flatMap((v): Connection[] => {
    if (v.value.kind === 'password') return [{ name: v.name, backing: v.value.backing, value: null }];
    // $ in the literal parts is escaped ($$) so Kubernetes does not read it as a reference.
    if (v.value.kind === 'connection')
      return [{ name: v.name, backing: v.value.backing, value: joinParts(v.value.parts, (b) => `$(${passwordRef(b)})`, (t) => t.replace(/\$\(/g, '$$$$(')) }];
    return [];
  });
  const profile = runtimeProfile(svc);
  const paths = probePaths(svc);
  // Spring Boot answers its liveness and readiness groups outside a cluster too only when asked.
  if (paths.liveness?.endsWith('/health/liveness') && !env.some(([k]) => k === 'MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED')) {
    env.push(['MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED', 'true']);
    env.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  const portName = svc.port === null ? null : paths.readiness || paths.liveness ? 'http' : 'tcp';
  return {
    name,
    svc,
    repository: imageRepository(model, name),
    profile,
    objectName: componentName(model.name, name),
    portName,
    readinessPath: paths.readiness,
    livenessPath: paths.liveness,
    handlers: portName === null ? null : probeHandlers(portName, paths),
    probes: probeTimings(profile.startupFailureThreshold),
    env,
    unsetEnv: vars.filter((v) => v.value.kind === 'unset').map((v) => v.name),
    secretEnv,
    connections,
    existingSecret: secretEnv.length ? componentName(model.name, name) : '',
    dependsOn: [...new Set(svc.dependsOn ?? [])].sort(),
    public: svc.public && svc.port !== null,
    imageFrom: svc.imageFrom ?? null,
    args: svc.imageFrom ? [...svc.start] : [],
    replaceEntrypoint: replacesEntrypoint(svc),
    job: svc.release === true,
    metrics: metricsEndpoint(svc, portName),
  };
}

function metricsEndpoint(svc: ServiceModel, portName: string | null): MetricsEndpoint | null {
  if (!svc.metricsPath) return null;
  const port = svc.metricsPort ?? svc.port;
  if (port === null) return null;
  const separate = port !== svc.port;
  return { path: svc.metricsPath, port, portName: separate || portName === null ? 'metrics' : portName, separate };
}

export function backingFacts(model: StackModel, name: string, wiring: Wiring = wireStack(model)): BackingFacts {
  const w = wiring.backing[name]!;
  const r = CATALOG[w.kind];
  const pin = imagePin(r.pin);
  const secretEnv: [string, string][] = w.auth && r.passwordVar ? [[r.passwordVar, 'password']] : [];
  const health = r.health(w.server);
  return {
    name,
    kind: w.kind,
    repository: pin.repository,
    tag: tagFor(r.pin, w.version),
    profile: {
      port: r.port,
      tlsPort: r.tlsPort,
      uid: r.uid,
      gid: r.gid,
      dataDir: r.dataDir(w.version),
      size: r.size,
      writableDirs: r.writableDirs,
      seedDirs: r.seedDirs,
      readOnlyRootFilesystem: r.readOnlyRootFilesystem,
      args: r.args(w.server),
      resources: r.resources,
      externalInProduction: r.externalInProduction,
      health: health === null ? null : health.split(PASSWORD).join(`$${r.passwordVar}`),
      auth: w.auth,
      user: w.user,
      database: w.database,
      note: r.note,
    },
    objectName: componentName(model.name, name),
    env: sortedEntries(r.serverEnv(w.server)),
    secretEnv,
    existingSecret: secretEnv.length ? componentName(model.name, name) : '',
    usedBy: w.usedBy,
  };
}

/**
 * The `env:` list of a service's container: the password of each backing service a wired
 * value refers to (from that backing service's Secret, key `password`), then the wired
 * variables (sorted), then the user's secrets (from existingSecret). The Helm chart renders
 * the same list from values (deployment.yaml: connections and secretEnv).
 */
export function containerEnv(app: string, s: ServiceFacts): Record<string, unknown>[] {
  const fromBacking = (backing: string) => ({ secretKeyRef: { name: componentName(app, backing), key: 'password' } });
  // PORT follows the model's port (over the image's ENV and the ConfigMap), so a patch of the port reaches the process.
  const out: Record<string, unknown>[] = s.svc.port === null ? [] : [{ name: 'PORT', value: String(s.svc.port) }];
  const seen = new Set<string>();
  for (const c of s.connections) {
    if (c.value === null || seen.has(c.backing)) continue;
    seen.add(c.backing);
    out.push({ name: passwordRef(c.backing), valueFrom: fromBacking(c.backing) });
  }
  for (const c of s.connections) out.push(c.value === null ? { name: c.name, valueFrom: fromBacking(c.backing) } : { name: c.name, value: c.value });
  for (const k of s.secretEnv) out.push({ name: k, valueFrom: { secretKeyRef: { name: s.existingSecret, key: k } } });
  return out;
}

export function workloadFacts(model: StackModel): WorkloadFacts {
  const wiring = wireStack(model);
  const services = serviceNames(model).map((n) => serviceFacts(model, n, wiring));
  return {
    app: model.name,
    uid: CONTAINER_UID,
    gid: CONTAINER_GID,
    appVersion: APP_VERSION,
    services,
    backing: backingNames(model).map((n) => backingFacts(model, n, wiring)),
    publicServices: services.filter((s) => s.public).map((s) => s.name),
  };
}

/** The port a dependency listens on (a service's or a backing service's), or null (a worker, or unknown). */
export function dependencyPort(model: StackModel, target: string): number | null {
  if (target in model.services) return model.services[target]!.port;
  const b = model.backing[target];
  return b ? CATALOG[b.kind].port : null;
}

/** Where an external backing service may be by default (the chart's external.egressTo default): narrow it to your database. */
export const EXTERNAL_EGRESS = [{ ipBlock: { cidr: '0.0.0.0/0' } }];

/** A backing service outside the cluster in an environment, and how the Service of its name reaches it. */
export interface ExternalBacking {
  b: BackingFacts;
  placement: Exclude<Placement, 'cluster'>;
  /** external-name and ambassador: the DNS name (ExternalName; the ambassador's upstream); external-ip: the IP address (EndpointSlice). */
  address: string;
  /** The kustomize component that moves it there. */
  component: string;
  /** Where its clients (the ambassador's pods, for an ambassador) may send traffic: the address's /32 (/128) for an IP, anywhere for a DNS name. */
  egressTo: Record<string, unknown>[];
  /** The proxy beside the app, for placement ambassador; null otherwise. */
  ambassador: AmbassadorFacts | null;
}

/** The backing services outside the cluster in an environment (backing.<name>.staging|production), for kustomize, the manifests and the chart alike. */
/** The backing services that keep a volume in the cluster in an environment (not placed outside it): a cluster's StorageClass applies to them. */
export function inClusterVolumes(model: StackModel, facts: WorkloadFacts, env: (typeof PLACEMENT_ENVIRONMENTS)[number]): BackingFacts[] {
  const outside = outsideBacking(model, facts, env).map((o) => o.b);
  return facts.backing.filter((b) => b.profile.dataDir !== null && !outside.includes(b));
}

export function outsideBacking(model: StackModel, facts: WorkloadFacts, env: (typeof PLACEMENT_ENVIRONMENTS)[number]): ExternalBacking[] {
  return facts.backing.flatMap((b): ExternalBacking[] => {
    const where = placement(model, b.name, env, b.profile.externalInProduction);
    if (where === 'cluster') return [];
    if (where === 'external-name') return [{ b, placement: where, address: externalHostOf(model, b.name), component: `external-${b.name}`, egressTo: EXTERNAL_EGRESS, ambassador: null }];
    if (where === 'ambassador') {
      const host = externalHostOf(model, b.name);
      const tls = model.backing[b.name]!.ambassadorTls === true;
      const ambassador = ambassadorFacts(componentName(model.name, `${b.name}-ambassador`), b.name, b.kind, host, tls);
      return [{ b, placement: where, address: host, component: `ambassador-${b.name}`, egressTo: EXTERNAL_EGRESS, ambassador }];
    }
    const ip = model.backing[b.name]!.externalIp!;
    return [{ b, placement: where, address: ip, component: `external-ip-${b.name}`, egressTo: [{ ipBlock: { cidr: `${ip}/${ip.includes(':') ? 128 : 32}` } }], ambassador: null }];
  });
}
