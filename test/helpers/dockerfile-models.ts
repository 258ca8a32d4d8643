/**
 * Stack models for the Dockerfile tests: one service per language / package
 * manager / framework shape the dockerfile stage supports, with the values
 * the detectors produce for such a service (see the conventions at the top of
 * lib/languages/<lang>/detect.ts), plus the taskboard example's model.
 */
import { SCHEMA_VERSION, type ServiceModel, type StackModel } from '../../lib/model/types.js';
import { service as baseService } from './models.js';

/** A service as the Dockerfile tests start from (port 8080, no start command); `overrides` set the rest. */
export function service(overrides: Partial<ServiceModel> & Pick<ServiceModel, 'language' | 'languageVersion'>): ServiceModel {
  return baseService({ path: 'svc', port: 8080, start: [], ...overrides });
}

export function stack(services: Record<string, ServiceModel>, name = 'shop'): StackModel {
  return { schemaVersion: SCHEMA_VERSION, name, registry: 'ghcr.io/acme', services, backing: {} };
}

export interface Case {
  /** Test title and service name. */
  id: string;
  svc: ServiceModel;
  /** The dependency install the Dockerfile must run before the source (a regexp on RUN lines). */
  install: RegExp | null;
}

const node = (o: Partial<ServiceModel>): ServiceModel =>
  service({ language: 'node', languageVersion: '22', packageManager: 'npm', lockfile: 'package-lock.json', port: 3000, ...o });
const python = (o: Partial<ServiceModel>): ServiceModel =>
  service({ language: 'python', languageVersion: '3.12', port: 8000, ...o });

