/**
 * The chart's view of the stack model: everything values.yaml and the
 * environment files need. The per-workload decisions (names, env split,
 * Secret names, probes, resources, writable folders) come from
 * lib/render/workloads.ts, which the plain Kubernetes manifests read too.
 * Pure: the same model gives the same data, in the same (sorted) order.
 */
import { clustersOf, CONTAINER_GID, CONTAINER_UID, type Cluster } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { imagePin } from '../../lib/catalog/images.js';
import { routingPlan, type RoutingPlan } from '../../lib/render/routing.js';
import { APP_VERSION as WORKLOAD_APP_VERSION, clusterLabels, inClusterVolumes, outsideBacking, workloadFacts, type BackingFacts, type ExternalBacking, type ServiceFacts } from '../../lib/render/workloads.js';

export const CHART_VERSION = '0.1.0';
export const APP_VERSION = WORKLOAD_APP_VERSION;

export type ServiceData = ServiceFacts;
export type BackingData = BackingFacts;

export interface ChartData {
  name: string;
  chartVersion: string;
  appVersion: string;
  uid: number;
  gid: number;
  services: ServiceData[];
  backing: BackingData[];
  /** Names of the services with public: true and a port. */
  publicServices: string[];
  testImage: { repository: string; tag: string };
  /** Per environment file, the backing services outside the cluster and how they are reached (backing.<name>.staging|production). */
  outside: { staging: ExternalBacking[]; production: ExternalBacking[] };
  /** How public traffic gets in, per values file (null: no public service). */
  routing: { base: RoutingPlan | null; staging: RoutingPlan | null; production: RoutingPlan | null };
  /** Production's clusters (values-production-<cluster>.yaml each), when it runs in several. */
  clusters: ChartCluster[];
}

export interface ChartCluster {
  cluster: Cluster;
  /** production-<cluster>. */
  name: string;
  labels: Record<string, string>;
  routing: RoutingPlan | null;
  /** The in-cluster backing services with a volume, when the cluster names a StorageClass. */
  storage: string[];
}

/** The `ingress.hosts` of a values file: each host with its paths, in the plan's order. */
export function ingressHosts(plan: RoutingPlan): { host: string; paths: Record<string, unknown>[] }[] {
  return plan.hosts.map((host) => ({
    host,
    paths: plan.routes
      .filter((r) => r.host === host)
      .map((r) => ({ path: r.path, pathType: 'Prefix', service: r.service, ...(r.strip ? { stripPrefix: true } : {}) })),
  }));
}

export function chartData(model: StackModel): ChartData {
  const facts = workloadFacts(model);
  const test = imagePin('busybox');
  const volumes = inClusterVolumes(model, facts, 'production');
  return {
    name: model.name,
    chartVersion: CHART_VERSION,
    appVersion: APP_VERSION,
    uid: CONTAINER_UID,
    gid: CONTAINER_GID,
    services: facts.services,
    backing: facts.backing,
    publicServices: facts.publicServices,
    testImage: { repository: test.repository, tag: test.tag },
    outside: { staging: outsideBacking(model, facts, 'staging'), production: outsideBacking(model, facts, 'production') },
    routing: { base: routingPlan(model, 'base'), staging: routingPlan(model, 'staging'), production: routingPlan(model, 'production') },
    clusters: clustersOf(model).map((c) => ({
      cluster: c,
      name: `production-${c.name}`,
      labels: clusterLabels(c),
      routing: routingPlan(model, 'production', c),
      storage: c.storageClass ? volumes.map((b) => b.name) : [],
    })),
  };
}
