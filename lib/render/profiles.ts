/**
 * Runtime facts the Kubernetes artifacts need and the stack model does not
 * hold: which folders a language's runtime writes to (each becomes an
 * emptyDir under a read-only root filesystem), default resources, and, for
 * backing services, how each official image runs as non-root (port, uid,
 * data folder, the variables that carry its password). Pure data, read by
 * ./workloads.ts, which both the Helm chart (generators/helm) and the plain
 * manifests (generators/kubernetes) render from, so the two always agree.
 */
import type { BackingKind, ServiceModel } from '../model/types.js';

export interface Quantities {
  cpu: string;
  memory: string;
}
export interface Resources {
  requests: Quantities;
  limits: Quantities;
}

export interface RuntimeProfile {
  /** Absolute folders the runtime writes to; each gets a writable emptyDir. */
  writableDirs: string[];
  resources: Resources;
  /** startupProbe failureThreshold (x periodSeconds 5): how long a slow start may take. */
  startupFailureThreshold: number;
}

const small: Resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
const tiny: Resources = { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } };
const jvm: Resources = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const clr: Resources = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

/**
 * The generated images run their service from WORKDIR /app and are built to
 * run with a read-only root filesystem where only /tmp is written (see
 * generators/dockerfile/files.ts); the extra folders below cover runtime
 * writes the Dockerfiles cannot redirect.
 */
export function runtimeProfile(svc: ServiceModel): RuntimeProfile {
  const tmp = ['/tmp'];
  switch (svc.language) {
    case 'node':
      // Next.js writes its image and fetch caches below .next/cache at run time.
      return { writableDirs: svc.framework === 'next' ? [...tmp, '/app/.next/cache'] : tmp, resources: small, startupFailureThreshold: 30 };
    case 'python':
      // The images set PYTHONDONTWRITEBYTECODE=1: no __pycache__ writes; gunicorn's heartbeat files go to /tmp.
      return { writableDirs: tmp, resources: small, startupFailureThreshold: 30 };
    case 'go':
    case 'rust':
      return { writableDirs: tmp, resources: tiny, startupFailureThreshold: 30 };
    case 'java':
      // hsperfdata and Tomcat's work folders are in /tmp; the JVM may take minutes to start on small CPU limits.
      return { writableDirs: tmp, resources: jvm, startupFailureThreshold: 60 };
    case 'dotnet':
      return { writableDirs: tmp, resources: clr, startupFailureThreshold: 30 };
    case 'ruby':
      // The image moves Rails' pid file and bootsnap cache to /tmp and logs to stdout, but
      // Rails' default file cache store and other tmp/ writes still land in /app/tmp.
      return {
        writableDirs: svc.framework === 'rails' ? [...tmp, '/app/tmp'] : tmp,
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        startupFailureThreshold: 30,
      };
    case 'php':
      // The image points APACHE_RUN_DIR, APACHE_LOCK_DIR and the pid file at /tmp/apache2;
      // PHP sessions and uploads go to /tmp too.
      return { writableDirs: tmp, resources: small, startupFailureThreshold: 30 };
    case 'static':
      // nginx-unprivileged keeps its pid and temp files in /tmp; a site's own nginx.conf may
      // still use the compiled-in temp paths (/var/cache/nginx) or pid file (/var/run).
      return { writableDirs: [...tmp, '/var/cache/nginx', '/var/run'], resources: tiny, startupFailureThreshold: 30 };
  }
}

export interface BackingProfile {
  /** The port clients use (the one in the code's connection URL). */
  port: number;
  /** The image's own non-root user and group (runAsUser/runAsGroup/fsGroup). */
  uid: number;
  gid: number;
  /** Folder the data lives in (the PVC mount), or null when the service keeps nothing. */
  dataDir: string | null;
  /** Default PVC size when persistence is on. */
  size: string;
  /** Folders written besides dataDir (emptyDirs). */
  writableDirs: string[];
  /** False when the official image's start scripts write below the root filesystem. */
  readOnlyRootFilesystem: boolean;
  /** Non-secret environment, given the hostname (the backing service's name). */
  env: (host: string) => Record<string, string>;
  /** Secret environment: variable name → key in the user's existing Secret. */
  secretEnv: Record<string, string>;
  /** True when the image refuses to start without the secret (a password is required). */
  requiresSecret: boolean;
  /** Container args (replace the image's CMD), [] to keep the image's own. */
  args: string[];
  resources: Resources;
  /** A database whose data matters: values-production.yaml points it at a managed instance. */
  externalInProduction: boolean;
  /** Notes for docs and values comments. */
  note: string;
}

const dbResources: Resources = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const cacheResources: Resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
const noEnv = () => ({});

