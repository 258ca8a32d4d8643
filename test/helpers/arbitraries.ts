/**
 * fast-check arbitraries for the property tests (test/fuzz): random stack
 * models that the model validator accepts, over every language, the
 * frameworks, package managers, lockfiles, build and start shapes the
 * detectors produce for it, every backing kind, workers, public services,
 * secrets, dependencies between services (workers included) and env values
 * that stress every output format; and hostile strings for every field.
 *
 * A generated model comes with the folders and files its paths need
 * (`tree`), which the harness writes before validating it.
 */
import fc from 'fast-check';
import { BACKING_KINDS, INGRESS_KINDS, LANGUAGES, ROUTINGS, SCHEMA_VERSION, TLS_MODES, type BackingKind, type EnvVar, type Language, type ServiceModel, type StackModel } from '../../lib/model/types.js';
import { CATALOG, DEFAULT_VERSIONS } from '../../lib/catalog/index.js';
import { secretReason } from '../../lib/model/secrets.js';

export interface Generated {
  model: StackModel;
  /** Files to create below the repository root (paths the model names: Dockerfiles, nginx configs...). */
  tree: Record<string, string>;
}

const dnsLabel = (max = 20) => fc.stringMatching(new RegExp(`^[a-z]([a-z0-9-]{0,${max}}[a-z0-9])?$`)).filter((s) => !/^(?:y|n|yes|no|on|off|true|false|null)$/.test(s));

const VERSIONS: Record<Language, string[]> = {
  node: ['18', '20', '22', '24'],
  python: ['3.10', '3.11', '3.12', '3.13'],
  go: ['1.22', '1.23', '1.24'],
  java: ['17', '21'],
  ruby: ['3.2', '3.3', '3.2.2'],
  php: ['8.2', '8.3'],
  dotnet: ['8.0', '9.0'],
  rust: ['1.83', '1.85'],
  elixir: ['1.14', '1.17'],
  static: ['1.25', '1.27'],
};

const BACKING_VERSIONS: Record<BackingKind, string[]> = {
  redis: ['7', '7.2', '6'],
  postgres: ['15', '16', '17', '18'],
  mysql: ['8.0', '8.4'],
  mariadb: ['10.11', '11'],
  mongodb: ['5', '6', '7'],
  rabbitmq: ['3', '3.13', '4'],
  kafka: ['3.7.0', '3.8.0'],
  memcached: ['1.6'],
  elasticsearch: ['8.15.0', '8.17.0'],
  nats: ['2', '2.10'],
};

/** A language's shape: what its detector produces, with the port known so start commands agree with it. */
interface Shape {
  framework: string | null;
  packageManager: string | null;
  lockfile: string | null;
  start: string[];
  build: string | null;
  entry: string | null;
  outputDir: string | null;
  /** A worker: no port. */
  worker?: boolean;
  /** Files the shape needs (relative to the service folder). */
  files?: Record<string, string>;
  healthPath?: string | null;
}

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

