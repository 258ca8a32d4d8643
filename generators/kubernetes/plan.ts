/**
 * The kubernetes stage's decisions, made once from the workload facts
 * (lib/render/workloads.ts, shared with the Helm chart) and read by every
 * template: the NetworkPolicies the model implies, and per environment its
 * namespace, replicas, autoscaling, disruption budgets, Ingress hosts, which
 * backing services run outside the cluster, the Secrets the user creates and
 * the workloads the deploy script waits for. Pure.
 */
import { clustersOf, type Cluster } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { ingressControllerPeer, replaceOps, routingObjects, routingPlan, type IngressController, type PatchOp, type Route, type RoutingPlan } from '../../lib/render/routing.js';
import {
  dependencyPort,
  clusterLabels,
  inClusterVolumes,
  outsideBacking,
  selectorLabels,
  type ExternalBacking,
  workloadFacts,
  type BackingFacts,
  type ServiceFacts,
  type WorkloadFacts,
  PROMETHEUS_PEER,
} from '../../lib/render/workloads.js';
import type { AmbassadorFacts } from '../../lib/render/ambassador.js';

export const ENVIRONMENTS = ['staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** Where cluster DNS runs: pods may send it UDP/TCP 53 (the chart's networkPolicy.dns default). */
export const DNS_PEERS = [
  {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  },
];
/** `<app>-<service>-from-ingress`: the policy letting the ingress controller reach a public service. */
export const fromIngressPolicyName = (app: string, service: string): string => `${app}-${service}-from-ingress`;
export { EXTERNAL_EGRESS, type ExternalBacking } from '../../lib/render/workloads.js';

type Peer = Record<string, unknown>;
export interface Rule {
  /** A comment line above the rule. */
  why: string;
  peers: Peer[];
  ports: { protocol: 'TCP' | 'UDP'; port: number }[];
}
export interface Policy {
  name: string;
  /** The component label it belongs to, or '' for the app-wide ones. */
  component: string;
  comment: string;
  podSelector: Record<string, unknown>;
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: Rule[];
  egress: Rule[];
}

export interface SecretToCreate {
  name: string;
  /** Keys the manifests read from it. */
  keys: string[];
  /** Who reads it: a service or backing service name. */
  owner: string;
}

/** The ingress controller of an environment, restated in its overlay (a patch of the from-ingress policies). */
export interface EnvironmentIngress {
  /** The Ingress's ingressClassName. */
  className: string;
  controller: IngressController;
  /** NetworkPolicyPeers of the controller. */
  peers: Record<string, unknown>[];
  /** A kustomize patch target name (an anchored regular expression) matching every from-ingress policy. */
  policyNames: string;
}


/** An ambassador Deployment in an environment (placement ambassador): how many replicas; above one, spread and a PodDisruptionBudget. */
export interface AmbassadorWorkload {
  o: ExternalBacking;
  a: AmbassadorFacts;
  replicas: number;
}

export interface Environment {
  name: EnvironmentName;
  namespace: string;
  /** Backing services outside the cluster here (the external-<name> component). */
  external: BackingFacts[];
  /** The same, with how each is reached. */
  outside: ExternalBacking[];
  /** The ambassadors of those placed behind one (production: two replicas each, spread, with a PodDisruptionBudget). */
  ambassadors: AmbassadorWorkload[];
  /** Deployment replica counts (not for autoscaled ones). */
  replicas: { name: string; count: number }[];
  /** Services with a HorizontalPodAutoscaler (production: public ones). */
  autoscaled: ServiceFacts[];
  /** Services with more than one replica (autoscaled or counted): spread over nodes and zones. */
  spread: ServiceFacts[];
  /** Services with a PodDisruptionBudget (production: those with a port). */
  disruptionBudgets: ServiceFacts[];
  /** The routes of the public services (host, path, service, port): none when no service is public. */
  ingressHosts: Route[];
  /** How public traffic gets in (lib/render/routing.ts), when a service is public; null otherwise. */
  routing: RoutingPlan | null;
  /** The ingress controller, when a service is public; null otherwise. */
  ingress: EnvironmentIngress | null;
  /** The TLS Secret of the Ingress, or '' for none. */
  tlsSecret: string;
  secrets: SecretToCreate[];
  /** `deployment/<name>` and `statefulset/<name>` the deploy script waits for. */
  rollouts: string[];
  /** `job/<name>` of the release commands: deploy.sh deletes the last run, then waits for the new one to complete. */
  jobs: string[];
}

