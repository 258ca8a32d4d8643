/**
 * Values derived from the model, computed in memory and never stored. Every
 * artifact reads them from here, so the Dockerfile's USER, the pod's
 * runAsUser, the Compose port and the probe's port can never disagree.
 */
import { posix } from 'node:path';
import { imageOwner, ownsImage } from './processes.js';
import type { DeployTool, GitopsMode, IngressKind, Placement, PLACEMENT_ENVIRONMENTS, RegistryKind, Routing, ServiceModel, StackModel, TlsMode } from './types.js';

/** Numeric user and group of every generated image, and of the pods' securityContext. */
export const CONTAINER_UID = 10001;
export const CONTAINER_GID = 10001;

/**
 * Image repository of a service, registry-neutral: `<registry>/<app>-<service>`. A process
 * of another service's folder (imageFrom) runs that service's image.
 */
export function imageRepository(model: StackModel, service: string): string {
  return `${model.registry}/${model.name}-${imageOwner(model, service)}`;
}

/** Services that build an image (processes of another service's image are left out), sorted. */
export function imageServices(model: StackModel): string[] {
  return serviceNames(model).filter((n) => ownsImage(model.services[n]!));
}

export function serviceNames(model: StackModel): string[] {
  return Object.keys(model.services).sort();
}

export function backingNames(model: StackModel): string[] {
  return Object.keys(model.backing).sort();
}

/** Where an image is built from, relative to the repository root (POSIX). */
export interface BuildContext {
  /** The build context folder ('.' for the repository root). */
  context: string;
  /** The Dockerfile, relative to the repository root. */
  dockerfile: string;
}

/**
 * A Node service inside an npm, yarn or pnpm workspace: its lockfile lies in a
 * parent folder (the detector reports it as '../../package-lock.json'), so the
 * image must be built from that folder, the workspace root.
 */
export function isWorkspaceMember(svc: ServiceModel): boolean {
  if (svc.language !== 'node' || svc.lockfile === null || !svc.lockfile.startsWith('../')) return false;
  // A lockfile above the repository root cannot be in any build context: not handled.
  const root = posix.normalize(posix.join(svc.path, posix.dirname(svc.lockfile)));
  return root !== '..' && !root.startsWith('../');
}

/**
 * The build context and Dockerfile of a service. A Node workspace member is
 * built from the folder holding its lockfile (the workspace root), every other
 * service from its own folder; the Dockerfile is always `<path>/Dockerfile`.
 * The Dockerfile renderer, compose.yaml, the dev layer and the Dockerfile's
 * own header all read this, so they cannot disagree.
 */
export function buildContext(svc: ServiceModel): BuildContext {
  const dockerfile = svc.path === '.' ? 'Dockerfile' : posix.join(svc.path, 'Dockerfile');
  if (isWorkspaceMember(svc)) return { context: posix.normalize(posix.join(svc.path, posix.dirname(svc.lockfile!))).replace(/\/$/, ''), dockerfile };
  return { context: svc.path, dockerfile };
}

/** The service folder relative to its build context ('.' when they are the same), POSIX. */
export function pathInContext(svc: ServiceModel): string {
  const { context } = buildContext(svc);
  return posix.relative(context === '.' ? '' : context, svc.path === '.' ? '' : svc.path) || '.';
}

