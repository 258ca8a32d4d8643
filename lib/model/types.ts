/**
 * The stack model: the one typed description of the application that every
 * generated artifact is rendered from. It is persisted in `.yo-rc.json` under
 * the key `generator-containerize`. Values that can be derived from it (image
 * names, the container user id, ...) are computed in `derive.ts`, never stored.
 *
 * Changing this shape means bumping SCHEMA_VERSION and adding a step to
 * `migrate.ts`.
 */

export const SCHEMA_VERSION = 3;

export const LANGUAGES = ['node', 'python', 'go', 'java', 'ruby', 'php', 'dotnet', 'rust', 'elixir', 'static'] as const;
export type Language = (typeof LANGUAGES)[number];

export const BACKING_KINDS = [
  'redis',
  'postgres',
  'mysql',
  'mariadb',
  'mongodb',
  'rabbitmq',
  'kafka',
  'memcached',
  'elasticsearch',
  'nats',
] as const;
export type BackingKind = (typeof BACKING_KINDS)[number];

/** Where images are pushed; decides how CI logs in (docs/ci-cd.md#registries). */
export const REGISTRY_KINDS = ['ghcr', 'dockerhub', 'ecr', 'gar', 'acr', 'generic'] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

/**
 * How the app is deployed, and so which deployment files are written (only the chosen
 * tool's): a kustomize base and overlays, a Helm chart, or plain manifests per environment
 * applied with kubectl. The deploy scripts and the CD workflows use the same tool.
 */
export const DEPLOY_TOOLS = ['kustomize', 'helm', 'manifests'] as const;
export type DeployTool = (typeof DEPLOY_TOOLS)[number];

/** GitOps on top of the deployment tool: none, an Argo CD Application per environment, or one ApplicationSet. */
export const GITOPS_MODES = ['none', 'argocd', 'argocd-applicationset'] as const;
export type GitopsMode = (typeof GITOPS_MODES)[number];

/**
 * How public services are reached from outside the cluster: a networking.k8s.io Ingress with
 * ingress-nginx annotations, Traefik's IngressRoute and Middleware, or Gateway API HTTPRoutes
 * attached to a Gateway the cluster already runs.
 */
