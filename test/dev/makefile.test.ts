/**
 * The generated Makefile's `up` and `test` targets, run for real by make against a fake
 * Compose (test/dev/fake-compose.sh, installed as `docker`, `podman-compose` and `podman`):
 * it behaves like docker compose (failures in its exit status) or like podman-compose 1.0.x
 * (exit status 0 whatever happened; each podman command followed by "exit code: N"), and
 * runs `compose run` commands in a fixture folder per service, so the test probes the
 * Makefile generates really run. Plus shellcheck over the recipes make would run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as devFiles } from '../../generators/dev/files.js';
import { service, stack } from '../helpers/models.js';
import { writeTree } from '../helpers/tree.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const HAVE_MAKE = spawnSync('make', ['--version']).status === 0;
const HAVE_SHELLCHECK = spawnSync('shellcheck', ['--version']).status === 0;

/**
 * api: tests that pass; web: a package.json without a test script; site: a static site (no
 * test command); migrate: a release command of api's image (runs once, no test target).
 */
const api = service({ path: 'api', language: 'node', packageManager: 'npm', lockfile: 'package-lock.json', port: 3000, start: ['node', 'server.js'] });
const model = stack(
  'shop',
  {
    api,
    migrate: { ...api, port: null, imageFrom: 'api', release: true, start: ['node', 'migrate.js'] },
    web: service({ path: 'web', language: 'node', packageManager: 'npm', lockfile: 'package-lock.json', port: 3001, start: ['node', 'server.js'], public: true }),
    site: service({ path: 'site', language: 'static', port: 8080, outputDir: 'public' }),
  },
  { redis: { kind: 'redis', version: '7' } },
);
const SERVICES = ['api', 'migrate', 'redis', 'site', 'web'];
/** What each container's state is when all is well: the release command has exited with 0. */
const STATE: Record<string, string> = { migrate: 'exited:0' };

/** The service folders `compose run` executes in (the dev container's /app). */
const APPS: Record<string, string> = {
  'api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js', test: 'node test.js' } }),
  'api/test.js': "console.log('api: 1 test passed');\n",
  'web/package.json': JSON.stringify({ name: 'web', scripts: { start: 'node server.js' } }),
  'site/public/index.html': '<p>hi</p>\n',
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The fake's invocations, one line each: `<style> <subcommand> <args>`. */
  calls: string[];
}