export const BACKING_PROFILES: Record<BackingKind, BackingProfile> = {
  redis: {
    port: 6379, uid: 999, gid: 999, dataDir: '/data', size: '1Gi', writableDirs: ['/tmp'], readOnlyRootFilesystem: true,
    env: noEnv, secretEnv: {}, requiresSecret: false, args: [], resources: cacheResources, externalInProduction: false,
    note: 'No password by default (only the pods that depend on it may reach it). To require one, set auth.existingSecret, auth.secretEnv {REDIS_PASSWORD: password} and args [redis-server, --requirepass, $(REDIS_PASSWORD)].',
  },
  postgres: {
    port: 5432, uid: 999, gid: 999, dataDir: '/var/lib/postgresql/data', size: '8Gi', writableDirs: ['/tmp', '/var/run/postgresql'],
    readOnlyRootFilesystem: true,
    // A sub-folder: the volume's root may hold lost+found, which initdb refuses.
    env: () => ({ PGDATA: '/var/lib/postgresql/data/pgdata' }),
    secretEnv: { POSTGRES_PASSWORD: 'password' }, requiresSecret: true, args: [], resources: dbResources, externalInProduction: true,
    note: 'The image refuses to start without POSTGRES_PASSWORD.',
  },
  mysql: {
    port: 3306, uid: 999, gid: 999, dataDir: '/var/lib/mysql', size: '8Gi', writableDirs: ['/tmp', '/var/lib/mysql-files', '/var/run/mysqld'],
    readOnlyRootFilesystem: true, env: noEnv, secretEnv: { MYSQL_ROOT_PASSWORD: 'password' }, requiresSecret: true,
    // A sub-folder: the volume's root may hold lost+found, which mysqld --initialize refuses.
    args: ['mysqld', '--datadir=/var/lib/mysql/data'], resources: dbResources, externalInProduction: true,
    note: 'The image refuses to start without MYSQL_ROOT_PASSWORD.',
  },
  mariadb: {
    port: 3306, uid: 999, gid: 999, dataDir: '/var/lib/mysql', size: '8Gi', writableDirs: ['/run/mysqld', '/tmp'],
    readOnlyRootFilesystem: true, env: noEnv, secretEnv: { MARIADB_ROOT_PASSWORD: 'password' }, requiresSecret: true,
    args: ['mariadbd', '--datadir=/var/lib/mysql/data'], resources: dbResources, externalInProduction: true,
    note: 'The image refuses to start without MARIADB_ROOT_PASSWORD.',
  },
  mongodb: {
    port: 27017, uid: 999, gid: 999, dataDir: '/data/db', size: '8Gi', writableDirs: ['/data/configdb', '/tmp'],
    readOnlyRootFilesystem: true, env: () => ({ MONGO_INITDB_ROOT_USERNAME: 'root' }),
    secretEnv: { MONGO_INITDB_ROOT_PASSWORD: 'password' }, requiresSecret: true, args: [], resources: dbResources, externalInProduction: true,
    note: 'The root user is created on first start with the password from the Secret.',
  },
  rabbitmq: {
    port: 5672, uid: 999, gid: 999, dataDir: '/var/lib/rabbitmq', size: '2Gi', writableDirs: ['/tmp'],
    // The image's entrypoint writes configuration below /etc/rabbitmq.
    readOnlyRootFilesystem: false, env: () => ({ RABBITMQ_DEFAULT_USER: 'app' }),
    secretEnv: { RABBITMQ_DEFAULT_PASS: 'password' }, requiresSecret: true, args: [], resources: cacheResources, externalInProduction: false,
    note: 'The default user is "app"; its password comes from the Secret.',
  },
  kafka: {
    port: 9092, uid: 1000, gid: 1000, dataDir: '/var/lib/kafka/data', size: '8Gi', writableDirs: ['/tmp'],
    // The image's start script writes server.properties below /opt/kafka/config from the KAFKA_* variables.
    readOnlyRootFilesystem: false,
    env: (host) => ({
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:9092`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://localhost:9093',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_LOG_DIRS: '/var/lib/kafka/data/logs',
      KAFKA_NODE_ID: '1',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    }),
    secretEnv: {}, requiresSecret: false, args: [],
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } }, externalInProduction: false,
    note: 'A single KRaft node (broker and controller), PLAINTEXT listener on 9092.',
  },
  memcached: {
    port: 11211, uid: 11211, gid: 11211, dataDir: null, size: '1Gi', writableDirs: ['/tmp'], readOnlyRootFilesystem: true,
    env: noEnv, secretEnv: {}, requiresSecret: false, args: [], resources: cacheResources, externalInProduction: false,
    note: 'Keeps nothing on disk.',
  },
  elasticsearch: {
    port: 9200, uid: 1000, gid: 1000, dataDir: '/usr/share/elasticsearch/data', size: '8Gi', writableDirs: ['/tmp'],
    // Elasticsearch writes its keystore and logs below /usr/share/elasticsearch.
    readOnlyRootFilesystem: false,
    env: () => ({
      // ES_SETTING_A_B__C sets a.b_c: portable env names (dots are not valid everywhere).
      ES_JAVA_OPTS: '-Xms512m -Xmx512m',
      ES_SETTING_DISCOVERY_TYPE: 'single-node',
      ES_SETTING_XPACK_SECURITY_ENABLED: 'true',
      ES_SETTING_XPACK_SECURITY_HTTP_SSL_ENABLED: 'false',
      ES_SETTING_XPACK_SECURITY_TRANSPORT_SSL_ENABLED: 'false',
    }),
    secretEnv: { ELASTIC_PASSWORD: 'password' }, requiresSecret: true, args: [],
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } }, externalInProduction: true,
    note: 'Single node, security on (user "elastic", password from the Secret), HTTP without TLS inside the cluster.',
  },
  nats: {
    // The image is FROM scratch with no user: any non-root uid works.
    port: 4222, uid: 1000, gid: 1000, dataDir: null, size: '1Gi', writableDirs: ['/tmp'], readOnlyRootFilesystem: true,
    env: noEnv, secretEnv: {}, requiresSecret: false, args: [], resources: cacheResources, externalInProduction: false,
    note: 'Core NATS without JetStream; keeps nothing on disk.',
  },
};