export const INGRESS_KINDS = ['nginx', 'traefik', 'gateway-api'] as const;
export type IngressKind = (typeof INGRESS_KINDS)[number];
/** A host per public service (<service>.<domain>), or one host (<domain>) with a path per public service. */
export const ROUTINGS = ['hosts', 'paths'] as const;
export type Routing = (typeof ROUTINGS)[number];
/** Production TLS: a kubernetes.io/tls Secret you create, one cert-manager issues, or none (plain HTTP). */
export const TLS_MODES = ['secret', 'cert-manager', 'none'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/**
 * How images are shipped and deployed (the ci and cd stages). Every field is optional:
 * an absent one is derived (lib/model/derive.ts `delivery`), and only what the user
 * chose is stored.
 */

export interface DeliveryModel {
  /** Default: from the registry host (ghcr.io, docker.io, *.dkr.ecr.*.amazonaws.com, *-docker.pkg.dev, *.azurecr.io), else generic. */
  registryKind?: RegistryKind;
  /** Default: kustomize (docs/kubernetes.md#choosing-the-deployment-tool): the only tool's files are written. */
  deployTool?: DeployTool;
  /** Argo CD objects on top of the deployment tool. Default: none. */
  gitops?: GitopsMode;
  /** The Git repository Argo CD syncs from (gitops only). Default: https://github.com/<owner>/<name>.git for a ghcr.io/<owner> registry, else a placeholder. */
  repoUrl?: string;
  /** A namespace pr-<number> per pull request, torn down when it closes. Default: false. */
  previews?: boolean;
  /**
   * Production as two identical stacks, <app>-blue and <app>-green, behind a public entry in
   * <app> that deploy/scripts/switch.sh points at one or the other (kustomize only). Default: false.
   */
  blueGreen?: boolean;
  /** How public services are reached (docs/kubernetes.md#ingress). Default: nginx. */
  ingress?: IngressKind;
  /** A host per public service, or one host with a path each. Default: hosts. */
  routing?: Routing;
  /**
   * With routing paths, the public service served at `/` (the others at /<service>, the prefix
   * stripped before it reaches them). Default: the only public service, else one named web,
   * frontend, ui, app, site, www or client, else none.
   */
  rootService?: string;
  /** The DNS domain the hosts are under (staging's under staging.<domain>). Default: <name>.example.com, a placeholder. */
  domain?: string;
  /** Sticky sessions: a cookie keeps a browser on one replica. Default: false. */
  sticky?: boolean;
  /** Production TLS. Default: secret (a kubernetes.io/tls Secret <name>-tls you create). */
  tls?: TlsMode;
  /** The cert-manager ClusterIssuer (tls cert-manager). Default: letsencrypt. */
  clusterIssuer?: string;
  /** The Gateway the HTTPRoutes attach to, <namespace>/<name> (ingress gateway-api). Default: gateway-system/gateway. */
  gateway?: string;
}

/** One environment variable a service reads. */
export interface EnvVar {
  /** Default value for local runs (Compose, .env.example); null when unknown or secret. */
  value: string | null;
  /** A password, token or key: never written literally into compose.yaml, images or values.yaml. */
  secret: boolean;
  /**
   * True when the user insisted (--not-secret) that the variable is not a secret although
   * its name or value looks like one (lib/model/secrets.ts): its value is written as given.
   * Absent otherwise; detection never sets it.
   */
  notSecret?: boolean;
}

/** One component of the application that we build an image for. */
export interface ServiceModel {
  /** Folder of the service, POSIX, relative to the repository root ('.' for the root). */
  path: string;
  language: Language;
  /** Major or major.minor version of the language runtime, e.g. '22', '3.12', '1.23', '21'. */
  languageVersion: string;
  /** Web or build framework (express, next, flask, spring-boot, ...) or null. */
  framework: string | null;
  /** npm | yarn | pnpm | pip | poetry | uv | pipenv | go | maven | gradle | bundler | composer | dotnet | cargo | null */
  packageManager: string | null;
  /** Lockfile the dependency install must honour, relative to the service path, or null. */
  lockfile: string | null;
  /** Port the service listens on inside the container; null for a worker. */
  port: number | null;
  /** Exec-form start command, run in the service folder inside the image. */
  start: string[];
  /** Build command run in the build stage (e.g. 'npm run build'), or null when there is none. */
  build: string | null;
  /** HTTP path that answers 2xx when the service is healthy, or null (probes fall back to TCP). */
  healthPath: string | null;
  /** Reachable from outside the stack (published in Compose, exposed by Ingress). */
  public: boolean;
  /** Environment variables the code reads, keyed by name. */
  env: Record<string, EnvVar>;
  /** Services and backing services this one calls (names in this model). */
  dependsOn: string[];
  /**
   * Language-specific entry: main file, module, package or project, e.g. 'server.js',
   * 'app:app', './cmd/worker', 'Api.csproj', a binary name; null when not needed.
   */
  entry: string | null;
  /** Folder a static build writes (relative to the service path), or null. */
  outputDir: string | null;
  /** Path of a Dockerfile the user already has (kept and used), or null to generate one. */
  dockerfile: string | null;
  /**
   * Go only: 'static' when the program needs no C library (no cgo), so its binary runs on an
   * empty `scratch` runtime image; 'dynamic' when it uses cgo (an `import "C"`, or a module
   * such as go-sqlite3 that needs it), so it is built with CGO_ENABLED=1 and runs on a slim
   * Debian image with glibc. Absent for other languages, and for Go models stored before it
   * existed (then 'static').
   */
  linking?: Linking;
  /**
   * Another process of the same folder: the name of the service whose image this one runs
   * (a Celery worker of a Django app, Sidekiq beside Rails, a Procfile `worker:`). It is not
   * built on its own: it runs that image with its own `start`. Its path and image fields
   * (IMAGE_FIELDS in lib/model/processes.ts) follow that service's. Absent: its own image.
   */
  imageFrom?: string;
  /**
   * A one-off release command (migrations: a Procfile `release:`), run to completion before
   * the services of its image start: a Compose service with `restart: "no"` the others wait
   * for, a Kubernetes Job, a Helm pre-upgrade hook. Only for a process (`imageFrom`), never
   * with a port. Absent: a long-running process.
   */
  release?: boolean;
  /**
   * HTTP path where the service serves Prometheus metrics (detected from a Prometheus client
   * library: /metrics, Spring Boot's /actuator/prometheus). Absent: no metrics to scrape.
   */
  metricsPath?: string | null;
  /** Port of the metrics endpoint when it is not the service's port (a worker's metrics server). Absent: the service's port. */
  metricsPort?: number | null;
}

/** Service fields that may be absent (each has a meaning when absent, said on the field; null is the same as absent and is not stored). */
export const OPTIONAL_SERVICE_FIELDS = ['metricsPath', 'metricsPort', 'imageFrom', 'release', 'linking'] as const;

export const LINKINGS = ['static', 'dynamic'] as const;
export type Linking = (typeof LINKINGS)[number];

/**
 * Where a backing service runs in a Kubernetes environment: in the cluster (a StatefulSet
 * behind a headless Service), or outside it behind a Service of the same name, so the code's
 * hostname keeps working: an ExternalName Service (a DNS name), a selector-less ClusterIP
 * Service with an explicit EndpointSlice (an IP address), or an ambassador: the Service
 * selects a small TCP proxy (HAProxy) beside the app that forwards to externalHost, and may
 * originate TLS to it (ambassadorTls). Dev is always Compose.
 */
export const PLACEMENTS = ['cluster', 'external-name', 'external-ip', 'ambassador'] as const;
export type Placement = (typeof PLACEMENTS)[number];
/** The Kubernetes environments a placement is chosen for (previews deploy staging's). */
export const PLACEMENT_ENVIRONMENTS = ['staging', 'production'] as const;

/** A stateful dependency (database, cache, broker) the app uses but does not build. */
export interface BackingModel {
  kind: BackingKind;
  /** Image version (tag), e.g. '7' for redis, '16' for postgres. */
  version: string;
  /** Where it runs in staging (and previews). Default: cluster. */
  staging?: Placement;
  /** Where it runs in production. Default: external-name for databases (the kind's catalog record), cluster for caches and brokers. */
  production?: Placement;
  /** The DNS name of the instance outside the cluster (external-name, ambassador). Default: <name>.<app>.example.com, a placeholder. */
  externalHost?: string;
  /** The IP address of the instance outside the cluster (external-ip); required when a placement is external-ip. */
  externalIp?: string;
  /**
   * The ambassador speaks TLS to the instance (verifying its certificate against the image's
   * CA bundle), while the code keeps speaking the plain protocol to the ambassador. Only for
   * kinds whose protocol is TLS from the first byte (the catalog record's tlsPort), on that port.
   * Default: false.
   */
  ambassadorTls?: boolean;
}

/** A file the repository already had where one of ours would go by default. */
export interface ExistingFile {
  /** Its path, relative to the repository root. */
  path: string;
  /**
   * Makefile and .env.example only: link ours into it with a marked block (an
   * `include containerize.mk` line; our variables at its end). Asked in a terminal;
   * no when unanswered. Without it, ours stays a file of its own beside it.
   */
  link?: boolean;
}

/**
 * The repository's own files at the paths ours take by default. They are never
 * replaced: ours go beside them, under names every other output refers to
 * (lib/render/layout.ts). Detected on the first run, kept in .yo-rc.json.
 */
export interface ExistingFiles {
  /** Its own Compose file (compose.yaml, docker-compose.yml, an override...): ours become containerize.compose*.yaml. */
  compose?: ExistingFile;
  /** Its own Makefile: our targets go to containerize.mk. */
  makefile?: ExistingFile;
  /** Its own .env.example: ours is containerize.env.example (or a block at its end). */
  envExample?: ExistingFile;
  /** Its own dev container (.devcontainer/devcontainer.json or .devcontainer.json): ours is .devcontainer/containerize/. */
  devcontainer?: ExistingFile;
}

/**
 * One Kubernetes cluster production runs in, when it runs in several (docs/kubernetes.md#several-clusters):
 * the production overlay (or values file) plus what differs in this cluster. Staging and
 * previews stay on one cluster. Every field is optional.
 */
export interface ClusterModel {
  /** The cloud region, a label value on every object (e.g. europe-west1). Default: the cluster's name. */
  region?: string;
  /** The StorageClass of the in-cluster backing services' volumes. Default: the cluster's default StorageClass. */
  storageClass?: string;
  /** The IngressClass of the Ingresses (delivery.ingress nginx). Default: nginx. */
  ingressClass?: string;
  /** The domain of the public hosts here. Default: delivery.domain (every cluster serves the same hosts, behind a global DNS name or load balancer). */
  domain?: string;
}
export const CLUSTER_FIELDS = ['region', 'storageClass', 'ingressClass', 'domain'] as const;

export const EXISTING_KINDS = ['compose', 'makefile', 'envExample', 'devcontainer'] as const;
export type ExistingKind = (typeof EXISTING_KINDS)[number];
/** The kinds whose file may take a marked block of ours, with the user's agreement. */
export const LINKABLE: readonly ExistingKind[] = ['makefile', 'envExample'];

export interface StackModel {
  schemaVersion: number;
  /** Application name, a DNS-1123 label: chart name, Compose project, namespace prefix. */
  name: string;
  /** Image name prefix, registry-neutral, e.g. 'ghcr.io/acme' or 'registry.example.com/team'. */
  registry: string;
  /** Keyed by service name; the name is the hostname other services use. */
  services: Record<string, ServiceModel>;
  /** Keyed by the hostname the code uses (e.g. 'redis'). */
  backing: Record<string, BackingModel>;
  /** Image shipping and deployment choices; absent when every value is the default. */
  delivery?: DeliveryModel;
  /** The repository's own files where ours would go (absent: none). */
  existing?: ExistingFiles;
  /** Production's clusters, keyed by name (a DNS label), when it runs in several; absent: one cluster. */
  clusters?: Record<string, ClusterModel>;
}

/** Key under which the model lives in .yo-rc.json (the package name). */
export const CONFIG_KEY = 'generator-containerize';