/** A JSON patch of one object, by kind and name. */
export interface ObjectPatch {
  kind: string;
  name: string;
  ops: PatchOp[];
}

/**
 * Production in one of several clusters (model.clusters): the production overlay plus what
 * differs here, as patches that kustomize applies (overlays/production-<cluster>) and the plain
 * manifests apply in memory (<cluster folder>): labels naming the cluster and region, the
 * StorageClass of in-cluster volumes, the public hosts and the IngressClass.
 */
export interface ClusterOverlay {
  cluster: Cluster;
  /** production-<cluster>: the overlay, the plain manifests' folder, the deploy target, the GitHub environment. */
  name: string;
  labels: Record<string, string>;
  patches: ObjectPatch[];
  /** The cluster's routing (its hosts), when a service is public. */
  routing: RoutingPlan | null;
}

export interface KubernetesPlan extends WorkloadFacts {
  /** The image repositories to tag, once each (the processes of an image share its repository). */
  repositories: string[];
  policies: Policy[];
  environments: Record<EnvironmentName, Environment>;
  /** Production's clusters, when it runs in several; empty otherwise. */
  clusters: ClusterOverlay[];
}


function clusterOverlay(model: StackModel, facts: WorkloadFacts, production: Environment, cluster: Cluster): ClusterOverlay {
  const patches: ObjectPatch[] = [];
  if (cluster.storageClass)
    for (const b of inClusterVolumes(model, facts, 'production'))
      patches.push({ kind: 'StatefulSet', name: b.objectName, ops: [{ op: 'add', path: '/spec/volumeClaimTemplates/0/spec/storageClassName', value: cluster.storageClass }] });
  const routing = routingPlan(model, 'production', cluster);
  if (routing && production.routing) {
    const none = () => ({});
    const before = routingObjects(facts.app, production.routing, none);
    const after = routingObjects(facts.app, routing, none);
    after.forEach((o, i) => {
      const ops = replaceOps(before[i]!.spec, o.spec, '/spec').concat(replaceOps(before[i]!.metadata, o.metadata, '/metadata'));
      if (ops.length) patches.push({ kind: o.kind as string, name: (o.metadata as { name: string }).name, ops });
    });
  }
  return { cluster, name: `production-${cluster.name}`, labels: clusterLabels(cluster), patches, routing };
}

const tcp = (port: number) => [{ protocol: 'TCP' as const, port }];
const pods = (app: string, component: string): Peer => ({ podSelector: { matchLabels: selectorLabels(app, component) } });
const appSelector = (app: string) => ({
  matchLabels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app },
});

