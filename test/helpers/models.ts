/**
 * Named sample stack models, built directly (no detection), for tests of the
 * stages that render from a model. Each is a valid model shape; the folders
 * they name need not exist (render stages never read the tree).
 */
import { SCHEMA_VERSION, type BackingModel, type EnvVar, type ServiceModel, type StackModel } from '../../lib/model/types.js';

/** A service with every field defaulted; override what the scenario needs. */
export function service(fields: Partial<ServiceModel> & Pick<ServiceModel, 'path' | 'language'>): ServiceModel {
  return {
    languageVersion: { node: '22', python: '3.12', go: '1.23', java: '21', ruby: '3.3', php: '8.3', dotnet: '8.0', rust: '1.83', static: '1' }[fields.language],
    framework: null,
    packageManager: null,
    lockfile: null,
    port: null,
    start: ['run'],
    build: null,
    healthPath: null,
    public: false,
    env: {},
    dependsOn: [],
    entry: null,
    outputDir: null,
    dockerfile: null,
    ...fields,
  };
}

export const plain = (value: string | null): EnvVar => ({ value, secret: false });
export const secret = (): EnvVar => ({ value: null, secret: true });

export function stack(name: string, services: Record<string, ServiceModel>, backing: Record<string, BackingModel> = {}, registry = 'ghcr.io/acme'): StackModel {
  return { schemaVersion: SCHEMA_VERSION, name, registry, services, backing };
}

/** A Node web app using Redis, with a session secret. */
export const nodeRedis = stack(
  'shop',
  {
    web: service({
      path: 'web',
      language: 'node',
      framework: 'express',
      packageManager: 'npm',
      lockfile: 'package-lock.json',
      port: 3000,
      start: ['node', 'server.js'],
      healthPath: '/healthz',
      public: true,
      env: { NODE_ENV: plain('production'), REDIS_URL: plain('redis://redis:6379'), SESSION_SECRET: secret() },
      dependsOn: ['redis'],
      entry: 'server.js',
    }),
  },
  { redis: { kind: 'redis', version: '7' } },
);

/** A Flask API on PostgreSQL whose code default URL carries a password. */
export const pythonPostgres = stack(
  'ledger',
  {
    api: service({
      path: 'api',
      language: 'python',
      framework: 'flask',
      packageManager: 'pip',
      lockfile: 'requirements.txt',
      port: 8000,
      start: ['gunicorn', '-b', '0.0.0.0:8000', 'app:app'],
      healthPath: '/health',
      public: true,
      env: {
        DATABASE_URL: plain('postgres://postgres:postgres@postgres:5432/ledger'),
        DEBUG: plain('false'),
        FEATURE_FLAGS: plain('on'),
        DB_PASSWORD: secret(),
      },
      dependsOn: ['postgres'],
      entry: 'app:app',
    }),
  },
  { postgres: { kind: 'postgres', version: '16' } },
);

/**
 * The taskboard example: a public Node web UI, an internal Python API, a Go
 * worker without a port and a Go stats service, all on Redis.
 */
export const taskboard = stack(
  'taskboard',
  {
    web: service({
      path: 'web',
      language: 'node',
      packageManager: 'npm',
      lockfile: 'package-lock.json',
      port: 3000,
      start: ['node', 'server.js'],
      healthPath: '/healthz',
      public: true,
      env: { API_URL: plain('http://api:8000'), STATS_URL: plain('http://stats:8080') },
      dependsOn: ['api', 'stats'],
      entry: 'server.js',
    }),
    api: service({
      path: 'api',
      language: 'python',
      languageVersion: '3.11',
      packageManager: 'pip',
      lockfile: 'requirements.txt',
      port: 8000,
      start: ['python', '-u', 'app.py'],
      healthPath: '/health',
      env: { HOST: plain('0.0.0.0'), REDIS_URL: plain('redis://redis:6379/0') },
      dependsOn: ['redis'],
      entry: 'app.py',
    }),
    worker: service({
      path: 'worker',
      language: 'go',
      packageManager: 'go',
      start: ['/app/worker'],
      env: { REDIS_ADDR: plain('redis:6379') },
      dependsOn: ['redis'],
      entry: '.',
    }),
    stats: service({
      path: 'stats',
      language: 'go',
      packageManager: 'go',
      port: 8080,
      start: ['/app/stats'],
      healthPath: '/healthz',
      env: { REDIS_ADDR: plain('redis:6379'), LISTEN_ADDR: plain(null) },
      dependsOn: ['redis'],
      entry: '.',
    }),
  },
  { redis: { kind: 'redis', version: '7' } },
);

