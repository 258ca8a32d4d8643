/**
 * The compose and dev stages over a matrix of models: every generated Compose
 * file is validated against the compose-spec schema (from dclint) and the
 * reference checks, alone and merged with the dev layer (and the devcontainer
 * file), and the properties the issue asks for are asserted one by one.
 */
import assert from 'node:assert/strict';
import { CATALOG } from '../../lib/catalog/index.js';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { files as composeFiles } from '../../generators/compose/files.js';
import { planStack } from '../../lib/render/compose-plan.js';
import { renderDockerfile } from '../../generators/dockerfile/files.js';
import { healthCommand } from '../../lib/languages/index.js';
import { files as devFiles, planDev } from '../../generators/dev/files.js';
import { imageRepository } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { image } from '../../lib/catalog/images.js';
import type { OutputFile } from '../../lib/render/types.js';
import { checkEnvExample, envEntries, validateCompose } from '../../lib/validate/compose.js';
import { checkOutput } from '../../lib/validate/outputs.js';
import { SAMPLE_MODELS, plain, service, stack } from '../helpers/models.js';
import { taskboardModel } from '../helpers/dockerfile-models.js';

type Obj = Record<string, any>;

interface Rendered {
  files: OutputFile[];
  get(path: string): string;
  compose: Obj;
  override: Obj;
}

function render(model: StackModel): Rendered {
  const files = [...composeFiles(model), ...devFiles(model)];
  const get = (path: string) => {
    const f = files.find((x) => x.path === path);
    assert.ok(f, `${path} is rendered`);
    return f.content;
  };
  return { files, get, compose: parse(get('compose.yaml')), override: parse(get('compose.override.yaml')) };
}

const secretNamesOf = (model: StackModel) =>
  Object.values(model.services).flatMap((s) => Object.entries(s.env).filter(([, e]) => e.secret).map(([k]) => k));