function shapes(language: Language, port: number, bin: string): fc.Arbitrary<Shape> {
  const P = String(port);
  switch (language) {
    case 'node': {
      const pm = fc.constantFrom<[string | null, string | null]>(['npm', 'package-lock.json'], ['npm', null], ['yarn', 'yarn.lock'], ['pnpm', 'pnpm-lock.yaml'], ['bun', null], [null, null]);
      return fc.tuple(pm, fc.integer({ min: 0, max: 7 })).map(([[packageManager, lockfile], k]): Shape => {
        const base = { packageManager, lockfile };
        switch (k) {
          case 0: return { ...base, framework: 'express', start: ['node', 'server.js'], build: null, entry: 'server.js', outputDir: null, healthPath: '/healthz' };
          case 1: return { ...base, framework: null, start: ['node', 'dist/index.js'], build: 'npx tsc', entry: 'dist/index.js', outputDir: null, worker: true };
          case 2: return { ...base, framework: 'next', start: ['node_modules/.bin/next', 'start', '-p', P], build: 'npm run build', entry: null, outputDir: null, healthPath: '/api/health' };
          case 3: return { ...base, framework: 'nest', start: ['node', 'dist/main.js'], build: 'npm run build', entry: 'dist/main.js', outputDir: null };
          case 4: return { ...base, framework: 'vite', start: [], build: 'npm run build', entry: 'index.html', outputDir: 'dist', healthPath: '/' };
          case 5: return { ...base, framework: 'cra', start: [], build: null, entry: 'src/index.js', outputDir: 'build' };
          case 6: return { ...base, framework: 'fastify', start: ['node', 'app.js', '--port', P], build: null, entry: 'app.js', outputDir: null };
          default: return { ...base, framework: 'nuxt', start: ['node', '.output/server/index.mjs'], build: 'npm run build', entry: null, outputDir: null };
        }
      });
    }
    case 'python': {
      const pm = fc.constantFrom<[string | null, string | null]>(['pip', 'requirements.txt'], ['pip', 'requirements/prod.txt'], ['pip', null], ['poetry', 'poetry.lock'], ['uv', 'uv.lock'], ['uv', null], ['pipenv', 'Pipfile.lock'], [null, null]);
      return fc.tuple(pm, fc.integer({ min: 0, max: 6 })).map(([[packageManager, lockfile], k]): Shape => {
        const base = { packageManager, lockfile, outputDir: null };
        switch (k) {
          case 0: return { ...base, framework: 'flask', start: ['gunicorn', '--bind', `0.0.0.0:${P}`, 'app:app'], build: null, entry: 'app:app', healthPath: '/health' };
          case 1: return { ...base, framework: 'fastapi', start: ['uvicorn', 'main:app', '--host', '0.0.0.0', '--port', P], build: null, entry: 'main:app' };
          case 2: return { ...base, framework: 'django', start: ['python', 'manage.py', 'runserver', `0.0.0.0:${P}`, '--noreload'], build: 'python manage.py collectstatic --noinput', entry: 'mysite.wsgi:application' };
          case 3: return { ...base, framework: 'celery', start: ['celery', '-A', 'tasks', 'worker', '--loglevel=INFO'], build: null, entry: 'tasks', worker: true };
          case 4: return { ...base, framework: null, start: ['python', 'app.py'], build: null, entry: 'app.py' };
          case 5: return { ...base, framework: 'flask', start: ['gunicorn', '--bind', `0.0.0.0:${P}`, 'app:create_app()'], build: packageManager === 'pip' ? 'pip install --no-deps .' : null, entry: 'app:create_app()' };
          default: return { ...base, framework: null, start: ['shop-worker', '--once'], build: packageManager === 'poetry' ? 'poetry install --only-root' : packageManager === 'uv' ? 'uv sync --frozen --no-dev --no-editable' : null, entry: null, worker: true };
        }
      });
    }
    case 'go':
      return fc.tuple(fc.constantFrom<string | null>('go.sum', null), fc.constantFrom<string | null>(null, 'gin', 'echo', 'fiber', 'chi', 'gorilla-mux'), fc.integer({ min: 0, max: 3 })).map(([lockfile, framework, k]): Shape => {
        const entry = k === 1 ? `./cmd/${bin}` : k === 3 ? 'main.go' : '.';
        return {
          framework,
          packageManager: 'go',
          lockfile: k === 3 ? null : lockfile,
          start: k === 2 ? [`/app/${bin}`] : [`./${bin}`],
          build: k === 0 ? null : `go build -o /out/${bin} ${entry}`,
          entry,
          outputDir: null,
          worker: k === 2 && framework === null,
          healthPath: '/healthz',
        };
      });
    case 'java':
      return fc.tuple(fc.constantFrom('maven', 'gradle'), fc.constantFrom<string | null>(null, 'spring-boot', 'quarkus', 'micronaut'), fc.boolean(), fc.boolean()).map(([pm, framework, wrapper, glob]): Shape => {
        const gradle = pm === 'gradle';
        const build = gradle ? `${wrapper ? './gradlew' : 'gradle'} build -x test --no-daemon` : `${wrapper ? './mvnw' : 'mvn'} -B package -DskipTests`;
        const entry = gradle ? (glob ? 'build/libs/*.jar' : 'build/libs/app-0.0.1-SNAPSHOT.jar') : glob ? 'target/*.jar' : 'target/orders-1.0.0.jar';
        return {
          framework,
          packageManager: pm,
          lockfile: null,
          start: ['java', '-jar', '/app/app.jar'],
          build,
          entry,
          outputDir: null,
          healthPath: framework === 'spring-boot' ? '/actuator/health' : '/health',
          files: wrapper ? { [gradle ? 'gradlew' : 'mvnw']: '#!/bin/sh\n' } : {},
        };
      });
    case 'ruby':
      return fc.tuple(fc.constantFrom<string | null>('Gemfile.lock', null), fc.integer({ min: 0, max: 3 })).map(([lockfile, k]): Shape => {
        switch (k) {
          case 0: return { framework: 'rails', packageManager: 'bundler', lockfile, start: ['bundle', 'exec', 'rails', 'server', '-b', '0.0.0.0', '-p', P], build: 'bundle exec rails assets:precompile', entry: null, outputDir: null, healthPath: '/up' };
          case 1: return { framework: 'sinatra', packageManager: 'bundler', lockfile, start: ['bundle', 'exec', 'ruby', 'app.rb', '-o', '0.0.0.0', '-p', P], build: null, entry: 'app.rb', outputDir: null };
          case 2: return { framework: null, packageManager: 'bundler', lockfile, start: ['bundle', 'exec', 'sidekiq'], build: null, entry: null, outputDir: null, worker: true };
          default: return { framework: 'hanami', packageManager: 'bundler', lockfile, start: ['bundle', 'exec', 'puma', '-p', P], build: null, entry: 'config.ru', outputDir: null };
        }
      });
    case 'php':
      return fc.tuple(fc.constantFrom<[string | null, string | null]>(['composer', 'composer.lock'], ['composer', null], [null, null]), fc.integer({ min: 0, max: 2 })).map(([[packageManager, lockfile], k]): Shape => {
        switch (k) {
          case 0: return { framework: 'laravel', packageManager, lockfile, start: ['apache2-foreground'], build: null, entry: 'public/index.php', outputDir: 'public' };
          case 1: return { framework: null, packageManager, lockfile, start: ['apache2-foreground'], build: null, entry: 'index.php', outputDir: '.' };
          default: return { framework: null, packageManager, lockfile, start: ['php', 'worker.php'], build: null, entry: 'worker.php', outputDir: null, worker: true };
        }
      });
    case 'dotnet':
      return fc.tuple(fc.constantFrom<string | null>('packages.lock.json', null), fc.integer({ min: 0, max: 2 })).map(([lockfile, k]): Shape => {
        switch (k) {
          case 0: return { framework: 'aspnetcore', packageManager: 'dotnet', lockfile, start: ['dotnet', 'Api.dll'], build: 'dotnet publish Api.csproj -c Release -o /app/publish', entry: 'Api.csproj', outputDir: null, healthPath: '/healthz' };
          case 1: return { framework: 'worker', packageManager: 'dotnet', lockfile, start: ['dotnet', 'Worker.dll'], build: null, entry: 'Worker.csproj', outputDir: null, worker: true };
          default: return { framework: null, packageManager: 'dotnet', lockfile, start: ['dotnet', 'App.dll'], build: null, entry: null, outputDir: null };
        }
      });
    case 'rust':
      return fc.tuple(fc.constantFrom<string | null>('Cargo.lock', null), fc.constantFrom<string | null>(null, 'axum', 'actix-web', 'rocket'), fc.boolean()).map(([lockfile, framework, worker]): Shape => ({
        framework: worker ? null : framework,
        packageManager: 'cargo',
        lockfile,
        start: [`./${bin}`],
        build: lockfile ? `cargo build --release --locked --bin ${bin}` : null,
        entry: bin,
        outputDir: null,
        worker,
      }));
    case 'elixir': {
      const app = `a_${bin.replace(/[^a-z0-9_]/g, '_')}`;
      return fc.tuple(fc.constantFrom<string | null>('mix.lock', null), fc.constantFrom<string | null>(null, 'phoenix', 'plug'), fc.boolean()).map(([lockfile, framework, worker]): Shape => ({
        framework: worker ? null : framework,
        packageManager: 'mix',
        lockfile,
        start: [`bin/${app}`, 'start'],
        build: framework === 'phoenix' && !worker ? 'mix assets.deploy && mix release' : 'mix release',
        entry: app,
        outputDir: null,
        worker,
        healthPath: worker ? null : '/healthz',
      }));
    }
    case 'static':
      return fc.integer({ min: 0, max: 2 }).map((k): Shape => {
        switch (k) {
          case 0: return { framework: null, packageManager: null, lockfile: null, start: [], build: null, entry: null, outputDir: 'public', healthPath: '/' };
          case 1: return { framework: 'nginx', packageManager: null, lockfile: null, start: [], build: null, entry: 'nginx.conf', outputDir: '.', files: { 'nginx.conf': 'server { listen 8080; }\n' } };
          default: return { framework: 'nginx', packageManager: null, lockfile: null, start: [], build: null, entry: 'conf.d/default.conf', outputDir: null, files: { 'conf.d/default.conf': 'server { listen 8080; }\n' } };
        }
      });
  }
}

