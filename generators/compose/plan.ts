/**
 * The Compose plan: every decision compose.yaml, .env.example, the secrets
 * files and the dev layer need, computed once from the stack model, so the
 * compose and dev stages (and their tests) read the same answers. Pure: the
 * same model gives the same plan; templates only lay it out.
 *
 * Rules decided here (documented in docs/compose.md):
 * - Environment. A non-secret variable with a known default becomes
 *   `NAME: ${KEY:-default}`; KEY is NAME when every service reading NAME has
 *   the same default, else `<SERVICE>__NAME` per service. A variable with no
 *   known default is passed through (`NAME:` with no value: set in the shell or
 *   .env, else unset, so the code's own fallback applies). PORT is the model's
 *   port, literal. Secrets never appear in compose.yaml: they are read from
 *   `secrets/<service>.env` (env_file), which `secrets/create.sh` writes.
 * - Secrets. A variable is secret when the model says so, when its name looks
 *   like a password/token/key, or when its value is a URL with a password or a
 *   connection URL to a backing service that requires a password. Backing
 *   passwords are Compose secrets (`secrets/<backing>-password`), read by the
 *   image through its *_FILE variable. An app variable is linked to a backing
 *   password when its name says PASSWORD (or PASS/PASSWD/PWD) and names that
 *   backing's kind (DB, PG, MYSQL, MONGO, AMQP...) or the service depends on
 *   exactly one password-protected backing; connection URLs to such a backing
 *   get the backing's user and password, and a secret *_URL (*_URI, *_DSN)
 *   without a value (detection drops defaults that embed a password) linked
 *   the same way gets a URL built from the stack.
 * - Health. Backing services: the official tool of each image. App services:
 *   an HTTP GET of healthPath with the language runtime already in the image
 *   (node, python, ruby, php); compiled services (go, rust, java, dotnet),
 *   static sites and user-provided Dockerfiles get none, and whoever depends
 *   on them waits for service_started.
 */
import { posix } from 'node:path';
import { backingNames, buildContext, imageRepository, serviceNames } from '../../lib/model/derive.js';
import type { BackingKind, BackingModel, ServiceModel, StackModel } from '../../lib/model/types.js';
import { image } from '../../lib/render/images.js';
import { BACKING_PROFILES } from '../../lib/render/profiles.js';
import { hasUrlPassword, isSecretName } from '../../lib/model/secrets.js';

/** Folder of every secret value; ignored by git through its own .gitignore. */
export const SECRETS_DIR = 'secrets';
/** Tags: compose.yaml builds the production stage, the dev layer the `dev` stage; distinct tags keep them apart. */
export const PROD_TAG = 'latest';
export const DEV_TAG = 'dev';

export interface Healthcheck {
  /** Run with CMD-SHELL (every image that gets a check has /bin/sh). */
  test: string;
  interval: string;
  timeout: string;
  retries: number;
  startPeriod: string;
}

/** One `NAME: value` of an environment mapping; value null passes the variable through from the shell or .env. */
export interface EnvLine {
  name: string;
  value: string | null;
}

/** Where `secrets/create.sh` gets the value of one app secret. */
export type SecretSource =
  | { kind: 'random' }
  /** Left empty for the user: a connection URL that fits no single backing service. */
  | { kind: 'empty' }
  | { kind: 'password'; backing: string }
  /**
   * A URL: `before` + password + `after`; the password of `backing`, or a
   * placeholder for a host outside the stack. `built` when the code gave no
   * URL and it was built from the stack.
   */
  | { kind: 'url'; backing: string | null; before: string; after: string; built?: boolean };

export interface SecretVar {
  name: string;
  source: SecretSource;
}

/** How one non-secret variable of one service appears in compose.yaml and .env.example. */
export type EnvEntry =
  | { name: string; kind: 'port'; value: string }
  | { name: string; kind: 'interpolated'; key: string; value: string; sharedWith: string[]; first: boolean }
  | { name: string; kind: 'passthrough' }
  | { name: string; kind: 'fixed'; value: string }
  | { name: string; kind: 'secret' };

export interface DependsOn {
  name: string;
  condition: 'service_healthy' | 'service_started';
}