/** Every language and package manager the issue lists, and the shapes that change the Dockerfile. */
export const MATRIX: Case[] = [
  // ---- node
  {
    id: 'node-npm-express',
    svc: node({ framework: 'express', start: ['node', 'server.js'], entry: 'server.js', healthPath: '/healthz' }),
    install: /npm ci/,
  },
  {
    id: 'node-npm-nolock',
    svc: node({ lockfile: null, start: ['node', 'index.js'], entry: 'index.js', port: null }),
    install: /npm install/,
  },
  {
    id: 'node-yarn-fastify',
    svc: node({ framework: 'fastify', packageManager: 'yarn', lockfile: 'yarn.lock', start: ['node', 'app.js'], entry: 'app.js' }),
    install: /yarn install --frozen-lockfile/,
  },
  {
    id: 'node-pnpm-typescript',
    svc: node({
      framework: 'express',
      packageManager: 'pnpm',
      lockfile: 'pnpm-lock.yaml',
      start: ['node', 'dist/server.js'],
      build: 'pnpm run build',
      entry: 'dist/server.js',
      healthPath: '/health',
    }),
    install: /pnpm install --frozen-lockfile/,
  },
  {
    id: 'node-npm-typescript-tsc',
    svc: node({ start: ['node', 'dist/index.js'], build: 'npx tsc', entry: 'dist/index.js', port: null }),
    install: /npm ci/,
  },
  {
    id: 'node-npm-next',
    svc: node({ framework: 'next', start: ['node_modules/.bin/next', 'start'], build: 'npm run build', healthPath: '/api/health' }),
    install: /npm ci/,
  },
  {
    id: 'node-npm-next-standalone',
    svc: node({ framework: 'next', start: ['node', '.next/standalone/server.js'], entry: '.next/standalone/server.js', build: 'npm run build' }),
    install: /npm ci/,
  },
  {
    id: 'node-npm-nest',
    svc: node({ framework: 'nest', start: ['node', 'dist/main.js'], entry: 'dist/main.js', build: 'npm run build' }),
    install: /npm ci/,
  },
  {
    id: 'node-npm-vite-static',
    svc: node({ framework: 'vite', start: [], build: 'npm run build', outputDir: 'dist', entry: 'index.html', port: 8080 }),
    install: /npm ci/,
  },
  {
    id: 'node-yarn-cra-static',
    svc: node({ framework: 'cra', packageManager: 'yarn', lockfile: 'yarn.lock', start: [], build: 'yarn run build', outputDir: 'build', entry: 'src/index.js', port: 8080, healthPath: '/' }),
    install: /yarn install/,
  },
  {
    id: 'node-pnpm-workspace-member',
    svc: node({ packageManager: 'pnpm', lockfile: '../../pnpm-lock.yaml', start: ['node', 'src/index.js'], entry: 'src/index.js' }),
    install: /pnpm install/,
  },
  // Workspace members (lockfile at the workspace root): built from the root, see buildContext.
  {
    id: 'node-npm-workspace-express',
    svc: node({ path: 'apps/api', framework: 'express', packageManager: 'npm', lockfile: '../../package-lock.json', start: ['node', 'server.js'], entry: 'server.js', port: 3000, healthPath: '/healthz' }),
    install: /npm ci --workspace apps\/api --include-workspace-root/,
  },
  {
    id: 'node-pnpm-workspace-ts',
    svc: node({ path: 'services/worker', packageManager: 'pnpm', lockfile: '../../pnpm-lock.yaml', build: 'pnpm run build', start: ['node', 'dist/index.js'], entry: 'src/index.ts', port: null }),
    install: /pnpm install --frozen-lockfile --filter '\{services\/worker\}\.\.\.'/,
  },
  {
    id: 'node-yarn-workspace-next',
    svc: node({ path: 'apps/web', framework: 'next', packageManager: 'yarn', lockfile: '../../yarn.lock', build: 'yarn run build', start: ['node_modules/.bin/next', 'start'], entry: null, port: 3000, healthPath: '/' }),
    install: /yarn workspaces focus/,
  },
  {
    id: 'node-npm-workspace-vite-static',
    svc: node({ path: 'apps/site', framework: 'vite', packageManager: 'npm', lockfile: '../../package-lock.json', start: [], build: 'npm run build', outputDir: 'dist', entry: 'index.html', port: 8080 }),
    install: /npm ci --workspace apps\/site/,
  },
  // ---- python
  {
    id: 'python-pip-flask-gunicorn',
    svc: python({
      framework: 'flask',
      packageManager: 'pip',
      lockfile: 'requirements.txt',
      start: ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'],
      entry: 'app:app',
      healthPath: '/health',
    }),
    install: /pip --python \/opt\/venv\/bin\/python install -r requirements\.txt/,
  },
  {
    id: 'python-pip-requirements-dir',
    svc: python({ framework: 'django', packageManager: 'pip', lockfile: 'requirements/prod.txt', start: ['gunicorn', '--bind', '0.0.0.0:8000', 'mysite.wsgi:application'], entry: 'mysite.wsgi:application' }),
    install: /install -r requirements\/prod\.txt/,
  },
  {
    id: 'python-pip-pyproject',
    svc: python({ languageVersion: '3.10', framework: 'flask', packageManager: 'pip', start: ['flask', '--app', 'app', 'run', '--host', '0.0.0.0', '--port', '5000'], entry: 'app', port: 5000 }),
    install: /install -r \/tmp\/requirements\.txt/,
  },
  {
    id: 'python-poetry-fastapi-uvicorn',
    svc: python({
      framework: 'fastapi',
      packageManager: 'poetry',
      lockfile: 'poetry.lock',
      start: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000'],
      entry: 'app.main:app',
      healthPath: '/healthz',
    }),
    install: /poetry install --only main/,
  },
  {
    id: 'python-uv-fastapi',
    svc: python({ framework: 'fastapi', packageManager: 'uv', lockfile: 'uv.lock', start: ['uvicorn', 'main:app', '--host', '0.0.0.0', '--port', '8000'], entry: 'main:app' }),
    install: /uv sync --frozen --no-dev --no-install-project/,
  },
  // Installable projects: the detector's `build` installs the project itself after the source.
  {
    id: 'python-uv-src-layout',
    svc: python({
      framework: 'fastapi',
      packageManager: 'uv',
      lockfile: 'uv.lock',
      start: ['uvicorn', 'shop.api:app', '--host', '0.0.0.0', '--port', '8000'],
      entry: 'shop.api:app',
      build: 'uv sync --frozen --no-dev --no-editable',
      healthPath: '/healthz',
    }),
    install: /uv sync --frozen --no-dev --no-install-project/,
  },
  {
    id: 'python-poetry-scripts',
    svc: python({ packageManager: 'poetry', lockfile: 'poetry.lock', start: ['shop-worker'], entry: null, build: 'poetry install --only-root', port: null }),
    install: /poetry install --only main --no-root/,
  },
  {
    id: 'python-pip-pyproject-console-script',
    svc: python({ packageManager: 'pip', start: ['shop-serve', '--port', '8000'], entry: 'shop.server', build: 'pip install --no-deps .', healthPath: '/health' }),
    install: /install -r \/tmp\/requirements\.txt/,
  },
  {
    id: 'python-pipenv-django',
    svc: python({ framework: 'django', packageManager: 'pipenv', lockfile: 'Pipfile.lock', start: ['python', 'manage.py', 'runserver', '0.0.0.0:8000', '--noreload'], entry: 'mysite.wsgi:application' }),
    install: /install -r \/tmp\/requirements\.txt/,
  },
  {
    id: 'python-celery-worker',
    svc: python({ framework: 'celery', packageManager: 'pip', lockfile: 'requirements.txt', start: ['celery', '-A', 'tasks', 'worker', '--loglevel=INFO'], entry: 'tasks', port: null }),
    install: /install -r requirements\.txt/,
  },
  {
    id: 'python-stdlib-script',
    svc: python({ languageVersion: '3.11', start: ['python', 'app.py'], entry: 'app.py', healthPath: '/health' }),
    install: null,
  },
  // ---- go
  {
    id: 'go-stdlib-http',
    svc: service({ language: 'go', languageVersion: '1.22', packageManager: 'go', start: ['./stats'], build: 'go build -o /out/stats .', entry: '.', healthPath: '/healthz' }),
    install: /go mod download/,
  },
  {
    id: 'go-gin-cmd-layout',
    svc: service({ language: 'go', languageVersion: '1.23', framework: 'gin', packageManager: 'go', lockfile: 'go.sum', start: ['./api'], build: 'go build -o /out/api ./cmd/api', entry: './cmd/api' }),
    install: /go mod download/,
  },
  {
    // cgo (go-sqlite3): built with CGO_ENABLED=1, runs on slim Debian with glibc.
    id: 'go-cgo-sqlite',
    svc: service({ language: 'go', languageVersion: '1.23', packageManager: 'go', lockfile: 'go.sum', start: ['./store'], build: 'go build -o /out/store .', entry: '.', healthPath: '/health', linking: 'dynamic' }),
    install: /go mod download/,
  },
  {
    id: 'go-worker',
    svc: service({ language: 'go', languageVersion: '1.23', packageManager: 'go', lockfile: 'go.sum', start: ['./worker'], build: 'go build -o /out/worker .', entry: '.', port: null }),
    install: /go mod download/,
  },
  // ---- java
  {
    id: 'java-maven-spring-boot',
    svc: service({
      language: 'java',
      languageVersion: '21',
      framework: 'spring-boot',
      packageManager: 'maven',
      start: ['java', '-jar', '/app/app.jar'],
      build: 'mvn -B package -DskipTests',
      entry: 'target/orders-1.0.0.jar',
      healthPath: '/actuator/health',
    }),
    install: /mvn -B -q dependency:go-offline/,
  },
  {
    id: 'java-maven-wrapper-quarkus',
    svc: service({
      language: 'java',
      languageVersion: '17',
      framework: 'quarkus',
      packageManager: 'maven',
      start: ['java', '-jar', '/app/app.jar'],
      build: './mvnw -B package -DskipTests -Dquarkus.package.jar.type=uber-jar',
      entry: 'target/*-runner.jar',
    }),
    install: /\.\/mvnw -B -q dependency:go-offline/,
  },
  {
    id: 'java-gradle-spring-boot',
    svc: service({
      language: 'java',
      languageVersion: '21',
      framework: 'spring-boot',
      packageManager: 'gradle',
      start: ['java', '-jar', '/app/app.jar'],
      build: './gradlew bootJar --no-daemon',
      entry: 'build/libs/*.jar',
      healthPath: '/actuator/health',
    }),
    install: /\.\/gradlew dependencies/,
  },
  {
    id: 'java-gradle-plain',
    svc: service({ language: 'java', languageVersion: '17', packageManager: 'gradle', start: ['java', '-jar', '/app/app.jar'], build: 'gradle build -x test --no-daemon', entry: 'build/libs/*.jar', port: null }),
    install: /gradle dependencies/,
  },
  // ---- ruby
  {
    id: 'ruby-rails-puma',
    svc: service({
      language: 'ruby',
      languageVersion: '3.3',
      framework: 'rails',
      packageManager: 'bundler',
      lockfile: 'Gemfile.lock',
      start: ['bundle', 'exec', 'puma', '-C', 'config/puma.rb'],
      build: 'SECRET_KEY_BASE_DUMMY=1 bundle exec rails assets:precompile',
      port: 3000,
      healthPath: '/up',
    }),
    install: /bundle install/,
  },
  {
    id: 'ruby-sinatra',
    svc: service({ language: 'ruby', languageVersion: '3.2.2', framework: 'sinatra', packageManager: 'bundler', lockfile: 'Gemfile.lock', start: ['bundle', 'exec', 'ruby', 'app.rb', '-o', '0.0.0.0', '-p', '4567'], port: 4567 }),
    install: /bundle install/,
  },
  {
    id: 'ruby-sidekiq-worker',
    svc: service({ language: 'ruby', languageVersion: '3.3', packageManager: 'bundler', lockfile: 'Gemfile.lock', start: ['bundle', 'exec', 'sidekiq'], port: null }),
    install: /bundle install/,
  },
  // ---- php
  {
    id: 'php-laravel-apache',
    svc: service({
      language: 'php',
      languageVersion: '8.3',
      framework: 'laravel',
      packageManager: 'composer',
      lockfile: 'composer.lock',
      start: ['apache2-foreground'],
      entry: 'public/index.php',
      outputDir: 'public',
      healthPath: '/up',
    }),
    install: /composer install --no-dev/,
  },
  {
    id: 'php-plain-apache',
    svc: service({ language: 'php', languageVersion: '8.2', packageManager: 'composer', start: ['apache2-foreground'], entry: 'index.php', outputDir: '.' }),
    install: /composer install/,
  },
  {
    id: 'php-worker',
    svc: service({ language: 'php', languageVersion: '8.3', packageManager: 'composer', lockfile: 'composer.lock', start: ['php', 'worker.php'], entry: 'worker.php', port: null }),
    install: /composer install/,
  },
  // ---- dotnet
  {
    id: 'dotnet-aspnetcore',
    svc: service({
      language: 'dotnet',
      languageVersion: '8.0',
      framework: 'aspnetcore',
      packageManager: 'dotnet',
      lockfile: 'packages.lock.json',
      start: ['dotnet', 'Api.dll'],
      build: 'dotnet publish Api.csproj -c Release -o /app/publish',
      entry: 'Api.csproj',
      healthPath: '/healthz',
    }),
    install: /dotnet restore Api\.csproj --locked-mode/,
  },
  {
    id: 'dotnet-worker',
    svc: service({ language: 'dotnet', languageVersion: '9.0', framework: 'worker', packageManager: 'dotnet', start: ['dotnet', 'Worker.dll'], build: 'dotnet publish Worker.csproj -c Release -o /app/publish', entry: 'Worker.csproj', port: null }),
    install: /dotnet restore/,
  },
  // ---- rust
  {
    id: 'rust-axum',
    svc: service({
      language: 'rust',
      languageVersion: '1.83',
      framework: 'axum',
      packageManager: 'cargo',
      lockfile: 'Cargo.lock',
      start: ['./server'],
      build: 'cargo build --release --locked',
      entry: 'server',
      port: 3000,
      healthPath: '/health',
    }),
    install: /cargo fetch --locked/,
  },
  {
    id: 'rust-worker-multi-bin',
    svc: service({ language: 'rust', languageVersion: '1.85', packageManager: 'cargo', lockfile: 'Cargo.lock', start: ['./worker'], build: 'cargo build --release --locked --bin worker', entry: 'worker', port: null }),
    install: /cargo fetch/,
  },
  // ---- elixir
  {
    id: 'elixir-mix-gentcp',
    svc: service({ language: 'elixir', languageVersion: '1.14', packageManager: 'mix', start: ['bin/hello', 'start'], build: 'mix release', entry: 'hello', port: 4000, healthPath: '/healthz' }),
    install: /mix deps\.get --only prod/,
  },
  {
    id: 'elixir-phoenix',
    svc: service({
      language: 'elixir',
      languageVersion: '1.17',
      framework: 'phoenix',
      packageManager: 'mix',
      lockfile: 'mix.lock',
      start: ['bin/shop', 'start'],
      build: 'mix assets.deploy && mix release',
      entry: 'shop',
      port: 4000,
      healthPath: '/healthz',
    }),
    install: /mix deps\.get --only prod/,
  },
  {
    id: 'elixir-worker',
    svc: service({ language: 'elixir', languageVersion: '1.17', packageManager: 'mix', lockfile: 'mix.lock', start: ['bin/jobs', 'start'], build: 'mix release', entry: 'jobs', port: null }),
    install: /mix deps\.get/,
  },
  // ---- static sites and nginx configs
  {
    id: 'static-site',
    svc: service({ language: 'static', languageVersion: '1.27', outputDir: 'public', port: 8080, healthPath: '/' }),
    install: null,
  },
  {
    id: 'static-nginx-config',
    svc: service({ language: 'static', languageVersion: '1.25', framework: 'nginx', entry: 'nginx.conf', outputDir: '.', port: 8081 }),
    install: null,
  },
  {
    id: 'static-nginx-proxy',
    svc: service({ language: 'static', languageVersion: '1.27', framework: 'nginx', entry: 'conf.d/default.conf', outputDir: null, port: 8080 }),
    install: null,
  },
];