/** Env values that stress every output format while staying valid model data. */
const TRICKY_VALUES = [
  'info', 'true', 'yes', 'no', 'null', '~', '1.10', '010', '0x1F', '1e3', '2024-01-01', '12:30', '', ' ', 'a: b', '- item', '# not a comment', '{a}', '[1, 2]',
  '"quoted"', "it's", 'back\\slash', 'tab\there', 'two\nlines', '$HOME', '${HOME}', '$$', '$(id)', '`id`', '{{ .Values.x }}', '${{ secrets.X }}', '<%= x %>',
  '%s %d', 'a=b=c', 'semi;colon', 'pipe|amp&', 'üñíçødé ✓', '日本語', '\u202Eevil', 'http://example.com/?a=1&b=2', 'C:\\path', '--flag', '*', '!important',
];

const ENV_NAMES = ['LOG_LEVEL', 'FEATURE_FLAGS', 'API_URL', 'GREETING', 'APP_MODE', 'HOST', 'USER', 'LANG', 'TIMEOUT_MS', 'CACHE_KEY_PREFIX', 'PUBLIC_URL', 'NODE_OPTIONS', 'TZ', 'DEBUG', 'MOTD', 'ConnectionStrings__Default', 'SPRING_PROFILES_ACTIVE'];
const SECRET_NAMES = ['JWT_SECRET', 'SESSION_SECRET', 'STRIPE_API_KEY', 'DB_PASSWORD', 'DB_PWD', 'GITHUB_TOKEN', 'PASSPHRASE', 'SLACK_WEBHOOK', 'SENTRY_DSN', 'CONN_STR', 'BASIC_AUTH', 'PRIVATE_KEY'];