function policies(model: StackModel, facts: WorkloadFacts): Policy[] {
  const app = facts.app;
  // The base's from-ingress policies name the chosen controller; the overlays restate it in a patch.
  const controller = routingPlan(model, 'base')?.controller;
  const out: Policy[] = [
    {
      name: `${app}-default-deny`,
      component: '',
      comment: 'Every pod of the app: no traffic in or out unless a policy below allows it.',
      podSelector: appSelector(app),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [],
    },
    {
      name: `${app}-allow-dns`,
      component: '',
      comment: 'Every pod of the app may resolve names with cluster DNS.',
      podSelector: appSelector(app),
      policyTypes: ['Egress'],
      ingress: [],
      egress: [{ why: 'To cluster DNS (kube-dns in kube-system: change the peers if yours differs).', peers: DNS_PEERS, ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    },
  ];
  for (const s of facts.services) {
    const ingress: Rule[] = [];
    const callers = facts.services.filter((o) => o.dependsOn.includes(s.name)).map((o) => o.name);
    if (s.svc.port !== null && callers.length)
      ingress.push({ why: `From ${callers.join(', ')} (dependsOn).`, peers: callers.map((c) => pods(app, c)), ports: tcp(s.svc.port) });
    const egress: Rule[] = [];
    for (const d of s.dependsOn) {
      if (!(d in model.services)) continue; // backing services: the <app>-<backing>-clients policies
      const port = dependencyPort(model, d);
      if (port !== null) egress.push({ why: `To ${d} (dependsOn).`, peers: [pods(app, d)], ports: tcp(port) });
    }
    out.push({
      name: s.objectName,
      component: s.name,
      comment: `${s.name}: ${s.job ? 'a release command (a Job), reached by nobody' : s.svc.port === null ? 'a worker, reached by nobody' : 'reached by the pods that depend on it'}; it may call the services it depends on.`,
      podSelector: { matchLabels: selectorLabels(app, s.name) },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    });
    // Prometheus may scrape the metrics port (its own policy, so that one patch can point it elsewhere).
    if (s.metrics)
      out.push({
        name: `${s.objectName}-metrics`,
        component: s.name,
        comment: `${s.name} serves Prometheus metrics on ${s.metrics.port} (${s.metrics.path}): Prometheus may scrape it (namespace monitoring, pods app.kubernetes.io/name=prometheus: patch the peer if yours runs elsewhere).`,
        podSelector: { matchLabels: selectorLabels(app, s.name) },
        policyTypes: ['Ingress'],
        ingress: [{ why: 'From Prometheus.', peers: [PROMETHEUS_PEER], ports: tcp(s.metrics.port) }],
        egress: [],
      });
    // Its own policy, so that one patch in an overlay can point every public service at another controller.
    if (s.public)
      out.push({
        name: fromIngressPolicyName(app, s.name),
        component: s.name,
        comment: `${s.name} is public: the ingress controller may reach it. The overlays restate the controller in a patch of their kustomization.yaml: change it there.`,
        podSelector: { matchLabels: selectorLabels(app, s.name) },
        policyTypes: ['Ingress'],
        ingress: [
          {
            why: `From the ingress controller (${controllerText(controller!)}).`,
            peers: [ingressControllerPeer(controller!)],
            ports: tcp(s.svc.port!),
          },
        ],
        egress: [],
      });
  }
  for (const b of facts.backing) {
    const port = b.profile.port;
    out.push({
      name: b.objectName,
      component: b.name,
      comment: `${b.name} (${b.kind}, in the cluster): reached by its clients; talks only to itself. The external-${b.name} component deletes this policy.`,
      podSelector: { matchLabels: selectorLabels(app, b.name) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          why: `From its own pods${b.usedBy.length ? ` and ${b.usedBy.join(', ')} (dependsOn)` : ''}.`,
          peers: [pods(app, b.name), ...b.usedBy.map((u) => pods(app, u))],
          ports: tcp(port),
        },
      ],
      egress: [{ why: 'To its own pods, through its Service (e.g. a broker\'s advertised address).', peers: [pods(app, b.name)], ports: tcp(port) }],
    });
    if (b.usedBy.length)
      out.push({
        name: `${b.objectName}-clients`,
        component: b.name,
        comment: `The services that depend on ${b.name} may reach it on ${port}. The external-${b.name} component points this rule at the external instance.`,
        podSelector: {
          matchLabels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app },
          matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: b.usedBy }],
        },
        policyTypes: ['Egress'],
        ingress: [],
        egress: [{ why: `To ${b.name}.`, peers: [pods(app, b.name)], ports: tcp(port) }],
      });
  }
  return out;
}