export interface AppPlan {
  name: string;
  svc: ServiceModel;
  /** Build context, relative to the repository root: the service folder, or a Node workspace member's workspace root (buildContext). */
  context: string;
  /** The user's own Dockerfile, relative to the context; null when the Dockerfile stage generates it. */
  dockerfile: string | null;
  /** The generated Dockerfile relative to the context when it is not `<context>/Dockerfile` (a workspace member), else null. */
  generatedDockerfile: string | null;
  image: string;
  devImage: string;
  entries: EnvEntry[];
  environment: EnvLine[];
  /** secrets/<name>.env when the service has secrets. */
  envFile: string | null;
  secrets: SecretVar[];
  /** Published ports (public services only), `127.0.0.1:<port>:<port>`. */
  ports: string[];
  /** Ports reachable by the other services only. */
  expose: string[];
  healthcheck: Healthcheck | null;
  dependsOn: DependsOn[];
  /** read_only root filesystem with a tmpfs /tmp (runtimes known not to write elsewhere). */
  readOnly: boolean;
}

export interface BackingPlan {
  name: string;
  kind: BackingKind;
  image: string;
  environment: EnvLine[];
  entrypoint: string[] | null;
  command: string[] | null;
  volume: { name: string; target: string } | null;
  /** Compose secret holding the password, or null when the service runs without one. */
  secret: string | null;
  /** Main port, for docs and connection URLs. */
  port: number;
  user: string | null;
  database: string | null;
  healthcheck: Healthcheck | null;
  /** Human summary for .env.example and secrets/README.md. */
  summary: string;
}

export interface SecretFile {
  /** Path relative to the repository root. */
  path: string;
  /** What it holds, for secrets/README.md. */
  about: string;
}

export interface StackPlan {
  name: string;
  apps: AppPlan[];
  backing: BackingPlan[];
  /** Top-level named volumes. */
  volumes: string[];
  /** Top-level Compose secrets. */
  secrets: { name: string; file: string }[];
  /** Every file secrets/create.sh writes, in the order it writes them. */
  secretFiles: SecretFile[];
}

// ---- backing services ----------------------------------------------------------

type AuthMode = 'always' | 'linked' | 'none';

/** What Compose needs of a backing kind beyond the shared profile (lib/render/profiles.ts: port, user ids...). */
interface KindSpec {
  auth: AuthMode;
  /** User created for the apps when auth is on. */
  user: string | null;
  /** Words in env names that refer to this kind of service. */
  hints: string[];
  /** True when the database name comes from the connection URL (else the app name). */
  database: boolean;
  dataDir: (version: string) => string | null;
  slow: boolean;
}