/** URLs and addresses that tie a variable to a backing kind (the wiring rewrites them). */
function backingValues(kind: BackingKind, name: string): { env: string; value: string | null }[] {
  const local = 'localhost';
  switch (kind) {
    case 'postgres': return [{ env: 'DATABASE_URL', value: null }, { env: 'DATABASE_URL', value: `postgresql://${local}:5432/app` }, { env: 'PGHOST', value: null }, { env: 'DB_HOST', value: local }, { env: 'DB_PASSWORD', value: null }, { env: 'POSTGRES_URL', value: `postgres://${name}:5432/shop?sslmode=disable` }];
    case 'mysql': case 'mariadb': return [{ env: 'MYSQL_URL', value: `mysql://${local}:3306/orders` }, { env: 'MYSQL_HOST', value: null }, { env: 'MYSQL_PASSWORD', value: null }];
    case 'mongodb': return [{ env: 'MONGO_URL', value: `mongodb://${local}:27017/app` }, { env: 'MONGODB_URI', value: null }];
    case 'redis': return [{ env: 'REDIS_URL', value: `redis://${local}:6379/0` }, { env: 'REDIS_ADDR', value: `${name}:6379` }, { env: 'REDIS_HOST', value: null }];
    case 'rabbitmq': return [{ env: 'AMQP_URL', value: `amqp://${local}:5672` }, { env: 'RABBITMQ_PASSWORD', value: null }];
    case 'kafka': return [{ env: 'KAFKA_BROKERS', value: `${local}:9092` }];
    case 'memcached': return [{ env: 'MEMCACHED_SERVERS', value: `${name}:11211` }];
    case 'elasticsearch': return [{ env: 'ELASTICSEARCH_URL', value: `http://${local}:9200` }];
    case 'nats': return [{ env: 'NATS_URL', value: `nats://${local}:4222` }];
  }
}

interface ServiceDraft {
  name: string;
  language: Language;
  svc: ServiceModel;
  files: Record<string, string>;
}

const languageArb = pick(LANGUAGES);