/** The model `containerize --yes` stores for examples/taskboard (checked against detection by the e2e test). */
export function taskboardModel(): StackModel {
  return {
    schemaVersion: SCHEMA_VERSION,
    name: 'taskboard',
    registry: 'localhost',
    services: {
      api: service({
        path: 'api',
        language: 'python',
        languageVersion: '3.11',
        packageManager: 'pip',
        lockfile: 'requirements.txt',
        port: 8000,
        start: ['python', 'app.py'],
        healthPath: '/health',
        env: { REDIS_URL: { value: 'redis://redis:6379/0', secret: false } },
        dependsOn: ['redis'],
        entry: 'app.py',
      }),
      stats: service({
        path: 'stats',
        language: 'go',
        languageVersion: '1.22',
        packageManager: 'go',
        port: 8080,
        start: ['./stats'],
        build: 'go build -o /out/stats .',
        healthPath: '/healthz',
        env: { REDIS_ADDR: { value: 'redis:6379', secret: false } },
        dependsOn: ['redis'],
        entry: '.',
      }),
      web: service({
        path: 'web',
        language: 'node',
        languageVersion: '22',
        framework: 'express',
        packageManager: 'npm',
        lockfile: 'package-lock.json',
        port: 3000,
        start: ['node', 'server.js'],
        healthPath: '/healthz',
        public: true,
        env: { API_URL: { value: 'http://api:8000', secret: false }, STATS_URL: { value: 'http://stats:8080', secret: false } },
        dependsOn: ['api', 'stats'],
        entry: 'server.js',
      }),
      worker: service({
        path: 'worker',
        language: 'go',
        languageVersion: '1.22',
        packageManager: 'go',
        port: null,
        start: ['./worker'],
        build: 'go build -o /out/worker .',
        env: { REDIS_ADDR: { value: 'redis:6379', secret: false } },
        dependsOn: ['redis'],
        entry: '.',
      }),
    },
    backing: { redis: { kind: 'redis', version: '7' } },
  };
}
