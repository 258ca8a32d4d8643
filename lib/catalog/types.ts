/**
 * The shape of one backing kind's record: everything the generator knows about
 * a database, cache or broker, in one place. Detection reads its signals;
 * Compose, the kustomize manifests and the Helm chart read the server facts
 * (image pin, port, user, credentials, health, data folder); the wiring
 * (lib/render/wiring.ts) reads the connection values each client family
 * expects. Adding a kind is adding one record (see docs/development.md).
 */
import type { BackingKind, Language } from '../model/types.js';

export interface Quantities {
  cpu: string;
  memory: string;
  /** Local disk: the container's writable layer, its emptyDirs and its logs (kubelet evicts a pod over its limit). */
  'ephemeral-storage': string;
}
export interface Resources {
  requests: Quantities;
  limits: Quantities;
}

/**
 * - always: the image refuses to start without a password (postgres, mysql...).
 * - clients: on when every service that uses it can carry the password (a URL or
 *   password variable, or a framework convention); else off, and only the pods
 *   that depend on it may reach it (NetworkPolicy / the Compose network).
 * - none: the kind has no password here (kafka, memcached, nats), documented.
 */
export type AuthMode = 'always' | 'clients' | 'none';

/** What the server side of a record is rendered from: decided once per backing service. */
export interface ServerContext {
  /** The backing service's name: its hostname. */
  name: string;
  version: string;
  auth: boolean;
  /** The user the apps connect as, or null (no auth, or the kind has no users). */
  user: string | null;
  /** The database the apps use, or null (the kind has no named databases). */
  database: string | null;
}

/** What a client's connection values are built from. */
export interface ClientContext extends ServerContext {
  port: number;
  language: Language;
  framework: string | null;
}

/** A token standing for the password in commands and values; each output replaces it its own way. */
export const PASSWORD = '\u0000PASSWORD\u0000';

export interface BackingRecord {
  kind: BackingKind;
  /** The key of its image in templates/images.Dockerfile (the only home of its version). */
  pin: string;
  /** The port clients use. */
  port: number;
  /**
   * The port of the kind's TLS listener, for a wire protocol that can be wrapped in TLS from its
   * first byte (rediss, amqps, https...): where an ambassador (placement ambassador with
   * ambassadorTls) originates TLS to a managed instance. null when TLS is negotiated inside the
   * protocol after a plain-text exchange (PostgreSQL's SSLRequest, MySQL's and NATS's greetings):
   * a TCP proxy cannot wrap that, so the model refuses ambassadorTls for the kind.
   */
  tlsPort: number | null;
  /** The official image's own non-root user and group. */
  uid: number;
  gid: number;

  signals: {
    /** Client libraries across ecosystems (npm, PyPI, Maven artifactIds, gems, Composer, NuGet, crates), lower case. */
    libraries: string[];
    /** Go module path prefixes. */
    goModules: string[];
    /** URL schemes (without ':'), JDBC's jdbc: prefix removed. */
    schemes: RegExp;
    /** Env names that tie a variable to this kind: REDIS_URL, PGHOST, MONGODB_URI... */
    envNames: RegExp;
    /** Words in env names that refer to this kind, for wiring a variable to it (generic ones such as DB included). */
    hints: string[];
  };

  auth: AuthMode;
  /** The user the apps connect as when auth is on, created by the image from serverEnv; null when the kind has none. */
  user: string | null;
  /** True when the server holds named databases (the URL's path selects one). */
  databases: boolean;
  /** The variable the image reads the password from (null: no password). */
  passwordVar: string | null;
  /** The image also reads `<passwordVar>_FILE` (Compose mounts the secret as a file). */
  passwordFile: boolean;
  /**
   * The image's own ENTRYPOINT and CMD, for a kind whose image reads no `*_FILE` variable:
   * Compose's wrapper exports the password from the secret file, then starts them.
   */
  launch?: { entrypoint: string[]; cmd: string[] };
  /** Non-secret server environment (the password is passwordVar's). */
  serverEnv(c: ServerContext): Record<string, string>;
  /**
   * Container args replacing the image's CMD, [] to keep it. `$(NAME)` names a variable of
   * the container, as Kubernetes writes it; Compose's wrapper turns it into "$NAME".
   */
  args(c: ServerContext): string[];

  /** Where the data volume mounts, or null when the kind keeps nothing on disk. */
  dataDir(version: string): string | null;
  /** Default PVC size. */
  size: string;
  /** Folders written besides the data folder, empty at start (emptyDirs / tmpfs). */
  writableDirs: string[];
  /**
   * Folders the image writes that must start with the image's own content (its configuration
   * folder, where the entrypoint adds a file): a writable copy of each, made by an init
   * container on Kubernetes and by an anonymous volume (which copies the image's folder) in Compose.
   */
  seedDirs: string[];
  /** Always true: every image runs with a read-only root filesystem, its writable folders above. */
  readOnlyRootFilesystem: boolean;
  resources: Resources;
  /** A database whose data matters: production points it at a managed instance. */
  externalInProduction: boolean;
  /** Takes long to start: slower health-check timings. */
  slowStart: boolean;
  /** Holds data a seed script fills (`make seed` runs in a client of one): databases and stores, not brokers or caches of nothing. */
  seeded: boolean;
  /**
   * Health command run by /bin/sh inside the container, or null when the image has no shell
   * (probed with a TCP connect). PASSWORD stands for the password where the command needs it.
   */
  health(c: ServerContext): string | null;

  /**
   * A connection URL for a client, or null when the kind has none. PASSWORD stands for the
   * password. `scheme` is the code's own scheme when it gave one.
   */
  url(c: ClientContext, scheme: string | null): string | null;
  /** `host:port` lists (Kafka brokers, memcached servers) and bare addresses. */
  address(c: ClientContext): string;
  /** A JDBC URL (Java clients: Spring Boot's datasource), or null when the kind has none. */
  jdbcUrl?(c: ClientContext): string;
  /** An ADO.NET connection string (.NET clients), or null. PASSWORD stands for the password. */
  adoNet?(c: ClientContext): string;
  /** Variables a framework reads by its own convention: name → value (PASSWORD allowed). */
  framework?: Partial<Record<string, (c: ClientContext) => Record<string, string>>>;

  /** One line for docs, values comments and the run summary. */
  note: string;
}