/** One service (its dependsOn filled later). */
function serviceArb(name: string, path: string): fc.Arbitrary<ServiceDraft> {
  return languageArb.chain((language) =>
    fc
      .record({
        version: pick(VERSIONS[language]),
        port: fc.oneof(fc.integer({ min: 1024, max: 65535 }), pick([3000, 8000, 8080, 80, 443, 5000])),
        public: fc.boolean(),
        healthy: fc.boolean(),
        ownDockerfile: fc.integer({ min: 0, max: 11 }).map((n) => n === 0),
        bin: fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/),
        workspace: fc.boolean(),
        extraHealth: fc.option(pick(['/', '/health', "/health/it's$ok", '/a%20b', '/status;full=1', '/x(y)', '/~user/@me']), { nil: undefined }),
        // Prometheus metrics: none, on the service's port, or on a port of their own.
        metrics: fc.integer({ min: 0, max: 3 }),
        metricsPath: pick(['/metrics', '/actuator/prometheus', '/q/metrics', '/x(y)/metrics']),
      })
      .chain((o) =>
        shapes(language, o.port, o.bin).map((shape): ServiceDraft => {
          const worker = shape.worker === true;
          const port = worker ? null : o.port;
          const files: Record<string, string> = Object.fromEntries(Object.entries(shape.files ?? {}).map(([k, v]) => [path === '.' ? k : `${path}/${k}`, v]));
          let dockerfile: string | null = null;
          if (o.ownDockerfile) {
            dockerfile = path === '.' ? 'Dockerfile' : `${path}/Dockerfile`;
            files[dockerfile] = 'FROM scratch\n';
          }
          const healthPath = port === null || !o.healthy ? null : (o.extraHealth ?? shape.healthPath ?? '/health');
          // A member of an npm, yarn or pnpm workspace: its lockfile is at the repository root (built from there).
          const member = language === 'node' && o.workspace && path.startsWith('services/') && ['npm', 'yarn', 'pnpm'].includes(shape.packageManager ?? '');
          const lockfile = member ? `../../${{ npm: 'package-lock.json', yarn: 'yarn.lock', pnpm: 'pnpm-lock.yaml' }[shape.packageManager as 'npm']}` : shape.lockfile;
          return {
            name,
            language,
            files,
            svc: {
              path,
              language,
              languageVersion: o.version,
              framework: shape.framework,
              packageManager: shape.packageManager,
              lockfile,
              port,
              start: shape.start,
              build: shape.build,
              healthPath,
              public: port !== null && o.public,
              env: {},
              dependsOn: [],
              entry: shape.entry,
              outputDir: shape.outputDir,
              dockerfile,
              ...(o.metrics === 1 && port !== null ? { metricsPath: o.metricsPath } : {}),
              ...(o.metrics === 2 ? { metricsPath: o.metricsPath, metricsPort: port === 9100 ? 9101 : 9100 } : {}),
            },
          };
        }),
      ),
  );
}

/** A random env for one service: plain values (tricky ones included), secrets, and variables about its backing services. */
function envArb(deps: { name: string; kind: BackingKind }[], services: string[]): fc.Arbitrary<Record<string, EnvVar>> {
  const plain = fc.tuple(fc.oneof(pick(ENV_NAMES), fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/)), fc.oneof(pick(TRICKY_VALUES), fc.constant(null), fc.string({ maxLength: 30 }).filter((s) => !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.test(s))));
  const secret = fc.tuple(pick(SECRET_NAMES), fc.constant(null));
  const calls = services.length ? fc.tuple(fc.constantFrom(...services).map((s) => `${s.toUpperCase().replace(/-/g, '_')}_URL`), fc.constantFrom(...services).map((s) => `http://${s}:8080`)) : fc.constant(null);
  const backing = deps.length ? fc.constantFrom(...deps.flatMap((d) => backingValues(d.kind, d.name))).map((b) => [b.env, b.value] as [string, string | null]) : fc.constant(null);
  return fc.tuple(fc.array(plain, { maxLength: 6 }), fc.array(secret, { maxLength: 2 }), fc.array(calls, { maxLength: 1 }), fc.array(backing, { maxLength: 4 })).map(([p, s, c, b]) => {
    const env: Record<string, EnvVar> = {};
    // A name or value that looks like a secret, given as plain: the user insists (--not-secret).
    for (const [k, v] of p) if (k !== 'PORT') env[k] = { value: v, secret: false, ...(v !== null && secretReason(k, { value: v, secret: false }) ? { notSecret: true } : {}) };
    for (const [k] of s) env[k] = { value: null, secret: true };
    for (const x of c) if (x) env[x[0]] = { value: x[1], secret: false };
    for (const x of b) if (x) env[x[0]] = { value: x[1], secret: /PASSWORD/.test(x[0]) };
    return env;
  });
}

