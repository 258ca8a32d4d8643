/**
 * Stack models for the Kubernetes and Helm tests: built directly (no
 * detection), so each covers exactly the shape it names. Together they cover
 * every language, a worker, every backing kind, public and internal services,
 * StatefulSet-worthy layouts and secrets.
 */
import { DEFAULT_VERSIONS } from '../../lib/detect/backing.js';
import { service as baseService } from './models.js';
import { LANGUAGES, SCHEMA_VERSION, type BackingKind, type EnvVar, type Language, type ServiceModel, type StackModel } from '../../lib/model/types.js';

const env = (value: string | null, secret = false): EnvVar => ({ value, secret });

/** A service with sensible defaults for its language; `over` replaces fields. */
export function service(language: Language, over: Partial<ServiceModel> = {}): ServiceModel {
  const defaults: Record<Language, Pick<ServiceModel, 'languageVersion' | 'framework' | 'port' | 'start' | 'healthPath'>> = {
    node: { languageVersion: '22', framework: 'express', port: 3000, start: ['node', 'server.js'], healthPath: '/healthz' },
    python: { languageVersion: '3.12', framework: 'fastapi', port: 8000, start: ['uvicorn', 'app:app', '--host', '0.0.0.0', '--port', '8000'], healthPath: '/health' },
    go: { languageVersion: '1.23', framework: null, port: 8080, start: ['./server'], healthPath: null },
    java: { languageVersion: '21', framework: 'spring-boot', port: 8080, start: ['java', '-jar', '/app/app.jar'], healthPath: '/actuator/health' },
    ruby: { languageVersion: '3.3', framework: 'rails', port: 3000, start: ['bundle', 'exec', 'puma', '-C', 'config/puma.rb'], healthPath: '/up' },
    php: { languageVersion: '8.3', framework: 'laravel', port: 8080, start: ['apache2-foreground'], healthPath: null },
    dotnet: { languageVersion: '8.0', framework: 'aspnetcore', port: 8080, start: ['dotnet', 'Api.dll'], healthPath: '/healthz' },
    rust: { languageVersion: '1.83', framework: 'axum', port: 8000, start: ['./api'], healthPath: '/health' },
    elixir: { languageVersion: '1.17', framework: 'phoenix', port: 4000, start: ['bin/shop', 'start'], healthPath: '/healthz' },
    static: { languageVersion: '1.27', framework: null, port: 8080, start: [], healthPath: '/' },
  };
  return baseService({ path: language, language, ...defaults[language], ...over });
}

function model(name: string, services: Record<string, ServiceModel>, backing: Record<string, BackingKind> = {}): StackModel {
  return {
    schemaVersion: SCHEMA_VERSION,
    name,
    registry: 'ghcr.io/acme',
    services,
    backing: Object.fromEntries(Object.entries(backing).map(([host, kind]) => [host, { kind, version: DEFAULT_VERSIONS[kind] }])),
  };
}

/** The usual shape: a public web UI, an internal API, a worker, Redis and Postgres. */
export const SHOP: StackModel = model(
  'shop',
  {
    web: service('node', {
      public: true,
      dependsOn: ['api'],
      env: { API_URL: env('http://api:8000'), PORT: env('3000'), SESSION_SECRET: env(null, true) },
    }),
    api: service('python', {
      dependsOn: ['redis', 'db'],
      env: {
        DATABASE_HOST: env('db'),
        DATABASE_PASSWORD: env(null, true),
        DEBUG: env('false'),
        REDIS_URL: env('redis://redis:6379'),
        FEATURE_FLAGS_URL: env(null),
      },
    }),
    worker: service('go', { port: null, healthPath: null, dependsOn: ['redis', 'api'], env: { REDIS_URL: env('redis://redis:6379') } }),
  },
  { redis: 'redis', db: 'postgres' },
);

/** One public service per language, no backing services, no env: every runtime profile. */
export const POLYGLOT: StackModel = model(
  'polyglot',
  Object.fromEntries(LANGUAGES.map((lang) => [`${lang}-svc`, service(lang, { public: lang === 'node' || lang === 'static' })])),
);