/** A controller's pods in a few words: `namespace traefik, pods app.kubernetes.io/name=traefik`. */
export const controllerText = (c: IngressController): string =>
  `namespace ${c.namespace}, ${Object.keys(c.podLabels).length ? `pods ${Object.entries(c.podLabels).map(([k, v]) => `${k}=${v}`).join(',')}` : 'every pod'}`;

function environmentIngress(app: string, publicServices: string[], routing: RoutingPlan): EnvironmentIngress {
  const names = publicServices.length === 1 ? publicServices[0]! : `(${publicServices.join('|')})`;
  return { className: routing.className, controller: routing.controller, peers: [ingressControllerPeer(routing.controller)], policyNames: fromIngressPolicyName(app, names) };
}

function environment(name: EnvironmentName, model: StackModel, facts: WorkloadFacts): Environment {
  const app = facts.app;
  const production = name === 'production';
  const outside = outsideBacking(model, facts, name);
  const external = outside.map((o) => o.b);
  const routing = routingPlan(model, name);
  const autoscaled = production ? facts.services.filter((s) => s.public) : [];
  const replicas = facts.services
    .filter((s) => !autoscaled.includes(s) && !s.job)
    // Workers keep one replica: a worker that is not safe to run twice would break at two.
    .map((s) => ({ name: s.objectName, count: production && s.svc.port !== null ? 2 : 1 }));
  // Like a service with a port: two in production (a node drain keeps one serving), one elsewhere.
  const ambassadors = outside.flatMap((o) => (o.ambassador ? [{ o, a: o.ambassador, replicas: production ? 2 : 1 }] : []));
  const secrets: SecretToCreate[] = [
    ...facts.services.filter((s) => s.existingSecret).map((s) => ({ name: s.existingSecret, keys: s.secretEnv, owner: s.name })),
    // A backing service's Secret: its StatefulSet reads it, and so does every service whose wired
    // values carry its password (outside the cluster too: then it holds the managed instance's password).
    ...facts.backing
      .filter((b) => b.existingSecret && (!external.includes(b) || facts.services.some((s) => s.connections.some((c) => c.backing === b.name))))
      .map((b) => ({ name: b.existingSecret, keys: [...new Set(b.secretEnv.map(([, key]) => key))].sort(), owner: b.name })),
  ];
  return {
    name,
    namespace: production ? app : `${app}-${name}`,
    external,
    outside,
    ambassadors,
    replicas: [...replicas, ...ambassadors.map((w) => ({ name: w.a.objectName, count: w.replicas }))],
    autoscaled,
    spread: facts.services.filter((s) => autoscaled.includes(s) || replicas.some((r) => r.name === s.objectName && r.count > 1)),
    disruptionBudgets: production ? facts.services.filter((s) => s.svc.port !== null) : [],
    ingressHosts: routing?.routes ?? [],
    routing,
    ingress: routing ? environmentIngress(app, facts.publicServices, routing) : null,
    tlsSecret: routing?.tls?.secretName ?? '',
    secrets,
    rollouts: [
      ...facts.services.filter((s) => !s.job).map((s) => `deployment/${s.objectName}`),
      ...facts.backing.filter((b) => !external.includes(b)).map((b) => `statefulset/${b.objectName}`),
      ...ambassadors.map((w) => `deployment/${w.a.objectName}`),
    ],
    jobs: facts.services.filter((s) => s.job).map((s) => `job/${s.objectName}`),
  };
}

export function planKubernetes(model: StackModel): KubernetesPlan {
  const facts = workloadFacts(model);
  const staging = environment('staging', model, facts);
  const production = environment('production', model, facts);
  return {
    ...facts,
    repositories: [...new Set(facts.services.map((s) => s.repository))].sort(),
    policies: policies(model, facts),
    environments: { staging, production },
    clusters: clustersOf(model).map((c) => clusterOverlay(model, facts, production, c)),
  };
}