/** A random valid stack model of 1 to `maxServices` services and up to 10 backing services. */
export function stackArb(maxServices = 12): fc.Arbitrary<Generated> {
  return fc
    .record({
      name: dnsLabel(14),
      registry: pick(['ghcr.io/acme', 'localhost', 'registry.example.com:5000/team', 'docker.io/library']),
      serviceNames: fc.uniqueArray(dnsLabel(12), { minLength: 1, maxLength: maxServices }),
      backing: fc.uniqueArray(fc.tuple(dnsLabel(10), pick(BACKING_KINDS)), { maxLength: 10, selector: ([n]) => n }),
      // Where each backing service runs in production (index-aligned with backing; absent: the default).
      placements: fc.array(fc.option(pick(['cluster', 'external-name', 'external-ip', 'ambassador'] as const), { nil: undefined }), { maxLength: 10 }),
      rootService: fc.boolean(),
      nested: fc.boolean(),
      // Other processes of a service's folder (imageFrom): [owner index, a release command?].
      processes: fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 3 }),
      // How public traffic gets in (delivery.ingress and its companions), or the defaults.
      ingress: fc.option(fc.record({ ingress: pick(INGRESS_KINDS), routing: pick(ROUTINGS), sticky: fc.boolean(), tls: pick(TLS_MODES) }), { nil: undefined }),
      // Production in several clusters, some with a StorageClass, an IngressClass and a domain of their own.
      clusters: fc.option(fc.uniqueArray(fc.tuple(dnsLabel(8), fc.boolean()), { minLength: 1, maxLength: 3, selector: ([n]) => n }), { nil: undefined }),
    })
    .chain((o) => {
      const backingNames = o.backing.map(([n]) => n).filter((n) => !o.serviceNames.includes(n));
      const backing = o.backing.filter(([n]) => backingNames.includes(n));
      const paths = o.serviceNames.map((n, i) => (i === 0 && o.rootService ? '.' : o.nested ? `services/${n}` : n));
      return fc
        .tuple(
          fc.tuple(...o.serviceNames.map((n, i) => serviceArb(n, paths[i]!))),
          fc.tuple(...backing.map(([, kind]) => pick(BACKING_VERSIONS[kind]))),
          fc.array(fc.boolean(), { minLength: o.serviceNames.length * (o.serviceNames.length + backing.length), maxLength: o.serviceNames.length * (o.serviceNames.length + backing.length) }),
        )
        .chain(([drafts, versions, edges]) => {
          const all = [...o.serviceNames, ...backing.map(([n]) => n)];
          // dependsOn: any other service (workers too, cycles too) or backing service.
          drafts.forEach((d, i) => {
            d.svc.dependsOn = all.filter((t, j) => t !== d.name && edges[i * all.length + j] && (j >= o.serviceNames.length || j > i || edges[(j * all.length + i + 7) % edges.length])).sort();
          });
          const envs = drafts.map((d, i) =>
            envArb(
              backing.filter(([n]) => d.svc.dependsOn.includes(n)).map(([n, kind]) => ({ name: n, kind })),
              o.serviceNames.filter((s, j) => j !== i && d.svc.dependsOn.includes(s)),
            ),
          );
          return fc.tuple(...envs).map((env): Generated => {
            drafts.forEach((d, i) => (d.svc.env = env[i]!));
            // Public services must not share a host port.
            const published = new Set<number>();
            for (const d of drafts) {
              if (!d.svc.public || d.svc.port === null) continue;
              if (published.has(d.svc.port)) d.svc.public = false;
              else published.add(d.svc.port);
            }
            const tree: Record<string, string> = {};
            for (const d of drafts) {
              tree[d.svc.path === '.' ? '.keep' : `${d.svc.path}/.keep`] = '';
              Object.assign(tree, d.files);
            }
            // Processes run their owner's image with their own command: a worker, or a release command (once).
            const taken = new Set([...o.serviceNames, ...backing.map(([n]) => n)]);
            const owners = drafts.filter((d) => d.svc.language !== 'static' && !d.svc.outputDir && d.svc.start.length > 0);
            const processes: [string, StackModel['services'][string]][] = [];
            o.processes.forEach(([at, release], k) => {
              const owner = owners[at % Math.max(owners.length, 1)];
              const name = owner ? `${owner.name}-p${k}`.slice(0, 63).replace(/-+$/, '') : '';
              if (!owner || taken.has(name)) return;
              taken.add(name);
              // Metrics are served on a port: a process has none unless given one (not generated here).
              const { metricsPath: _path, metricsPort: _port, ...image } = owner.svc;
              processes.push([
                name,
                {
                  ...image,
                  env: { ...owner.svc.env },
                  dependsOn: [...owner.svc.dependsOn],
                  port: null,
                  healthPath: null,
                  public: false,
                  start: release ? ['migrate', 'up'] : ['run-worker', '--queue', 'default'],
                  imageFrom: owner.name,
                  ...(release ? { release: true } : {}),
                },
              ]);
            });
            const model: StackModel = {
              schemaVersion: SCHEMA_VERSION,
              name: o.name,
              registry: o.registry,
              services: Object.fromEntries([...drafts.map((d) => [d.name, d.svc] as [string, StackModel['services'][string]]), ...processes]),
              backing: Object.fromEntries(
                backing.map(([n, kind], i) => {
                  const where = o.placements[i];
                  return [
                    n,
                    {
                      kind,
                      version: versions[i] ?? DEFAULT_VERSIONS[kind],
                      ...(where ? { production: where } : {}),
                      ...(where === 'external-ip' ? { externalIp: `10.0.${i}.5` } : {}),
                      // TLS from the ambassador where the kind's protocol can be wrapped from the first byte.
                      ...(where === 'ambassador' && CATALOG[kind].tlsPort !== null ? { ambassadorTls: i % 2 === 0 } : {}),
                    },
                  ];
                }),
              ),
              ...(o.ingress ? { delivery: o.ingress } : {}),
              ...(o.clusters ? { clusters: Object.fromEntries(o.clusters.map(([n, own]) => [n, own ? { region: `${n}-1`, storageClass: 'fast', ingressClass: `nginx-${n}`, domain: `${n}.${o.name}.example.com` } : {}])) } : {}),
            };
            return { model, tree };
          });
        });
    });
}