/** Every backing kind, each used by one service (also an ingress-less app: nothing public). */
export const BACKENDS: StackModel = model(
  'backends',
  {
    app: service('java', {
      dependsOn: ['cache', 'db', 'docs', 'events', 'memo', 'mongo', 'mq', 'msg', 'maria', 'sql'],
      env: { SPRING_PROFILES_ACTIVE: env('kubernetes'), DB_PASSWORD: env(null, true) },
    }),
  },
  {
    cache: 'redis',
    db: 'postgres',
    docs: 'elasticsearch',
    events: 'kafka',
    memo: 'memcached',
    mongo: 'mongodb',
    mq: 'rabbitmq',
    msg: 'nats',
    maria: 'mariadb',
    sql: 'mysql',
  },
);

/** A single worker and nothing else: no Service, no Ingress, no test pods. */
export const LONE_WORKER: StackModel = model('cron', {
  jobs: service('ruby', { framework: null, port: null, healthPath: null, start: ['bundle', 'exec', 'ruby', 'worker.rb'] }),
});

/** A single public static site with a TCP-probed PHP backend: mixed probe kinds. */
export const SITE: StackModel = model('site', {
  www: service('static', { public: true, dependsOn: ['backend'] }),
  backend: service('php', { dependsOn: [] }),
});

/**
 * Env values that YAML, dotenv and kustomize's env files could each misread (a '#', quotes,
 * '=', YAML-ish words, leading spaces, an empty value) and a service whose only
 * env has no known value: the ConfigMaps must still hold exactly the model's values.
 */
export const QUIRKS: StackModel = model(
  'quirks',
  {
    api: service('node', {
      public: true,
      env: {
        GREETING: env('hello world # not a comment'),
        QUOTED: env('"quoted" and \'single\''),
        EQUALS: env('a=b=c'),
        EMPTY: env(''),
        YAMLISH: env('true'),
        VERSION: env('1.10'),
        PADDED: env('  padded  '),
        MULTILINE: env('line one\nline two'),
        TOKEN: env(null, true),
      },
    }),
    batch: service('python', { port: null, healthPath: null, env: { ONLY_UNSET: env(null) } }),
  },
);

/** A Rails app with Sidekiq and a release command: three processes of one image. */
const RAILS = service('ruby', { public: true, env: { DATABASE_URL: env('postgres://postgres@db:5432/app'), REDIS_URL: env('redis://redis:6379/0'), SECRET_KEY_BASE: env(null, true) }, dependsOn: ['db', 'redis'] });
export const PROCESSES: StackModel = model(
  'shipping',
  {
    web: RAILS,
    sidekiq: { ...RAILS, imageFrom: 'web', port: null, healthPath: null, public: false, start: ['bundle', 'exec', 'sidekiq'] },
    release: { ...RAILS, imageFrom: 'web', release: true, port: null, healthPath: null, public: false, start: ['bundle', 'exec', 'rails', 'db:prepare'], dependsOn: ['db'], env: { DATABASE_URL: env('postgres://postgres@db:5432/app'), SECRET_KEY_BASE: env(null, true) } },
  },
  { db: 'postgres', redis: 'redis' },
);

/** Prometheus metrics: on a web service's own port, and on a port of its own for a worker. */
export const METRICS: StackModel = model(
  'obs',
  {
    web: service('node', { public: true, metricsPath: '/metrics', dependsOn: ['cache'] }),
    api: service('java', { framework: 'spring-boot', port: 8080, healthPath: '/actuator/health', metricsPath: '/actuator/prometheus', start: ['java', '-jar', '/app/app.jar'] }),
    jobs: service('go', { port: null, healthPath: null, metricsPath: '/metrics', metricsPort: 9100, start: ['./jobs'], dependsOn: ['cache'] }),
  },
  { cache: 'redis' },
);

/**
 * The shop's backing services outside the cluster behind ambassadors (placement ambassador):
 * redis everywhere, with TLS to the instance (rediss); postgres in production, in plain TCP
 * (it negotiates TLS inside its protocol, so the ambassador cannot add it).
 */
export const AMBASSADORS: StackModel = {
  ...SHOP,
  name: 'relay',
  backing: {
    redis: { ...SHOP.backing.redis!, staging: 'ambassador', production: 'ambassador', externalHost: 'cache.example.net', ambassadorTls: true },
    db: { ...SHOP.backing.db!, production: 'ambassador', externalHost: 'db.example.net' },
  },
};

export const K8S_MODELS: Record<string, StackModel> = { shop: SHOP, polyglot: POLYGLOT, backends: BACKENDS, cron: LONE_WORKER, site: SITE, quirks: QUIRKS, processes: PROCESSES, obs: METRICS, ambassadors: AMBASSADORS };