/** Run secrets/create.sh in a scratch copy of the rendered tree; returns the folder. */
function runCreateScript(files: OutputFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'compose-secrets-'));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const run = spawnSync('sh', ['secrets/create.sh'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return dir;
}

const parseEnvFile = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

for (const [scenario, model] of Object.entries(SAMPLE_MODELS)) {
  describe(`compose and dev stages: ${scenario}`, () => {
    let r: Rendered;
    const secretNames = secretNamesOf(model);
    before(() => {
      r = render(model);
    });

    it('renders parseable files, each ending with a newline, deterministically', () => {
      for (const f of r.files) assert.deepEqual(checkOutput(f), [], f.path);
      assert.deepEqual(render(model).files, r.files);
    });

    it('compose.yaml validates against the compose-spec schema and the reference checks', () => {
      assert.deepEqual(validateCompose(r.get('compose.yaml'), { files: r.files, secretNames }), []);
    });

    it('compose.yaml + compose.override.yaml validate merged (and each alone against the schema)', () => {
      assert.deepEqual(validateCompose([r.get('compose.yaml'), r.get('compose.override.yaml')], { files: r.files, secretNames }), []);
    });

    it('the devcontainer stack (three files) validates merged', () => {
      const texts = [r.get('compose.yaml'), r.get('compose.override.yaml'), r.get('.devcontainer/compose.devcontainer.yaml')];
      assert.deepEqual(validateCompose(texts, { files: r.files, secretNames }), []);
    });

    it('names the project after the model and every service after its hostname', () => {
      assert.equal(r.compose.name, model.name);
      assert.deepEqual(Object.keys(r.compose.services).sort(), [...Object.keys(model.services), ...Object.keys(model.backing)].sort());
    });

    it('builds each app service from its folder and tags it <registry>/<name>-<service>:latest', () => {
      for (const [name, svc] of Object.entries(model.services)) {
        const c = r.compose.services[name];
        if (svc.imageFrom) {
          // Another process of a folder: its owner's image, never built twice, its own command.
          assert.equal(c.build, undefined, `${name} is not built`);
          assert.equal(c.image, `${model.registry}/${model.name}-${svc.imageFrom}:latest`, name);
          assert.deepEqual(c.command, svc.start, name);
          assert.equal(c.restart, svc.release ? 'no' : 'unless-stopped', name);
          continue;
        }
        assert.equal(c.command, undefined, `${name} runs its image's CMD`);
        assert.equal(c.build.context, svc.path, name);
        assert.equal(c.image, `${imageRepository(model, name)}:latest`, name);
        assert.equal(c.restart, 'unless-stopped');
        assert.deepEqual(c.cap_drop, ['ALL']);
        assert.deepEqual(c.security_opt, ['no-new-privileges:true']);
        if (svc.dockerfile) assert.ok(c.build.dockerfile, `${name} uses its own Dockerfile`);
        else assert.equal(c.build.dockerfile, undefined);
        if (c.read_only) assert.deepEqual(c.tmpfs, ['/tmp']);
      }
    });

    it('publishes only public services, on 127.0.0.1 and their own port; internal HTTP services are exposed', () => {
      for (const [name, svc] of Object.entries(model.services)) {
        const c = r.compose.services[name];
        if (svc.public) assert.deepEqual(c.ports, [`127.0.0.1:${svc.port}:${svc.port}`], name);
        else assert.equal(c.ports, undefined, `${name} is not published`);
        if (!svc.public && svc.port !== null) assert.deepEqual(c.expose, [String(svc.port)], name);
        if (svc.port !== null) assert.equal(c.environment.PORT, String(svc.port), `${name} PORT`);
      }
      for (const name of Object.keys(model.backing)) assert.equal(r.compose.services[name].ports, undefined, `${name} is not published`);
    });

    it('waits on each dependency: service_healthy where it has a healthcheck, else service_started', () => {
      for (const [name, svc] of Object.entries(model.services)) {
        const deps = r.compose.services[name].depends_on ?? {};
        // The release commands of its image (and never its own) complete before it starts.
        const owner = svc.imageFrom ?? name;
        const releases = svc.release ? [] : Object.keys(model.services).filter((n) => n !== name && model.services[n]!.release && model.services[n]!.imageFrom === owner);
        assert.deepEqual(Object.keys(deps).sort(), [...new Set([...svc.dependsOn, ...releases])].sort(), name);
        for (const [dep, { condition }] of Object.entries(deps as Obj)) {
          const expected = releases.includes(dep) ? 'service_completed_successfully' : r.compose.services[dep].healthcheck && r.compose.services[dep].healthcheck.test?.[0] !== 'NONE' ? 'service_healthy' : 'service_started';
          assert.equal(condition, expected, `${name} → ${dep}`);
        }
      }
    });

    it('gives app services the HEALTHCHECK of their Dockerfile, word for word, except a static Go binary\'s probe', () => {
      for (const [name, svc] of Object.entries(model.services)) {
        const hc = r.compose.services[name].healthcheck;
        const expected = !svc.dockerfile && healthCommand(svc, true) !== null;
        // A process without a check of its own turns off its image's HEALTHCHECK (its owner's port).
        if (svc.imageFrom && !expected) {
          assert.deepEqual(hc, { test: ['NONE'] }, name);
          continue;
        }
        assert.equal(Boolean(hc), expected, name);
        if (svc.dockerfile || svc.imageFrom) continue;
        const instruction = /^HEALTHCHECK .*\\\n  CMD (\[.*\])$/m.exec(renderDockerfile(model, name));
        if (svc.language === 'go' && svc.linking !== 'dynamic') {
          assert.equal(hc, undefined, `${name}: the probe is not in the dev stage`);
          continue;
        }
        assert.equal(Boolean(instruction), Boolean(hc), `${name}: a Compose healthcheck exactly when the image has a HEALTHCHECK`);
        // Compose writes each $ as $$.
        if (hc) assert.deepEqual(hc.test, ['CMD', ...JSON.parse(instruction![1]!).map((w: string) => w.replace(/\$/g, '$$$$'))], name);
      }
    });

    it('runs backing services from pinned official images, with a data volume and a healthcheck', () => {
      for (const [name, b] of Object.entries(model.backing)) {
        const c = r.compose.services[name];
        assert.equal(c.image, image(b.kind, b.version), name);
        if (b.kind === 'memcached') assert.equal(c.volumes, undefined);
        else {
          // The data volume, then an anonymous volume per folder seeded from the image (Kafka's, Elasticsearch's configuration).
          assert.deepEqual(c.volumes.length, 1 + CATALOG[b.kind].seedDirs.length);
          const [vol] = String(c.volumes[0]).split(':');
          assert.equal(vol, `${name}-data`);
          assert.ok(vol! in r.compose.volumes, `volume ${vol} is declared`);
        }
        // Every kind has a health check (NATS through the alpine variant's wget: lib/catalog/nats.ts).
        assert.ok(c.healthcheck, `${name} healthcheck`);
      }
    });

    it('never writes a secret into compose.yaml: passwords are Compose secrets, app secrets come from env files', () => {
      const text = r.get('compose.yaml');
      for (const [name, svc] of Object.entries(model.services)) {
        const env = Object.fromEntries(envEntries(r.compose.services[name].environment));
        for (const [k, e] of Object.entries(svc.env)) if (e.secret) assert.ok(!(k in env), `${name}.${k} is not in environment`);
        const plan = planStack(model).apps.find((a) => a.name === name)!;
        if (plan.secrets.length) assert.deepEqual(r.compose.services[name].env_file, [`secrets/${name}.env`]);
      }
      for (const b of planStack(model).backing.filter((x) => x.secret)) {
        assert.deepEqual(r.compose.secrets[b.secret!], { file: `./secrets/${b.secret}` });
        assert.deepEqual(r.compose.services[b.name].secrets, [b.secret]);
      }
      assert.doesNotMatch(text, /:\/\/[^\s/@:]*:[^\s/@]+@/, 'no URL with a password');
    });

    it('.env.example lists every non-secret variable with its default and no secret value', () => {
      const example = r.get('.env.example');
      assert.deepEqual(checkEnvExample(example, secretNames), []);
      for (const app of planStack(model).apps) {
        for (const e of app.entries) {
          if (e.kind === 'interpolated' && e.first) assert.ok(example.includes(`\n${e.key}=`), `${app.name} ${e.key}`);
          else assert.ok(example.includes(e.name), `${app.name} ${e.name} is mentioned`);
        }
      }
    });

    it('keeps secrets/ out of git with its own .gitignore and documents every secret file', () => {
      assert.match(r.get('secrets/.gitignore'), /^\*$/m);
      const readme = r.get('secrets/README.md');
      for (const f of planStack(model).secretFiles) assert.ok(readme.includes(`\`${f.path}\``), f.path);
      assert.ok(!r.files.some((f) => f.path === '.gitignore'), 'the user .gitignore is not written');
    });

    it('secrets/create.sh creates every secret file once, consistently, and never overwrites', () => {
      const plan = planStack(model);
      const dir = runCreateScript(r.files);
      try {
        for (const f of plan.secretFiles) assert.ok(statSync(join(dir, f.path)).size > 0, f.path);
        assert.equal(statSync(join(dir, 'secrets')).mode & 0o777, 0o700);
        for (const b of plan.backing.filter((x) => x.secret)) assert.equal(statSync(join(dir, 'secrets', b.secret!)).mode & 0o777, 0o644);
        for (const app of plan.apps.filter((a) => a.envFile)) {
          const env = parseEnvFile(readFileSync(join(dir, app.envFile!), 'utf8'));
          assert.deepEqual(Object.keys(env).sort(), app.secrets.map((s) => s.name).sort());
          for (const s of app.secrets) {
            if (s.source.kind === 'empty') assert.equal(env[s.name], '', `${app.name} ${s.name} is left for the user`);
            else assert.notEqual(env[s.name], '', `${app.name} ${s.name}`);
            if (s.source.kind === 'password' || (s.source.kind === 'url' && s.source.backing)) {
              const password = readFileSync(join(dir, 'secrets', `${s.source.backing}-password`), 'utf8');
              assert.ok(env[s.name]!.includes(password), `${app.name} ${s.name} carries the ${s.source.backing} password`);
            }
          }
        }
        const before = plan.secretFiles.map((f) => readFileSync(join(dir, f.path), 'utf8'));
        const again = spawnSync('sh', [join(dir, 'secrets/create.sh')], { cwd: tmpdir(), encoding: 'utf8' });
        assert.equal(again.status, 0, again.stderr);
        assert.equal(again.stdout, '');
        assert.deepEqual(plan.secretFiles.map((f) => readFileSync(join(dir, f.path), 'utf8')), before);
      } finally {
        chmodSync(join(dir, 'secrets'), 0o700);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('dev layer: the dev stage, tagged :dev, with the folder mounted at /app; own Dockerfiles untouched', () => {
      for (const [name, svc] of Object.entries(model.services)) {
        const o = r.override.services?.[name];
        if (svc.dockerfile) {
          assert.equal(o, undefined, `${name} keeps compose.yaml's production build`);
          assert.match(r.get('compose.override.yaml'), new RegExp(`# ${name}: built from its own Dockerfile`));
          continue;
        }
        if (svc.imageFrom) {
          assert.equal(o.build, undefined, `${name} runs ${svc.imageFrom}'s dev image, built once`);
          assert.equal(o.image, `${model.registry}/${model.name}-${svc.imageFrom}:dev`);
        } else {
          assert.equal(o.build.target, 'dev');
          assert.deepEqual(Object.keys(o.build), ['target']);
          assert.equal(o.image, `${imageRepository(model, name)}:dev`);
        }
        assert.equal(o.volumes[0], `${svc.path === '.' ? '.' : `./${svc.path}`}:/app`);
        if (svc.language === 'node') assert.ok(o.volumes.includes('/app/node_modules'));
        if (r.compose.services[name].read_only) assert.equal(o.read_only, false);
        for (const p of o.ports ?? []) assert.match(p, /^127\.0\.0\.1:\d+:9229$/);
      }
      const hostPorts = Object.values(r.override.services ?? {}).flatMap((o: any) => (o.ports ?? []).map((p: string) => p.split(':')[1]));
      assert.equal(new Set(hostPorts).size, hostPorts.length, 'debugger host ports are distinct');
    });

    it('devcontainer.json opens the same stack, on a service that exists', () => {
      const dc = JSON.parse(r.get('.devcontainer/devcontainer.json'));
      assert.deepEqual(dc.dockerComposeFile, ['../compose.yaml', '../compose.override.yaml', 'compose.devcontainer.yaml']);
      assert.ok(dc.service in model.services);
      assert.equal(dc.shutdownAction, 'stopCompose');
      assert.equal(dc.overrideCommand, false);
      assert.equal(dc.workspaceFolder, '/workspace');
      const firstPublic = Object.keys(model.services).sort().find((n) => model.services[n]!.public && !model.services[n]!.dockerfile);
      if (firstPublic) assert.equal(dc.service, firstPublic);
      const devc = parse(r.get('.devcontainer/compose.devcontainer.yaml'));
      assert.deepEqual(Object.keys(devc.services), [dc.service]);
    });

    it('Makefile: help by default, the entry points, tab-indented recipes, docker compose or podman-compose', () => {
      const mk = r.get('Makefile');
      assert.match(mk, /^\.DEFAULT_GOAL := help$/m);
      for (const t of ['help', 'up', 'down', 'logs', 'ps', 'build', 'test', 'seed', 'reset', 'secrets', 'env'])
        assert.match(mk, new RegExp(`^${t}:.*## `, 'm'), t);
      // One test target per image: a process of another service's image is tested with it.
      for (const [name, svc] of Object.entries(model.services)) {
        if (svc.imageFrom) assert.doesNotMatch(mk, new RegExp(`^test-${name}:`, 'm'));
        else assert.match(mk, new RegExp(`^test-${name}:`, 'm'));
      }
      assert.match(mk, /podman-compose/);
      const lines = mk.split('\n');
      lines.forEach((line, i) => {
        if (/^ {2,}\S/.test(line) && !lines[i - 1]!.endsWith('\\')) assert.fail(`line ${i + 1} is indented with spaces: ${line}`);
      });
      const plan = planDev(model);
      if (plan.seedService) assert.match(mk, new RegExp(`run --rm -T ${plan.seedService} sh -c 'if \\[ -x scripts/seed \\]`));
    });

    it('make -n runs every entry point (syntax and variables)', function () {
      if (spawnSync('make', ['--version']).status !== 0) this.skip();
      const dir = mkdtempSync(join(tmpdir(), 'compose-make-'));
      try {
        writeFileSync(join(dir, 'Makefile'), r.get('Makefile'));
        for (const target of ['help', 'up', 'down', 'logs', 'ps', 'build', 'test', 'seed', 'reset']) {
          const run = spawnSync('make', ['-n', target, 'COMPOSE=podman-compose'], { cwd: dir, encoding: 'utf8' });
          assert.equal(run.status, 0, `${target}: ${run.stderr}`);
        }
        // Built first (test/dev/makefile.test.ts runs these recipes against a fake Compose).
        const prod = spawnSync('make', ['-n', 'up', 'PROD=1', 'COMPOSE=docker compose'], { cwd: dir, encoding: 'utf8' });
        assert.match(prod.stdout, /\{ docker compose -f compose\.yaml build 2>&1;[^\n]*\n[^\n]*; docker compose -f compose\.yaml up --renew-anon-volumes -d \|\|/);
        const dev = spawnSync('make', ['-n', 'up', 'COMPOSE=docker compose'], { cwd: dir, encoding: 'utf8' });
        assert.match(dev.stdout, /; docker compose -f compose\.yaml -f compose\.override\.yaml up --renew-anon-volumes -d \|\|/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('secret sources: which backing password each app secret gets', () => {
  const sources = (model: StackModel, service: string) =>
    Object.fromEntries(planStack(model).apps.find((a) => a.name === service)!.secrets.map((s) => [s.name, s.source]));

  it('links password variables by the kind they name, and never guesses between two', () => {
    const api = sources(SAMPLE_MODELS.secretsEnv!, 'api');
    assert.deepEqual(api.PG_PASSWORD, { kind: 'password', backing: 'postgres' });
    assert.deepEqual(api.DB_PASSWORD, { kind: 'random' }, 'DB fits postgres and mysql');
    assert.deepEqual(api.JWT_SECRET, { kind: 'random' });
    assert.deepEqual(sources(SAMPLE_MODELS.everyBacking!, 'app').MARIADB_PASSWORD, { kind: 'password', backing: 'mariadb' });
    assert.deepEqual(sources(SAMPLE_MODELS.ownDockerfile!, 'jobs').MYSQL_PASSWORD, { kind: 'password', backing: 'mysql' });
  });

  it('gives connection URLs the stack user and password, keeping the code URL when there is one', () => {
    const api = sources(SAMPLE_MODELS.secretsEnv!, 'api');
    assert.deepEqual(api.DATABASE_URL, { kind: 'connection', backing: 'postgres', parts: ['postgres://app:', { password: 'postgres' }, '@postgres:5432/vault'] });
    assert.deepEqual(api.REPORTS_URL, { kind: 'placeholder', value: 'https://reporter:CHANGE_ME@reports.example.com/v1' });
    const app = sources(SAMPLE_MODELS.everyBacking!, 'app');
    assert.deepEqual(app.AMQP_URL, { kind: 'connection', backing: 'rabbitmq', parts: ['amqp://app:', { password: 'rabbitmq' }, '@rabbitmq:5672'] });
    assert.deepEqual(app.MYSQL_URL, { kind: 'connection', backing: 'mysql', parts: ['mysql://app:', { password: 'mysql' }, '@mysql:3306/orders'] });
    assert.deepEqual(app.MONGO_URL, { kind: 'connection', backing: 'mongo', parts: ['mongodb://root:', { password: 'mongo' }, '@mongo:27017/sink?authSource=admin'] });
  });

  it('builds the URL from the stack when detection dropped a default that embedded a password', () => {
    const app = sources(SAMPLE_MODELS.detectedSecrets!, 'app');
    assert.deepEqual(app.AMQP_URL, { kind: 'connection', backing: 'rabbitmq', parts: ['amqp://app:', { password: 'rabbitmq' }, '@rabbitmq:5672'] });
    assert.deepEqual(app.MYSQL_DSN, { kind: 'connection', backing: 'legacy-db', parts: ['mysql://app:', { password: 'legacy-db' }, '@legacy-db:3306/orders'] });
    assert.deepEqual(app.MONGO_URI, { kind: 'connection', backing: 'mongo', parts: ['mongodb://root:', { password: 'mongo' }, '@mongo:27017/orders?authSource=admin'] });
    assert.deepEqual(app.DATABASE_URL, { kind: 'empty' }, 'postgres or mysql: left for the user');
    assert.deepEqual(app.DB_URL, { kind: 'empty' });
    assert.deepEqual(app.SECRET_KEY, { kind: 'random' });
    assert.ok(planStack(SAMPLE_MODELS.detectedSecrets!).notes.some((n) => /DATABASE_URL could be about .*legacy-db.* or .*postgres/.test(n)), 'the ambiguity is reported');
  });

  it('turns MongoDB authentication on only when its clients can carry the password', () => {
    assert.equal(planStack(SAMPLE_MODELS.everyBacking!).backing.find((b) => b.name === 'mongo')!.secret, 'mongo-password');
    const unlinked = structuredClone(SAMPLE_MODELS.everyBacking!);
    delete unlinked.services.app!.env.MONGO_URL;
    const mongo = planStack(unlinked).backing.find((b) => b.name === 'mongo')!;
    assert.equal(mongo.secret, null);
    assert.deepEqual(mongo.environment, []);
  });

  it('gives Redis a password when every client can carry one, and none when a client cannot', () => {
    const plan = planStack(SAMPLE_MODELS.everyBacking!);
    assert.equal(plan.backing.find((b) => b.name === 'cache')!.secret, 'cache-password');
    assert.deepEqual(plan.apps[0]!.secrets.find((s) => s.name === 'CACHE_URL')!.source, {
      kind: 'connection',
      backing: 'cache',
      parts: ['redis://:', { password: 'cache' }, '@cache:6379/1'],
    });
    // The example's Go services read REDIS_ADDR only: no password for them to send.
    const taskboard = planStack(taskboardModel());
    assert.equal(taskboard.backing.find((b) => b.name === 'redis')!.secret, null);
    assert.deepEqual(taskboard.apps.find((a) => a.name === 'api')!.environment.find((e) => e.name === 'REDIS_URL'), { name: 'REDIS_URL', value: 'redis://redis:6379/0' });
  });
});

describe("the developer's shell never leaks into a service's environment", () => {
  // zsh sets HOST to the laptop's name, every shell sets USER and HOME: `HOST: ${HOST:-0.0.0.0}`
  // would make the app bind to the laptop's name, and `USER:` would pass the login name through.
  const model = stack('shop', {
    api: service({ path: 'api', language: 'python', port: 8000, env: { HOST: plain('0.0.0.0'), USER: plain(null), GREETING: plain('hi'), LOG_LEVEL: plain(null) } }),
  });

  it('a default for a name the shell sets is keyed by the service, never by the bare name', () => {
    const env = Object.fromEntries(planStack(model).apps[0]!.environment.map((e) => [e.name, e.value]));
    assert.equal(env.HOST, '${API__HOST:-0.0.0.0}');
    assert.equal(env.GREETING, '${GREETING:-hi}', 'other names keep the shared key');
  });

  it('an unknown value for a name the shell sets is not passed through; other unknown values are', () => {
    const names = planStack(model).apps[0]!.environment.map((e) => e.name);
    assert.ok(!names.includes('USER'), 'USER would be the login name of whoever runs compose');
    assert.ok(names.includes('LOG_LEVEL'));
  });
});