describe('Makefile: up and test report failures whatever Compose is used', function () {
  let dir: string;
  before(function () {
    if (!HAVE_MAKE) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'makefile-'));
    writeTree(dir, Object.fromEntries([...composeFiles(model), ...devFiles(model)].map((f) => [f.path, f.content])));
    writeTree(join(dir, 'apps'), APPS);
    mkdirSync(join(dir, 'bin'));
    for (const name of ['docker', 'podman-compose', 'podman']) {
      copyFileSync(join(HERE, 'fake-compose.sh'), join(dir, 'bin', name));
      chmodSync(join(dir, 'bin', name), 0o755);
    }
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** `make <target>` with the fake first on PATH; `env` drives the fake (FAKE_BUILD, FAKE_STATES). */
  function make(target: string, compose: 'docker compose' | 'podman-compose', env: Record<string, string> = {}): Run {
    const log = join(dir, 'calls.log');
    writeFileSync(log, '');
    const r = spawnSync('make', ['--no-print-directory', target, `COMPOSE=${compose}`, 'UP_WAIT=0'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        FAKE_LOG: log,
        FAKE_ROOT: join(dir, 'apps'),
        FAKE_STATES: SERVICES.map((s) => `${s}=${STATE[s] ?? 'running'}`).join(' '),
        ...env,
      },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  }
  const sub = (calls: string[], cmd: string) => calls.filter((c) => c.split(' ')[1] === cmd);

  for (const compose of ['docker compose', 'podman-compose'] as const) {
    describe(`make up (COMPOSE=${compose})`, () => {
      it('exits 0 when every image builds and every service runs, building before starting', () => {
        const r = make('up', compose);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const order = r.calls.map((c) => c.split(' ')[1]);
        assert.ok(order.indexOf('build') < order.indexOf('up') && order.indexOf('up') < order.lastIndexOf('ps'), order.join(' '));
      });

      it('fails, starting nothing, when an image does not build', () => {
        const r = make('up', compose, { FAKE_BUILD: 'fail' });
        assert.notEqual(r.status, 0, r.stdout + r.stderr);
        assert.deepEqual(sub(r.calls, 'up'), [], 'nothing started');
        assert.match(r.stderr, /did not build/);
      });

      it('fails, naming the service and how to see its logs, when a container exited after the start', () => {
        const r = make('up', compose, { FAKE_STATES: 'api=running migrate=exited:0 redis=running site=exited web=running' });
        assert.notEqual(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stderr, /site is exited.*make logs S=site/);
        assert.doesNotMatch(r.stderr, /\b(api|web|redis|migrate) is /);
      });

      it('counts a release command that exited with 0 as done, and one that failed as a failure', () => {
        const ok = make('up', compose, { FAKE_STATES: 'api=running migrate=exited:0 redis=running site=running web=running' });
        assert.equal(ok.status, 0, ok.stdout + ok.stderr);
        const failed = make('up', compose, { FAKE_STATES: 'api=running migrate=exited:1 redis=running site=running web=running' });
        assert.notEqual(failed.status, 0, failed.stdout + failed.stderr);
        assert.match(failed.stderr, /migrate is exited 1.*make logs S=migrate/);
      });

      it('fails when a service has no container at all', () => {
        const r = make('up', compose, { FAKE_STATES: 'api=running migrate=exited:0 redis=running site=running' });
        assert.notEqual(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stderr, /web is not running.*make logs S=web/);
      });
    });

    describe(`make test (COMPOSE=${compose})`, () => {
      it('runs the services that have tests, reports the ones skipped, and exits 0 when those passed', () => {
        const r = make('test', compose);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /api: passed/);
        assert.match(r.stdout, /web: skipped/);
        assert.match(r.stdout, /site: skipped/);
        assert.match(r.stdout, /1 passed, 0 failed, 2 skipped/);
        assert.deepEqual(sub(r.calls, 'run').map((c) => c.split(' ')[2]).sort(), ['api', 'web'], 'site has no dev toolchain: not run');
      });

      it('fails when a test fails, after running every service', () => {
        writeFileSync(join(dir, 'apps', 'api', 'test.js'), "console.error('api: 1 test failed'); process.exit(1);\n");
        try {
          const r = make('test', compose);
          assert.notEqual(r.status, 0, r.stdout + r.stderr);
          assert.match(r.stdout, /api: failed/);
          assert.match(r.stdout, /0 passed, 1 failed, 2 skipped/);
          assert.equal(sub(r.calls, 'run').length, 2);
        } finally {
          writeFileSync(join(dir, 'apps', 'api', 'test.js'), APPS['api/test.js']!);
        }
      });
    });
  }

  describe('shellcheck over the recipes of up and test', () => {
    for (const target of ['up', 'test', 'test-api', 'test-web', 'test-site', 'build']) {
      it(target, function () {
        if (!HAVE_SHELLCHECK) this.skip();
        // make -n prints each recipe line as the shell gets it (a recursive $(MAKE) line also runs, with -n).
        const n = spawnSync('make', ['-n', '--no-print-directory', target, 'COMPOSE=podman-compose'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` } });
        assert.equal(n.status, 0, n.stderr);
        const script = join(dir, `recipe-${target}.sh`);
        writeFileSync(script, `#!/bin/sh\n${n.stdout}`);
        const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', script], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
      });
    }
  });
});

describe('Makefile: make doctor runs containerize doctor, with its exit status', function () {
  let dir: string;
  const BIN = join(HERE, '..', '..', 'dist', 'bin', 'containerize.js');
  before(function () {
    if (!HAVE_MAKE) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'makefile-doctor-'));
    writeTree(dir, Object.fromEntries([...composeFiles(model), ...devFiles(model)].map((f) => [f.path, f.content])));
    // `make doctor` reads the model from .yo-rc.json, as in a containerized repository.
    writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-containerize': model }));
    mkdirSync(join(dir, 'bin'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  const PATH = () => `${join(dir, 'bin')}:${process.env.PATH}`;
  const make = (args: string[]) => spawnSync('make', ['--no-print-directory', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: PATH() } });

  it('runs `containerize` from PATH when it is there, else the package through npx --no-install (never a download)', () => {
    const without = make(['-n', 'doctor']);
    assert.match(without.stdout, /^npx --no-install generator-containerize doctor$/m);
    writeFileSync(join(dir, 'bin', 'containerize'), '#!/bin/sh\necho "fake containerize $*"\n');
    chmodSync(join(dir, 'bin', 'containerize'), 0o755);
    const withBin = make(['-n', 'doctor']);
    assert.match(withBin.stdout, /^containerize doctor$/m);
    rmSync(join(dir, 'bin', 'containerize'));
  });

  it('creates the secret files first, then fails with doctor when a check fails (CONTAINERIZE names the bin)', () => {
    // A fake `git` too old for the stack: doctor's table says so and make fails.
    writeFileSync(join(dir, 'bin', 'git'), '#!/bin/sh\necho "git version 2.1.0"\n');
    chmodSync(join(dir, 'bin', 'git'), 0o755);
    const r = make(['doctor', `CONTAINERIZE=${process.execPath} ${BIN}`]);
    rmSync(join(dir, 'bin', 'git'));
    assert.notEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /git >= 2\.25\s+FAIL\s+2\.1\.0 \(too old\)/);
    assert.match(r.stderr, /containerize: .*check.* failed/);
  });
});

describe('containerize.mk beside the repository\'s own Makefile and Compose file', function () {
  let dir: string;
  const beside = { ...model, existing: { makefile: { path: 'Makefile' }, compose: { path: 'docker-compose.yml' } } };
  before(function () {
    if (!HAVE_MAKE) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'makefile-beside-'));
    writeTree(dir, Object.fromEntries([...composeFiles(beside), ...devFiles(beside)].map((f) => [f.path, f.content])));
    writeTree(dir, { Makefile: 'up:\n\techo theirs\n', 'docker-compose.yml': 'services: {}\n' });
    writeTree(join(dir, 'apps'), APPS);
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(HERE, 'fake-compose.sh'), join(dir, 'bin', 'docker'));
    chmodSync(join(dir, 'bin', 'docker'), 0o755);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('runs up, test and reset through make -f containerize.mk, every call on our Compose files', () => {
    const files = join(dir, 'files.log');
    writeFileSync(files, '');
    for (const target of ['up', 'test', 'reset']) {
      const r = spawnSync('make', ['--no-print-directory', '-f', 'containerize.mk', target, 'COMPOSE=docker compose', 'UP_WAIT=0'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FAKE_LOG: join(dir, 'calls.log'), FAKE_FILES: files, FAKE_ROOT: join(dir, 'apps'), FAKE_STATES: SERVICES.map((s) => `${s}=running`).join(' ') },
      });
      assert.equal(r.status, 0, `${target}: ${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout, /theirs/, `${target} never runs a target of their Makefile`);
    }
    const calls = readFileSync(files, 'utf8').split('\n').filter(Boolean);
    assert.ok(calls.length > 5, calls.join('\n'));
    for (const call of calls) assert.match(call, /: containerize\.compose\.yaml( containerize\.compose\.override\.yaml)?$/, call);
  });
});