/**
 * Hostile strings: each aims at one output syntax (a Dockerfile instruction, YAML, a shell
 * command, a Makefile recipe, dotenv, a comment, a Helm or Actions expression, an EJS tag,
 * a path outside the repository) with a marker the inertness checks look for.
 */
export const HOSTILE: string[] = [
  'x\nUSER 0:0',
  'x\r\nUSER 0:0',
  'x\n\nRUN echo pwned',
  'x\\\nUSER 0:0',
  'x\ninjected: true',
  'x\n  injected: true',
  'x: injected',
  'x\ninjected:\n\techo pwned',
  'x\nINJECTED=1',
  'x\n!injected',
  "x'; echo pwned; '",
  'x"; echo pwned; "',
  '$(echo pwned)',
  '`echo pwned`',
  '${INJECTED}',
  '$$(echo pwned)',
  '{{ fail "injected" }}',
  '${{ secrets.INJECTED }}',
  '<%= "injected" %>',
  '<%- "injected" %>',
  '# injected',
  '-injected',
  '../../../etc/passwd',
  '/etc/passwd',
  '..',
  '.',
  'C:\\injected',
  'x\u0000y',
  'x\u0085USER 0:0',
  'x\u2028USER 0:0',
  'x\u2029injected: true',
  'x\u000bUSER 0:0',
  'x\u001b[31mred',
  '\u202Einjected',
  'a'.repeat(5000),
  '',
  ' ',
  'x y',
  '*',
  'x,injected=1',
  'x;injected',
  'x&&echo pwned',
  'x|echo pwned',
  'x>injected',
  'cat <<EOF',
  'x #injected',
  'yes',
  'null',
  '~',
];

/** The markers a hostile string leaves if it ever becomes syntax. */
export const INJECTION_MARKERS = {
  dockerfileInstruction: /^(?:USER 0:0|RUN echo pwned)\b/,
  yamlKey: 'injected',
  dotenvLine: /^INJECTED=/,
  ignoreLine: /^!injected$/,
  makeTarget: /^injected:/,
};