/** One Node service using every kind of backing service, through URLs and password variables. */
export const everyBacking = stack(
  'kitchen-sink',
  {
    app: service({
      path: '.',
      language: 'node',
      packageManager: 'pnpm',
      lockfile: 'pnpm-lock.yaml',
      port: 8080,
      start: ['node', 'index.js'],
      healthPath: '/',
      public: true,
      env: {
        DATABASE_URL: plain('postgresql://user@postgres:5432/sink'),
        MYSQL_URL: plain('mysql://root:root@mysql:3306/orders'),
        MARIADB_PASSWORD: secret(),
        MARIADB_HOST: plain('mariadb'),
        MONGO_URL: plain('mongodb://mongo:27017/sink'),
        AMQP_URL: plain('amqp://guest:guest@rabbitmq:5672'),
        KAFKA_BROKERS: plain('kafka:9092'),
        MEMCACHED_SERVERS: plain('memcached:11211'),
        ELASTICSEARCH_URL: plain('http://elasticsearch:9200'),
        NATS_URL: plain('nats://nats:4222'),
        CACHE_URL: plain('redis://:devpass@cache:6379/1'),
      },
      dependsOn: ['cache', 'elasticsearch', 'kafka', 'mariadb', 'memcached', 'mongo', 'mysql', 'nats', 'postgres', 'rabbitmq'],
    }),
  },
  {
    cache: { kind: 'redis', version: '7.2' },
    elasticsearch: { kind: 'elasticsearch', version: '8.15.0' },
    kafka: { kind: 'kafka', version: '3.7.0' },
    mariadb: { kind: 'mariadb', version: '11' },
    memcached: { kind: 'memcached', version: '1.6' },
    mongo: { kind: 'mongodb', version: '7' },
    mysql: { kind: 'mysql', version: '8.0' },
    nats: { kind: 'nats', version: '2' },
    postgres: { kind: 'postgres', version: '18' },
    rabbitmq: { kind: 'rabbitmq', version: '3' },
  },
);

/** Services that bring their own Dockerfile (one at the repository root), next to a generated one. */
export const ownDockerfile = stack(
  'legacy',
  {
    site: service({
      path: '.',
      language: 'php',
      port: 8080,
      start: ['apache2-foreground'],
      healthPath: '/status',
      public: true,
      dockerfile: 'Dockerfile',
      env: { APP_ENV: plain('prod') },
      dependsOn: ['jobs', 'mysql'],
    }),
    jobs: service({
      path: 'jobs',
      language: 'node',
      packageManager: 'yarn',
      port: 9000,
      start: ['node', 'jobs.js'],
      healthPath: '/health',
      dockerfile: 'docker/jobs.Dockerfile',
      env: { MYSQL_PASSWORD: secret() },
      dependsOn: ['mysql'],
    }),
    admin: service({
      path: 'admin',
      language: 'node',
      packageManager: 'npm',
      port: 3001,
      start: ['node', 'admin.js'],
      healthPath: '/health',
      public: true,
      dependsOn: ['jobs'],
    }),
  },
  { mysql: { kind: 'mysql', version: '8.0' } },
);

/** Every flavour of secret: model secrets, secret-looking names, URLs with passwords, ambiguous links. */
export const secretsEnv = stack(
  'vault',
  {
    api: service({
      path: 'services/api',
      language: 'python',
      framework: 'fastapi',
      packageManager: 'uv',
      port: 8000,
      start: ['uvicorn', 'main:app', '--host', '0.0.0.0'],
      healthPath: "/health/it's$ok",
      public: true,
      env: {
        JWT_SECRET: secret(),
        STRIPE_API_KEY: secret(),
        DB_PASSWORD: secret(),
        PG_PASSWORD: secret(),
        DATABASE_URL: plain('postgres://postgres:5432/vault'),
        REPORTS_URL: plain('https://reporter:hunter2@reports.example.com/v1'),
        CACHE_KEY_PREFIX: plain('vault:'),
        GREETING: plain('Hello, ${USER}!'),
        MOTD: plain('yes'),
        SENTRY_DSN: plain(null),
      },
      dependsOn: ['postgres', 'mysql'],
    }),
    ui: service({
      path: 'services/ui',
      language: 'node',
      framework: 'next',
      packageManager: 'npm',
      port: 3000,
      start: ['npm', 'start'],
      healthPath: '/api/health',
      public: true,
      env: { API_URL: plain('http://api:8000'), NEXTAUTH_SECRET: secret(), CACHE_KEY_PREFIX: plain('ui:') },
      dependsOn: ['api'],
    }),
  },
  { postgres: { kind: 'postgres', version: '16' }, mysql: { kind: 'mysql', version: '8.0' } },
);

/** Nothing public: a queue worker and an internal Go service on NATS. */
export const noPublic = stack(
  'pipeline',
  {
    ingest: service({
      path: 'ingest',
      language: 'python',
      packageManager: 'poetry',
      start: ['python', '-m', 'ingest'],
      env: { NATS_URL: plain('nats://nats:4222') },
      dependsOn: ['nats', 'store'],
    }),
    store: service({
      path: 'store',
      language: 'go',
      packageManager: 'go',
      port: 9000,
      start: ['/app/store'],
      healthPath: '/healthz',
      env: { NATS_URL: plain('nats://nats:4222') },
      dependsOn: ['nats'],
    }),
  },
  { nats: { kind: 'nats', version: '2' } },
);

