/**
 * Failure classes seen when detection was measured on real public repositories
 * (issue 12; the measurement is scripts/measure/detection.mjs, its table in
 * docs/detection.md). Each fixture under test/fixtures/shapes/ was written for this
 * project to reproduce one pattern; none is code from those repositories.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectStack, toModel } from '../../lib/detect/index.js';
import { checkModel } from '../../lib/model/validate.js';
import { files as dockerfileFiles } from '../../generators/dockerfile/files.js';
import { planStack } from '../../lib/render/compose-plan.js';
import type { Detection } from '../../lib/detect/types.js';
import { writeTree } from '../helpers/tree.js';

const SHAPES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'shapes');
const cache = new Map<string, Detection>();
const detect = (name: string): Detection => {
  if (!cache.has(name)) cache.set(name, detectStack(join(SHAPES, name)));
  return cache.get(name)!;
};
/** service name -> path */
const servicePaths = (d: Detection) => Object.fromEntries(Object.entries(d.services).map(([n, s]) => [n, s.path]));

describe('detection on real-repository shapes', () => {
  describe('monorepo discovery', () => {
    it('a workspace glob reaching into source folders (packages/**) makes services of packages only, not of their src/ folders', () => {
      assert.deepEqual(servicePaths(detect('workspace-deep-glob')), { api: 'packages/api' });
      assert.deepEqual(detect('workspace-deep-glob').services.api!.start, ['node', 'dist/main.js']);
    });

    it('test, tooling and desktop packages of a workspace are not services; a docs app the workspace runs is', () => {
      assert.deepEqual(servicePaths(detect('workspace-tooling')), { docs: 'apps/docs', web: 'apps/web' });
      assert.equal(detect('workspace-tooling').services.docs!.port, 3004);
    });

    it('workspace members take the Node version of the workspace root when they state none', () => {
      const web = detect('workspace-tooling').services.web!;
      assert.equal(web.languageVersion, '20');
      assert.equal(web.evidence.languageVersion, 'package.json:5');
    });

    it('.NET mobile, desktop and Aspire AppHost projects are not services; a project in src/ is named after its parent folder', () => {
      assert.deepEqual(servicePaths(detect('dotnet-solution-apps')), { api: 'src/Api', cart: 'src/Cart/src' });
    });

    it('a settings sub-package holding a setup.py module (not a packaging script) stays part of its Django project', () => {
      assert.deepEqual(servicePaths(detect('django-settings-helper')), { 'django-settings-helper': '.' });
    });
  });

  describe('entry points', () => {
    it('a Python gRPC server is started as its server script, not its client script, and listens on its PORT default', () => {
      const mail = detect('grpc-shop').services.mailservice!;
      assert.deepEqual(mail.start, ['python', 'mail_server.py']);
      assert.equal(mail.port, 8080);
    });

    it('a Node gRPC server (bindAsync) is a server: the port comes from the Dockerfile it ships', () => {
      const stock = detect('grpc-shop').services.stockservice!;
      assert.equal(stock.port, 7000);
      assert.equal(stock.evidence.port, 'stockservice/Dockerfile:4');
    });

    it('Flask listed "# via locust" in pip-compiled requirements does not make a load generator a Flask app', () => {
      const load = detect('grpc-shop').services.loadgenerator!;
      assert.equal(load.framework, null);
      assert.equal(load.port, null);
      // Nothing in the Python code says how to run locust: the Dockerfile's own command does.
      assert.deepEqual(load.start, ['sh', '-c', 'locust --host="http://${FRONTEND_ADDR}" --headless -u "${USERS:-5}" 2>&1']);
      assert.equal(load.evidence.start, 'loadgenerator/Dockerfile:6');
      assert.deepEqual(load.dependsOn, ['frontend']);
    });

    it('a Flask app that runs itself under __main__ with no WSGI server is started as that file, on the port it names', () => {
      const assistant = detect('grpc-shop').services.assistant!;
      assert.deepEqual(assistant.start, ['python', 'assistant.py']);
      assert.equal(assistant.port, 8080);
    });
  });

  describe('ports set in framework config', () => {
    const svc = (name: string) => detect('framework-ports').services[name]!;

    it('Spring Boot 4 spring-boot-starter-webmvc is a web app; server.port is read from any YAML document without a profile', () => {
      assert.equal(svc('catalog').port, 8082);
      assert.equal(svc('catalog').evidence.port, 'catalog/src/main/resources/application.yaml:6');
    });

    it('ASP.NET Core: launchSettings.json http profile, never an address of another service in appsettings.json', () => {
      assert.equal(svc('identity').port, 5227);
      assert.equal(svc('identity').evidence.port, 'identity/Properties/launchSettings.json:12');
    });

    it('ASP.NET Core: Kestrel endpoints in appsettings.json beat launchSettings.json; ASPNETCORE_URLS in a Dockerfile counts; ListenAnyIP in code counts', () => {
      assert.equal(svc('orders').port, 5005);
      assert.equal(svc('billing').port, 5080);
      assert.equal(detect('dotnet-solution-apps').services.cart!.port, 7070);
    });

    it('Puma: a bind with an interpolated PORT default', () => {
      assert.equal(svc('puma-web').port, 4000);
      assert.equal(svc('puma-web').evidence.port, 'puma-web/config/puma.rb:3');
    });

    it('gunicorn: gunicorn.conf.py binds from PORT with a default: that port is the service\'s, and the start command binds it', () => {
      assert.equal(svc('flask-conf').port, 8001);
      assert.deepEqual(svc('flask-conf').start, ['gunicorn', '--bind', '0.0.0.0:8001', 'app:app']);
    });

    it('gunicorn from a Procfile without a bind serves on its default port, not as a worker', () => {
      assert.equal(svc('django-procfile').port, 8000);
    });

    it('a Rust app reading configuration/base.yaml through the config crate listens on its application.port', () => {
      assert.equal(svc('rust-config').port, 8000);
      assert.equal(svc('rust-config').evidence.port, 'rust-config/configuration/base.yaml:3');
    });
  });

  describe('env read through helpers', () => {
    const svc = (name: string) => detect('env-helpers').services[name]!;

    it('Go: a helper taking the variable name as its second argument, and the *_SERVICE_ADDR edges it carries', () => {
      const frontend = detect('grpc-shop').services.frontend!;
      assert.ok('MAIL_SERVICE_ADDR' in frontend.env && 'STOCK_SERVICE_ADDR' in frontend.env);
      assert.deepEqual(frontend.dependsOn, ['mailservice', 'stockservice']);
    });

    it('Go: viper (AutomaticEnv with a prefix and a key replacer, BindEnv, SetDefault) and envy', () => {
      assert.deepEqual(Object.keys(svc('inventory').env).sort(), ['DATABASE_URL', 'INV_HTTP_PORT', 'INV_PRICING_URL']);
      assert.equal(svc('inventory').env.INV_PRICING_URL!.value, 'http://pricing:8000');
      assert.equal(svc('inventory').port, 8090);
      assert.ok(svc('inventory').dependsOn.includes('pricing'));
      assert.ok('LEDGER_URL' in svc('reports').env);
      assert.equal(svc('reports').port, 8070);
      assert.ok(svc('reports').dependsOn.includes('ledger'));
    });

    it('Node: node-config custom-environment-variables, convict schemas and envalid', () => {
      assert.deepEqual(Object.keys(svc('accounts').env).sort(), ['CACHE_URL', 'SESSION_SECRET']);
      assert.equal(svc('accounts').port, 3000);
      assert.deepEqual(Object.keys(svc('notifier').env).sort(), ['ACCOUNTS_URL', 'BROKER_URL', 'MAIL_FROM', 'SMTP_HOST']);
      assert.equal(svc('notifier').env.BROKER_URL!.value, 'amqp://rabbit:5672');
      assert.equal(svc('notifier').port, 3100);
      assert.ok(svc('notifier').dependsOn.includes('accounts'));
    });

    it('Python: pydantic BaseSettings fields, with the env_prefix and validation aliases', () => {
      const search = svc('search');
      assert.deepEqual(Object.keys(search.env).sort(), ['INVENTORY_URL', 'SEARCH_API_TOKEN', 'SEARCH_INDEX_NAME', 'SEARCH_REDIS_URL']);
      assert.equal(search.env.SEARCH_REDIS_URL!.value, 'redis://cache:6379/0');
      assert.deepEqual(search.env.SEARCH_API_TOKEN, { value: null, secret: true });
      assert.ok(search.dependsOn.includes('cache') && search.dependsOn.includes('inventory'));
    });

    it('.NET: Configuration["A:B"] is A__B, GetConnectionString("X") is ConnectionStrings__X, and an *_URL name carries its edge', () => {
      const pricing = svc('pricing');
      assert.deepEqual(Object.keys(pricing.env).sort(), ['ConnectionStrings__PricingDb', 'LEDGER_URL', 'Pricing__Currency']);
      assert.equal(pricing.env.Pricing__Currency!.value, 'EUR');
      assert.ok(pricing.dependsOn.includes('ledger') && pricing.dependsOn.includes('postgres'));
    });
  });

  describe('versions', () => {
    it("Gemfile.lock's RUBY VERSION beats a Gemfile range", () => {
      const ruby = detect('versions').services['ruby-lock']!;
      assert.equal(ruby.languageVersion, '3.3.4');
      assert.equal(ruby.evidence.languageVersion, 'ruby-lock/Gemfile.lock:19');
    });

    it('go.mod: the go line wins over an older toolchain line (Go runs the newer of the two)', () => {
      assert.equal(detect('versions').services['go-toolchain']!.languageVersion, '1.24');
      assert.equal(detect('grpc-shop').services.frontend!.languageVersion, '1.23');
    });
  });

  describe('what stopped --yes runs on the corpus', () => {
    const tree = (files: Record<string, string>) => {
      const root = mkdtempSync(join(tmpdir(), 'shapes-'));
      writeTree(root, files);
      return detectStack(root);
    };
    const next = (name: string, start: string) => ({
      [`apps/${name}/package.json`]: JSON.stringify({ name, scripts: { start }, dependencies: { next: '15' } }),
      [`apps/${name}/pages/index.js`]: 'export default () => null;\n',
    });

    it('two front ends on one port: only one is public (not the docs app), so the model stays valid', () => {
      const d = tree({ 'package.json': JSON.stringify({ private: true, workspaces: ['apps/*'] }), ...next('site', 'next start'), ...next('docs', 'next start') });
      assert.equal(d.services.site!.public, true);
      assert.equal(d.services.docs!.public, false);
      assert.ok(d.warnings.some((w) => w.startsWith('site and docs would both be public on port 3000')));
    });

    it('a start script run through `npm run <wrapper> -- <command>` resolves to the command', () => {
      const d = tree({
        'package.json': JSON.stringify({
          name: 'app',
          scripts: { 'with:env': 'dotenv -e .env --', start: 'npm run with:env -- cross-env NODE_ENV=production node build/server.js' },
          dependencies: { express: '4' },
        }),
        'src/server.js': "require('express')().listen(3000);\n",
      });
      assert.deepEqual(d.services.app!.start, ['node', 'build/server.js']);
    });
  });

  describe('backing services', () => {
    const d = () => detect('backing-shapes');

    it('a URL whose password holds @ names its real host; an ADO.NET Server= names it too; one database is one backing service', () => {
      assert.deepEqual(Object.fromEntries(Object.entries(d().backing).map(([n, b]) => [n, [b.kind, b.usedBy]])), {
        db: ['postgres', ['archive', 'newsletter', 'results', 'tally']],
        redis: ['redis', ['newsletter']],
      });
    });

    it('Cargo: a multi-line dependency table is read whole (sqlx postgres); a crate feature pulls in a client (actix-session redis)', () => {
      assert.deepEqual(d().services.newsletter!.dependsOn, ['db', 'redis']);
    });
  });

  describe('ports from the repository\'s env files, and code-generation folders', () => {
    const d = () => detect('own-port-env');

    it('a port variable named after the service, read with no default, takes its value from the repository\'s .env', () => {
      assert.deepEqual([d().services.orders!.port, d().services.orders!.evidence.port], [7001, '.env:2']);
      assert.deepEqual([d().services.billing!.port, d().services.billing!.evidence.port], [7002, '.env:3']);
      assert.deepEqual([d().services.quotes!.port, d().services.quotes!.evidence.port], [7003, '.env:5']);
    });

    it('another service\'s port variable (BILLING_PORT read by orders, to call billing) is not its own port', () => {
      assert.notEqual(d().services.orders!.port, 7002);
      assert.deepEqual(d().services.orders!.dependsOn, ['billing']);
    });

    it('a folder with only the requirements of a code-generation image (no Python code, no command) is not a service, and its parent is', () => {
      assert.deepEqual(servicePaths(d()), { billing: 'billing', orders: 'orders', quotes: 'quotes' });
    });
  });

  describe('a static build the config writes outside its folder', () => {
    const tree = (files: Record<string, string>) => {
      const root = mkdtempSync(join(tmpdir(), 'shapes-'));
      writeTree(root, files);
      return { root, d: detectStack(root) };
    };
    const app = (build: string) => ({
      'web/package.json': JSON.stringify({ name: 'web', private: true, scripts: { build }, devDependencies: { vite: '6', typescript: '5' } }),
      'web/package-lock.json': JSON.stringify({ name: 'web', lockfileVersion: 3, requires: true, packages: {} }),
      'web/index.html': '<div id="app"></div>\n',
      'web/vite.config.ts': "export default { build: { outDir: '../api/static' } };\n",
      'api/requirements.txt': 'fastapi\nuvicorn\n',
      'api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    });

    it('vite build.outDir leaving the folder: the image builds into dist (--outDir dist), and the model is valid', () => {
      const { root, d } = tree(app('tsc && vite build'));
      assert.equal(d.services.web!.outputDir, 'dist');
      assert.equal(d.services.web!.build, 'npm run build -- --outDir dist');
      assert.deepEqual(checkModel(toModel(d), root), []);
    });

    it('a build script that does not end with vite build cannot be redirected: no output folder is proposed', () => {
      const { d } = tree(app('vite build && node scripts/copy.js'));
      assert.equal(d.services.web!.outputDir, null);
    });
  });

  describe('several processes of one folder', () => {
    const tree = (files: Record<string, string>) => {
      const root = mkdtempSync(join(tmpdir(), 'shapes-'));
      writeTree(root, files);
      return detectStack(root);
    };
    /** name -> [start, imageFrom, release] of the services of a fixture. */
    const processes = (d: Detection) =>
      Object.fromEntries(Object.entries(d.services).map(([n, s]) => [n, [s.start.join(' '), s.imageFrom ?? null, s.release ?? false]]));
    /** The detected model is valid as it is, and the dockerfile stage writes one Dockerfile for the folder. */
    const renders = (name: string) => {
      const model = toModel(detect(name));
      assert.deepEqual(checkModel(model, join(SHAPES, name)), []);
      assert.deepEqual(dockerfileFiles(model).map((f) => f.path).filter((p) => p.endsWith('Dockerfile')), ['Dockerfile']);
      return model;
    };

    it('Django with a Procfile: web is the service; release, worker and beat run its image, release once', () => {
      const d = detect('django-celery-procfile');
      assert.deepEqual(processes(d), {
        'django-celery-procfile': ['gunicorn config.wsgi:application --bind 0.0.0.0:8000', null, false],
        release: ['python manage.py migrate --noinput', 'django-celery-procfile', true],
        worker: ['celery -A config worker --loglevel=info', 'django-celery-procfile', false],
        beat: ['celery -A config beat --loglevel=info --scheduler django_celery_beat.schedulers:DatabaseScheduler', 'django-celery-procfile', false],
      });
      for (const p of ['release', 'worker', 'beat']) {
        assert.equal(d.services[p]!.port, null, p);
        assert.equal(d.services[p]!.public, false, p);
        // The same code: the same backing services.
        assert.deepEqual(d.services[p]!.dependsOn, ['db', 'redis'], p);
        assert.match(d.services[p]!.evidence.start!, /^Procfile:\d+$/, p);
      }
      const model = renders('django-celery-procfile');
      const compose = planStack(model);
      assert.deepEqual(compose.apps.find((a) => a.name === 'worker')!.dependsOn.find((x) => x.name === 'release'), { name: 'release', condition: 'service_completed_successfully' });
    });

    it('Rails with Sidekiq and a Procfile release line: Sidekiq becomes a worker of the web image, the release a one-off', () => {
      const d = detect('rails-sidekiq-release');
      assert.deepEqual(processes(d), {
        'rails-sidekiq-release': ['bundle exec puma -C config/puma.rb', null, false],
        release: ['bundle exec rails db:migrate', 'rails-sidekiq-release', true],
        worker: ['bundle exec sidekiq -C config/sidekiq.yml', 'rails-sidekiq-release', false],
      });
      assert.equal(d.services.worker!.evidence.start, 'Gemfile:8');
      renders('rails-sidekiq-release');
    });

    it('a Node API with a BullMQ worker script: the worker runs the compiled file from the same image', () => {
      const d = detect('node-bullmq');
      assert.deepEqual(processes(d), { mailer: ['node dist/server.js', null, false], worker: ['node dist/worker.js', 'mailer', false] });
      assert.deepEqual(d.services.worker!.dependsOn, ['redis']);
      renders('node-bullmq');
    });

    it('a Node API with a BullMQ worker file and no script for it: the file is run as node runs it', () => {
      assert.deepEqual(processes(detect('node-bullmq-file')), { thumbs: ['node server.js', null, false], worker: ['node workers/resize.js', 'thumbs', false] });
    });

    it('FastAPI with a Celery app in one folder and no Procfile: the Celery worker is a process of the API image', () => {
      const d = detect('fastapi-celery-one-folder');
      assert.deepEqual(processes(d), {
        'fastapi-celery-one-folder': ['uvicorn main:app --host 0.0.0.0 --port 8000', null, false],
        worker: ['celery -A worker:broker worker --loglevel=INFO', 'fastapi-celery-one-folder', false],
      });
      renders('fastapi-celery-one-folder');
    });

    it('a web app with several services: its processes are named <service>-<role>', () => {
      const d = tree({
        'api/requirements.txt': 'flask\ngunicorn\ncelery\n',
        'api/app.py': 'from flask import Flask\napp = Flask(__name__)\n',
        'api/jobs.py': 'from celery import Celery\napp = Celery("jobs")\n',
        'web/package.json': JSON.stringify({ name: 'web', scripts: { start: 'node server.js' }, dependencies: { express: '4' } }),
        'web/server.js': "require('express')().listen(3000);\n",
      });
      assert.deepEqual(processes(d)['api-worker'], ['celery -A jobs worker --loglevel=INFO', 'api', false]);
      assert.equal(d.services['api-worker']!.path, 'api');
    });
  });
});