/** The registry kind a registry prefix implies: how CI logs in to it. */
export function registryKindOf(registry: string): RegistryKind {
  const host = registry.split('/')[0]!;
  if (host === 'ghcr.io') return 'ghcr';
  if (host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io') return 'dockerhub';
  if (/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(host)) return 'ecr';
  if (/-docker\.pkg\.dev$/.test(host)) return 'gar';
  if (/\.azurecr\.io$/.test(host)) return 'acr';
  return 'generic';
}

export interface Delivery {
  registryKind: RegistryKind;
  deployTool: DeployTool;
  gitops: GitopsMode;
  /** The Git repository Argo CD syncs from. */
  repoUrl: string;
  previews: boolean;
  blueGreen: boolean;
  ingress: IngressKind;
  routing: Routing;
  /** With routing paths: the public service at `/`, or null (every one under /<service>). */
  rootService: string | null;
  domain: string;
  sticky: boolean;
  tls: TlsMode;
  clusterIssuer: string;
  gateway: { namespace: string; name: string };
}

/** Names that say "the site itself": with routing paths, a public service so named is served at `/`. */
const ROOT_NAMES = ['web', 'frontend', 'ui', 'app', 'site', 'www', 'client'];

/** The public service served at `/` with routing paths: the stored choice, the only one, or one named like a site. */
function rootServiceOf(model: StackModel): string | null {
  const chosen = model.delivery?.rootService;
  if (chosen !== undefined) return chosen;
  const open = Object.entries(model.services)
    .filter(([, s]) => s.public && s.port !== null)
    .map(([n]) => n)
    .sort();
  if (open.length === 1) return open[0]!;
  return ROOT_NAMES.find((n) => open.includes(n)) ?? null;
}

/**
 * Where a backing service runs in a Kubernetes environment: the stored choice, else
 * staging in the cluster and production outside for the kinds whose catalog record says
 * their data belongs on a managed instance (databases), in the cluster for the others.
 */
export function placement(model: StackModel, name: string, env: (typeof PLACEMENT_ENVIRONMENTS)[number], externalByDefault: boolean): Placement {
  const b = model.backing[name]!;
  return b[env] ?? (env === 'production' && externalByDefault ? 'external-name' : 'cluster');
}

/** The DNS name of a backing service's instance outside the cluster (a placeholder by default). */
export const externalHostOf = (model: StackModel, name: string): string => model.backing[name]?.externalHost ?? `${name}.${model.name}.example.com`;

/** The Git URL of the app's repository: from a ghcr.io/<owner> registry (detected from a GitHub origin), else a placeholder. */
export function repoUrlOf(model: StackModel): string {
  const owner = /^ghcr\.io\/([a-z0-9-]+)$/.exec(model.registry)?.[1];
  return `https://${owner ? `github.com/${owner}` : 'git.example.com/your-org'}/${model.name}.git`;
}

/** A production cluster with its defaults filled in (never stored). */
export interface Cluster {
  name: string;
  region: string;
  /** null: the cluster's default StorageClass. */
  storageClass: string | null;
  /** null: the IngressClass the model's controller uses. */
  ingressClass: string | null;
  /** null: delivery.domain. */
  domain: string | null;
}

/** Production's clusters, by name; empty when production runs in one cluster. */
export function clustersOf(model: StackModel): Cluster[] {
  return Object.entries(model.clusters ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, c]) => ({ name, region: c.region ?? name, storageClass: c.storageClass ?? null, ingressClass: c.ingressClass ?? null, domain: c.domain ?? null }));
}

/**
 * The port of a service whose image listens, read by a renderer. The model decides it; the
 * model's checks (lib/languages/index.ts packProblems) refuse a service whose image always
 * listens without one, so a null here is a bug of ours, not a default to invent.
 */
export function portOf(svc: ServiceModel): number {
  if (svc.port === null) throw new Error(`a ${svc.language} service at ${svc.path} that listens has no port in the model`);
  return svc.port;
}

/** The delivery choices with their defaults filled in (never stored). */
export function delivery(model: StackModel): Delivery {
  const d = model.delivery ?? {};
  return {
    registryKind: d.registryKind ?? registryKindOf(model.registry),
    deployTool: d.deployTool ?? 'kustomize',
    gitops: d.gitops ?? 'none',
    repoUrl: d.repoUrl ?? repoUrlOf(model),
    previews: d.previews ?? false,
    blueGreen: d.blueGreen ?? false,
    ingress: d.ingress ?? 'nginx',
    routing: d.routing ?? 'hosts',
    rootService: rootServiceOf(model),
    domain: d.domain ?? `${model.name}.example.com`,
    sticky: d.sticky ?? false,
    tls: d.tls ?? 'secret',
    clusterIssuer: d.clusterIssuer ?? 'letsencrypt',
    gateway: ((g) => ({ namespace: g[0]!, name: g[1]! }))((d.gateway ?? 'gateway-system/gateway').split('/')),
  };
}

/**
 * The binary a Go or Rust image builds and runs, by name (null for other languages): the
 * program of the start command (`./<name>`), or for Rust its entry (the Cargo bin). Read from
 * those typed fields, never from the build command's text; the model validator checks that a
 * Go build command writing `-o /out/<name>` writes this one. It is copied and run by name, so
 * the validator requires a plain file name of it.
 */
export function binaryName(svc: ServiceModel): string | null {
  if (svc.language === 'go') return posix.basename(svc.start[0] ?? './app');
  if (svc.language === 'rust') return svc.entry ?? posix.basename(svc.start[0] ?? 'app');
  return null;
}

/**
 * A process (imageFrom) of an image built from the user's own Dockerfile: its command replaces
 * the image's ENTRYPOINT (a boot script may ignore the command it is given). Our images'
 * ENTRYPOINT (tini) runs its arguments, so their processes pass the command as args.
 */
export const replacesEntrypoint = (svc: ServiceModel): boolean => !!svc.imageFrom && svc.dockerfile !== null;