/** One service per remaining language, to cover each dev-layer and test-command branch. */
export const allLanguages = stack(
  'polyglot',
  {
    spring: service({ path: 'spring', language: 'java', framework: 'spring-boot', packageManager: 'maven', port: 8081, healthPath: '/actuator/health', public: true }),
    gradle: service({ path: 'gradle', language: 'java', packageManager: 'gradle', port: 8082 }),
    rails: service({ path: 'rails', language: 'ruby', framework: 'rails', packageManager: 'bundler', port: 3000, healthPath: '/up', public: true }),
    php: service({ path: 'php', language: 'php', packageManager: 'composer', port: 8083, healthPath: '/health' }),
    dotnet: service({ path: 'dotnet', language: 'dotnet', packageManager: 'dotnet', port: 8084, healthPath: '/healthz' }),
    rust: service({ path: 'rust', language: 'rust', packageManager: 'cargo', port: 8085, healthPath: '/health' }),
    site: service({ path: 'site', language: 'static', framework: 'vite', packageManager: 'npm', port: 8086, public: true, outputDir: 'dist' }),
    docs: service({ path: 'docs', language: 'static', port: 8087 }),
  },
  {},
);

/**
 * What detection produces for code whose URL defaults embed a password: the
 * variables are secret and have no value (lib/detect/scan.ts), so the URLs are
 * rebuilt from the stack. DB_URL is ambiguous (postgres and mysql both fit DB).
 */
export const detectedSecrets = stack(
  'orders',
  {
    app: service({
      path: 'app',
      language: 'python',
      framework: 'django',
      packageManager: 'pip',
      port: 8000,
      healthPath: '/healthz',
      public: true,
      env: {
        DATABASE_URL: secret(),
        MYSQL_DSN: secret(),
        DB_URL: secret(),
        AMQP_URL: secret(),
        MONGO_URI: secret(),
        REDIS_URL: plain('redis://redis:6379/0'),
        SECRET_KEY: secret(),
      },
      dependsOn: ['postgres', 'legacy-db', 'rabbitmq', 'mongo', 'redis'],
    }),
  },
  {
    postgres: { kind: 'postgres', version: '16' },
    'legacy-db': { kind: 'mysql', version: '8.0' },
    rabbitmq: { kind: 'rabbitmq', version: '3' },
    mongo: { kind: 'mongodb', version: '5' },
    redis: { kind: 'redis', version: '7' },
  },
);

/**
 * Several processes of one folder: a Django app on PostgreSQL with a Celery worker and beat
 * on Redis and a release command (migrations), all running the web service's image.
 */
const djangoWeb = service({
  path: '.',
  language: 'python',
  framework: 'django',
  packageManager: 'pip',
  lockfile: null,
  port: 8000,
  start: ['gunicorn', '--bind', '0.0.0.0:8000', 'config.wsgi:application'],
  healthPath: '/healthz',
  public: true,
  env: { DATABASE_URL: plain('postgres://postgres@db:5432/app'), CELERY_BROKER_URL: plain('redis://redis:6379/0'), SECRET_KEY: secret() },
  dependsOn: ['db', 'redis'],
  entry: 'config.wsgi:application',
});
const processOf = (owner: ServiceModel, fields: Partial<ServiceModel>): ServiceModel => ({ ...owner, port: null, healthPath: null, public: false, ...fields });
export const djangoProcesses = stack(
  'tasks',
  {
    web: djangoWeb,
    worker: processOf(djangoWeb, { imageFrom: 'web', start: ['celery', '-A', 'config', 'worker', '--loglevel=INFO'] }),
    beat: processOf(djangoWeb, { imageFrom: 'web', start: ['celery', '-A', 'config', 'beat', '--loglevel=INFO'], dependsOn: ['redis'], env: { CELERY_BROKER_URL: plain('redis://redis:6379/0') } }),
    release: processOf(djangoWeb, { imageFrom: 'web', release: true, start: ['python', 'manage.py', 'migrate', '--noinput'], dependsOn: ['db'], env: { DATABASE_URL: plain('postgres://postgres@db:5432/app'), SECRET_KEY: secret() } }),
  },
  { db: { kind: 'postgres', version: '16' }, redis: { kind: 'redis', version: '7' } },
);

/** Every sample, by name, for matrix tests. */
export const SAMPLE_MODELS: Record<string, StackModel> = {
  nodeRedis,
  pythonPostgres,
  taskboard,
  everyBacking,
  ownDockerfile,
  secretsEnv,
  noPublic,
  allLanguages,
  detectedSecrets,
  djangoProcesses,
};