const SPECS: Record<BackingKind, KindSpec> = {
  redis: { auth: 'none', user: null, hints: ['REDIS', 'CACHE'], database: false, dataDir: () => '/data', slow: false },
  postgres: {
    auth: 'always',
    user: 'postgres',
    hints: ['POSTGRES', 'POSTGRESQL', 'PG', 'DB', 'DATABASE', 'SQL'],
    database: true,
    // PostgreSQL 18 images keep PGDATA in a versioned folder below /var/lib/postgresql.
    dataDir: (v) => (major(v) >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data'),
    slow: false,
  },
  mysql: { auth: 'always', user: 'app', hints: ['MYSQL', 'DB', 'DATABASE', 'SQL'], database: true, dataDir: () => '/var/lib/mysql', slow: false },
  mariadb: {
    auth: 'always',
    user: 'app',
    hints: ['MARIADB', 'MYSQL', 'DB', 'DATABASE', 'SQL'],
    database: true,
    dataDir: () => '/var/lib/mysql',
    slow: false,
  },
  mongodb: { auth: 'linked', user: 'root', hints: ['MONGO', 'MONGODB'], database: false, dataDir: () => '/data/db', slow: false },
  rabbitmq: { auth: 'always', user: 'app', hints: ['RABBITMQ', 'RABBIT', 'AMQP', 'MQ', 'BROKER'], database: false, dataDir: () => '/var/lib/rabbitmq', slow: true },
  kafka: { auth: 'none', user: null, hints: ['KAFKA', 'BROKER'], database: false, dataDir: () => '/var/lib/kafka/data', slow: true },
  memcached: { auth: 'none', user: null, hints: ['MEMCACHED', 'MEMCACHE', 'CACHE'], database: false, dataDir: () => null, slow: false },
  elasticsearch: {
    auth: 'none',
    user: null,
    hints: ['ELASTICSEARCH', 'ELASTIC', 'ES', 'SEARCH'],
    database: false,
    dataDir: () => '/usr/share/elasticsearch/data',
    slow: true,
  },
  nats: { auth: 'none', user: null, hints: ['NATS'], database: false, dataDir: () => '/data', slow: false },
};

/** Kafka KRaft needs a cluster id; a fixed one keeps the output deterministic (it only names the local cluster). */
const KAFKA_CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';

const major = (version: string): number => Number.parseInt(version, 10) || 0;

const FAST = { interval: '5s', timeout: '5s', retries: 10, startPeriod: '20s' };
const SLOW = { interval: '10s', timeout: '10s', retries: 12, startPeriod: '60s' };

function backingHealth(kind: BackingKind, b: BackingModel, user: string | null, database: string | null): string | null {
  switch (kind) {
    case 'redis':
      return 'redis-cli ping | grep -q PONG';
    case 'postgres':
      // Over TCP: during initialisation the server listens on its socket only, so this is not ready too early.
      return `pg_isready -h 127.0.0.1 -U ${user} -d ${database}`;
    case 'mysql':
      return 'mysqladmin ping -h 127.0.0.1 --silent';
    case 'mariadb':
      return 'healthcheck.sh --connect --innodb_initialized';
    case 'mongodb':
      return `${major(b.version) >= 6 ? 'mongosh' : 'mongo'} --quiet --eval "quit(db.adminCommand('ping').ok ? 0 : 1)"`;
    case 'rabbitmq':
      return 'rabbitmq-diagnostics -q ping';
    case 'kafka':
      return '/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null 2>&1';
    case 'memcached':
      // The image has no client; bash can open a TCP connection by itself.
      return "bash -c 'exec 3<>/dev/tcp/127.0.0.1/11211'";
    case 'elasticsearch':
      return "curl -fsS 'http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow&timeout=5s' > /dev/null";
    case 'nats':
      // The official image is FROM scratch: no shell, no client. Dependents wait for service_started.
      return null;
  }
}

const secretPath = (file: string) => `${SECRETS_DIR}/${file}`;
const passwordSecret = (backing: string) => `${backing}-password`;
const runSecret = (backing: string) => `/run/secrets/${passwordSecret(backing)}`;

function planBacking(model: StackModel, name: string, auth: boolean, database: string | null): BackingPlan {
  const b = model.backing[name]!;
  const spec = SPECS[b.kind];
  const user = auth ? spec.user : null;
  const env: EnvLine[] = [];
  let entrypoint: string[] | null = null;
  let command: string[] | null = null;
  const set = (k: string, v: string) => env.push({ name: k, value: v });
  const db = spec.database ? database : null;
  switch (b.kind) {
    case 'postgres':
      set('POSTGRES_DB', db!);
      set('POSTGRES_PASSWORD_FILE', runSecret(name));
      set('POSTGRES_USER', user!);
      break;
    case 'mysql':
      set('MYSQL_DATABASE', db!);
      set('MYSQL_PASSWORD_FILE', runSecret(name));
      set('MYSQL_RANDOM_ROOT_PASSWORD', 'yes');
      set('MYSQL_USER', user!);
      break;
    case 'mariadb':
      set('MARIADB_DATABASE', db!);
      set('MARIADB_PASSWORD_FILE', runSecret(name));
      set('MARIADB_RANDOM_ROOT_PASSWORD', '1');
      set('MARIADB_USER', user!);
      break;
    case 'mongodb':
      if (auth) {
        set('MONGO_INITDB_ROOT_PASSWORD_FILE', runSecret(name));
        set('MONGO_INITDB_ROOT_USERNAME', user!);
      }
      break;
    case 'rabbitmq':
      // RabbitMQ 3.9+ reads RABBITMQ_DEFAULT_PASS but has no *_FILE variant: export it from the secret, then run the image's entrypoint.
      set('RABBITMQ_DEFAULT_USER', user!);
      entrypoint = ['sh', '-c', `export RABBITMQ_DEFAULT_PASS="$$(cat ${runSecret(name)})"; exec docker-entrypoint.sh rabbitmq-server`];
      break;
    case 'kafka':
      // Single-node KRaft (broker and controller), advertised under the service's hostname.
      set('CLUSTER_ID', KAFKA_CLUSTER_ID);
      set('KAFKA_ADVERTISED_LISTENERS', `PLAINTEXT://${name}:9092`);
      set('KAFKA_CONTROLLER_LISTENER_NAMES', 'CONTROLLER');
      set('KAFKA_CONTROLLER_QUORUM_VOTERS', '1@localhost:9093');
      set('KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS', '0');
      set('KAFKA_LISTENER_SECURITY_PROTOCOL_MAP', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT');
      set('KAFKA_LISTENERS', 'PLAINTEXT://:9092,CONTROLLER://:9093');
      set('KAFKA_LOG_DIRS', '/var/lib/kafka/data');
      set('KAFKA_NODE_ID', '1');
      set('KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', '1');
      set('KAFKA_PROCESS_ROLES', 'broker,controller');
      set('KAFKA_TRANSACTION_STATE_LOG_MIN_ISR', '1');
      set('KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR', '1');
      break;
    case 'elasticsearch':
      // Local development: one node, security off (the port is never published).
      set('ES_JAVA_OPTS', '-Xms512m -Xmx512m');
      set('discovery.type', 'single-node');
      set('xpack.security.enabled', 'false');
      break;
    case 'nats':
      command = ['--jetstream', '--store_dir', '/data', '--http_port', '8222'];
      break;
    case 'redis':
    case 'memcached':
      break;
  }
  const dataDir = spec.dataDir(b.version);
  const test = backingHealth(b.kind, b, user, db);
  const parts = [`${name}: ${b.kind} (${image(b.kind, b.version)})`];
  if (user) parts.push(`user ${user}`);
  if (db) parts.push(`database ${db}`);
  parts.push(auth ? `password in ${secretPath(passwordSecret(name))}` : 'no password (reachable only inside the stack)');
  return {
    name,
    kind: b.kind,
    image: image(b.kind, b.version),
    environment: env,
    entrypoint,
    command,
    volume: dataDir ? { name: `${name}-data`, target: dataDir } : null,
    secret: auth ? passwordSecret(name) : null,
    port: BACKING_PROFILES[b.kind].port,
    user,
    database: db,
    healthcheck: test ? { test, ...(spec.slow ? SLOW : FAST) } : null,
    summary: parts.join(', '),
  };
}

// ---- app services ----------------------------------------------------------------

/** Runtimes whose servers write nowhere but /tmp (and frameworks known to break that rule are excluded). */
const READ_ONLY_LANGUAGES = new Set(['node', 'python', 'go', 'rust', 'static']);
const WRITING_FRAMEWORKS = new Set(['next', 'nuxt', 'remix', 'gatsby']);

/** A health path safe inside a single-quoted string inside a double-quoted shell word. */
const safePath = (path: string) => path.replace(/['"$`\\ ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The healthcheck of an app service, with the language runtime its image already has; null when there is none. */
export function appHealthcheck(svc: ServiceModel): Healthcheck | null {
  if (svc.port === null || svc.healthPath === null || svc.dockerfile) return null;
  const url = `http://127.0.0.1:${svc.port}${safePath(svc.healthPath)}`;
  let test: string | null = null;
  switch (svc.language) {
    case 'node':
      test = `node -e "require('http').get('${url}', (r) => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))"`;
      break;
    case 'python':
      test = `python -c "import urllib.request; urllib.request.urlopen('${url}', timeout=4)"`;
      break;
    case 'ruby':
      test = `ruby -rnet/http -e "exit Net::HTTP.get_response(URI('${url}')).code.to_i < 400"`;
      break;
    case 'php':
      test = `php -r "exit(@file_get_contents('${url}') === false ? 1 : 0);"`;
      break;
    default:
      return null;
  }
  return { test, ...FAST };
}

const upperName = (service: string) => service.toUpperCase().replace(/-/g, '_');
const words = (name: string) => name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
const PASSWORD_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PWD']);
const hintsOf = (model: StackModel, backing: string) => new Set([...words(backing), ...SPECS[model.backing[backing]!.kind].hints]);

interface ParsedUrl {
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  pathname: string;
  search: string;
  hash: string;
}

function parseUrl(value: string | null): ParsedUrl | null {
  if (!value || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return null;
  try {
    const u = new URL(value);
    return { protocol: u.protocol, username: u.username, password: u.password, host: u.host, hostname: u.hostname, pathname: u.pathname, search: u.search, hash: u.hash };
  } catch {
    return null;
  }
}

/** Hints shared by several kinds (DB fits postgres and mysql): they only decide between candidates when no specific hint does. */
const GENERIC_HINTS = new Set(['DB', 'DATABASE', 'SQL', 'BROKER', 'MQ', 'CACHE', 'SEARCH']);

/**
 * The password-protected backing service an env name refers to, among the ones
 * the service depends on: the one its words name (a specific hint such as MYSQL
 * beating a generic one such as DB), else the only candidate when the name
 * points at no other backing service (REDIS_PASSWORD does not mean postgres).
 */
function linkedBacking(model: StackModel, svc: ServiceModel, name: string): string | null {
  const w = words(name);
  const protectedDeps = svc.dependsOn.filter((d) => d in model.backing && SPECS[model.backing[d]!.kind].auth !== 'none').sort();
  const named = (d: string, specific: boolean) => w.some((x) => hintsOf(model, d).has(x) && !(specific && GENERIC_HINTS.has(x)));
  const hinted = protectedDeps.filter((d) => named(d, false));
  if (hinted.length === 1) return hinted[0]!;
  if (hinted.length > 1) {
    const specific = hinted.filter((d) => named(d, true));
    return specific.length === 1 ? specific[0]! : null;
  }
  if (protectedDeps.length !== 1) return null;
  const others = backingNames(model).filter((b) => b !== protectedDeps[0]);
  return others.some((b) => named(b, false)) ? null : protectedDeps[0]!;
}

/** The backing service a password variable (PASSWORD, PASS, PASSWD, PWD in its name) belongs to, or null. */
const linkedPassword = (model: StackModel, svc: ServiceModel, name: string): string | null =>
  words(name).some((x) => PASSWORD_WORDS.has(x)) ? linkedBacking(model, svc, name) : null;

/** A name for a connection string: *_URL, *_URI, *_DSN, *_CONNECTION_STRING. */
const isUrlName = (name: string): boolean => {
  const w = words(name);
  return ['URL', 'URI', 'DSN'].includes(w[w.length - 1] ?? '') || (w.includes('CONNECTION') && w.includes('STRING'));
};

/** A value that compose interpolation cannot carry as a `${NAME:-default}` default. */
const needsFixed = (value: string) => /[$}\n]/.test(value);

interface Classified {
  service: string;
  name: string;
  /** Non-secret value (possibly rewritten), null when unknown. */
  value: string | null;
  secret: SecretSource | null;
}

function classify(model: StackModel): { vars: Classified[]; linked: Set<string>; urlDatabases: Map<string, string> } {
  const vars: Classified[] = [];
  const linked = new Set<string>();
  const urlDatabases = new Map<string, string>();
  for (const service of serviceNames(model)) {
    const svc = model.services[service]!;
    for (const name of Object.keys(svc.env).sort()) {
      if (name === 'PORT' && svc.port !== null) continue;
      const env = svc.env[name]!;
      const url = parseUrl(env.value);
      const target = url && url.hostname in model.backing ? url.hostname : null;
      const targetSpec = target ? SPECS[model.backing[target]!.kind] : null;
      if (url && target && targetSpec!.auth !== 'none') {
        linked.add(target);
        const db = url.pathname.replace(/^\//, '').split('/')[0] ?? '';
        if (targetSpec!.database && /^[A-Za-z0-9_-]{1,63}$/.test(db) && !urlDatabases.has(target)) urlDatabases.set(target, db);
        vars.push({ service, name, value: null, secret: { kind: 'url', backing: target, before: '', after: '' } });
      } else if (url && env.value && hasUrlPassword(env.value)) {
        if (target) {
          // A password for a service that runs without one (redis, ...): drop it.
          const stripped = `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}${url.pathname}${url.search}${url.hash}`;
          vars.push({ service, name, value: stripped, secret: null });
        } else {
          const before = `${url.protocol}//${url.username}:`;
          vars.push({ service, name, value: null, secret: { kind: 'url', backing: null, before, after: `@${url.host}${url.pathname}${url.search}${url.hash}` } });
        }
      } else if (env.secret || isSecretName(name)) {
        const backing = linkedPassword(model, svc, name);
        // A secret connection URL without a value (detection drops defaults that embed a password): built from the stack.
        const urlBacking = backing || !isUrlName(name) ? null : linkedBacking(model, svc, name);
        if (backing ?? urlBacking) linked.add((backing ?? urlBacking)!);
        const source: SecretSource = backing
          ? { kind: 'password', backing }
          : urlBacking
            ? { kind: 'url', backing: urlBacking, before: '', after: '' }
            : isUrlName(name)
              ? { kind: 'empty' }
              : { kind: 'random' };
        vars.push({ service, name, value: null, secret: source });
      } else {
        vars.push({ service, name, value: env.value, secret: null });
      }
    }
  }
  return { vars, linked, urlDatabases };
}

const URL_SCHEMES: Partial<Record<BackingKind, string>> = { postgres: 'postgres:', mysql: 'mysql:', mariadb: 'mysql:', mongodb: 'mongodb:', rabbitmq: 'amqp:' };

/**
 * Finish a connection URL to a backing service: the code's URL (or, when there
 * is none, one built from the stack) with the backing's user and the place of the password.
 */
function finishUrl(model: StackModel, value: string | null, backing: BackingPlan): SecretSource {
  // No path for RabbitMQ: in an AMQP URI, a trailing "/" names the empty vhost, not the default "/".
  const db = backing.database ?? (backing.kind === 'mongodb' ? model.name : null);
  const built = `${URL_SCHEMES[backing.kind]}//${backing.name}:${backing.port}${db ? `/${db}` : ''}`;
  const url = parseUrl(value) ?? parseUrl(built)!;
  let search = url.search;
  if (backing.kind === 'mongodb' && !/[?&]authSource=/.test(search)) search = `${search ? `${search}&` : '?'}authSource=admin`;
  return {
    kind: 'url',
    backing: backing.name,
    before: `${url.protocol}//${encodeURIComponent(backing.user ?? '')}:`,
    after: `@${url.host}${url.pathname}${search}${url.hash}`,
    ...(parseUrl(value) ? {} : { built: true }),
  };
}

// ---- the whole plan ------------------------------------------------------------------

export function planStack(model: StackModel): StackPlan {
  const { vars, linked, urlDatabases } = classify(model);

  const backing = backingNames(model).map((name) => {
    const spec = SPECS[model.backing[name]!.kind];
    const auth = spec.auth === 'always' || (spec.auth === 'linked' && linked.has(name));
    return planBacking(model, name, auth, urlDatabases.get(name) ?? model.name);
  });
  const backingByName = new Map(backing.map((b) => [b.name, b]));

  // Interpolation keys: shared when every reader agrees on the default.
  const byName = new Map<string, Classified[]>();
  for (const v of vars) {
    if (v.secret || v.value === null || needsFixed(v.value)) continue;
    byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
  }
  const shared = (name: string) => new Set((byName.get(name) ?? []).map((v) => v.value)).size === 1;

  const healthchecks = new Map<string, Healthcheck | null>();
  for (const n of serviceNames(model)) healthchecks.set(n, appHealthcheck(model.services[n]!));
  for (const b of backing) healthchecks.set(b.name, b.healthcheck);

  const apps: AppPlan[] = serviceNames(model).map((name) => {
    const svc = model.services[name]!;
    const entries: EnvEntry[] = [];
    const secrets: SecretVar[] = [];
    if (svc.port !== null) entries.push({ name: 'PORT', kind: 'port', value: String(svc.port) });
    for (const v of vars.filter((x) => x.service === name)) {
      if (v.secret) {
        entries.push({ name: v.name, kind: 'secret' });
        const raw = svc.env[v.name]!.value;
        const source = v.secret.kind === 'url' && v.secret.backing ? finishUrl(model, raw, backingByName.get(v.secret.backing)!) : v.secret;
        secrets.push({ name: v.name, source });
      } else if (v.value === null) entries.push({ name: v.name, kind: 'passthrough' });
      else if (needsFixed(v.value)) entries.push({ name: v.name, kind: 'fixed', value: v.value });
      else {
        const readers = byName.get(v.name)!;
        const isShared = shared(v.name);
        entries.push({
          name: v.name,
          kind: 'interpolated',
          key: isShared ? v.name : `${upperName(name)}__${v.name}`,
          value: v.value,
          sharedWith: isShared ? readers.map((r) => r.service).filter((s) => s !== name) : [],
          first: !isShared || readers[0]!.service === name,
        });
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    const environment: EnvLine[] = entries.flatMap((e): EnvLine[] => {
      switch (e.kind) {
        case 'port':
          return [{ name: e.name, value: e.value }];
        case 'interpolated':
          return [{ name: e.name, value: `\${${e.key}:-${e.value}}` }];
        case 'passthrough':
          return [{ name: e.name, value: null }];
        case 'fixed':
          return [{ name: e.name, value: e.value.replace(/\$/g, '$$$$') }];
        case 'secret':
          return [];
      }
    });

    const dependsOn: DependsOn[] = [...new Set(svc.dependsOn)]
      .filter((d) => d !== name && (d in model.services || d in model.backing))
      .sort()
      .map((d) => ({ name: d, condition: healthchecks.get(d) ? 'service_healthy' : 'service_started' }));

    const dockerfile = svc.dockerfile ? posix.relative(svc.path === '.' ? '' : svc.path, posix.normalize(svc.dockerfile)) : null;
    // The user's own Dockerfile builds from the service folder; a generated one from buildContext.
    const built = svc.dockerfile ? null : buildContext(svc);
    const context = built ? built.context : svc.path;
    const inContext = built ? posix.relative(context === '.' ? '' : context, built.dockerfile) : null;
    return {
      name,
      svc,
      context,
      dockerfile,
      generatedDockerfile: inContext && inContext !== 'Dockerfile' ? inContext : null,
      image: `${imageRepository(model, name)}:${PROD_TAG}`,
      devImage: `${imageRepository(model, name)}:${DEV_TAG}`,
      entries,
      environment,
      envFile: secrets.length ? secretPath(`${name}.env`) : null,
      secrets,
      ports: svc.public && svc.port !== null ? [`127.0.0.1:${svc.port}:${svc.port}`] : [],
      expose: !svc.public && svc.port !== null ? [String(svc.port)] : [],
      healthcheck: healthchecks.get(name) ?? null,
      dependsOn,
      readOnly: !svc.dockerfile && READ_ONLY_LANGUAGES.has(svc.language) && !WRITING_FRAMEWORKS.has(svc.framework ?? ''),
    };
  });

  const secretFiles: SecretFile[] = [
    ...backing
      .filter((b) => b.secret)
      .map((b) => ({ path: secretPath(b.secret!), about: `password of ${b.kind} "${b.name}"${b.user ? ` (user ${b.user})` : ''}, mounted at /run/secrets/${b.secret}` })),
    ...apps
      .filter((a) => a.envFile)
      .map((a) => ({ path: a.envFile!, about: `secret environment of "${a.name}": ${a.secrets.map((s) => s.name).join(', ')}` })),
  ];

  return {
    name: model.name,
    apps,
    backing,
    volumes: backing.flatMap((b) => (b.volume ? [b.volume.name] : [])).sort(),
    secrets: backing.filter((b) => b.secret).map((b) => ({ name: b.secret!, file: `./${secretPath(b.secret!)}` })),
    secretFiles,
  };
}

/** Names the model marks secret, in any service (for the validators). */
export function modelSecretNames(model: StackModel): string[] {
  return [...new Set(serviceNames(model).flatMap((n) => Object.entries(model.services[n]!.env).filter(([, e]) => e.secret).map(([k]) => k)))].sort();
}
