/**
 * End to end: the services of test/fixtures/e2e/wired (a "shop": notes with
 * pg + ioredis, orders with mysql2 + amqplib) reach their backing services through the
 * Compose stack the generator writes, with podman-compose on the local stand-in images.
 *
 * The fixture is copied to a temporary `shop/`, the generator runs on it with `--yes`
 * (all stages) plus the choices below that detection cannot make, and the stack comes
 * up through the generated Makefile (`make up PROD=1`, compose.yaml alone). Then:
 *
 * 1. notes and orders, the public services, are published on 127.0.0.1 only, on the
 *    ports compose.yaml gives them;
 * 2. `GET /roundtrip` of notes answers 200 {"postgres":"ok","redis":"ok"} and that of
 *    orders {"mariadb":"ok","rabbitmq":"ok"}: each service wrote to and read back from
 *    each of its backing services with the connection values (hosts, ports, users,
 *    passwords from the Compose secrets, database names) the generator wired;
 * 3. the rows, key and queue are really in the stack's own backing containers.
 *
 * What it proves when green: the env the generator gives each service (DATABASE_URL,
 * REDIS_URL, DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME, AMQP_URL) agrees with what it
 * configures in each backing service, with real client libraries, not just that the
 * containers start. It does not prove the Kubernetes or Helm wiring (kube.e2e.ts plays
 * the example's manifests), the dev layer, or the backing services' data surviving a
 * restart.
 *
 * The stand-ins (scripts/e2e/base-images.sh, WIRED_BASE_IMAGES) must exist. podman-compose
 * 1.0.3 does not wait for `service_healthy`, so the test polls. Only 127.0.0.1 ports are
 * used. KEEP_E2E=1 keeps the stack, its images and the temp folder for inspection.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/tree.js';
import { ROUNDTRIPS, USER_CHOICES, allOk } from './wired-fixture.js';
import { freePort, http, imageExists, podman, podmanAvailable, run, waitFor, WIRED_BASE_IMAGES, type RunResult } from './podman.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'wired');
const BIN = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');
/** Builds keep HEALTHCHECK (OCI images drop it) and reach npm through the proxy like any build here. */
const ENV = { ...process.env, BUILDAH_FORMAT: 'docker' };

interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: (string | { host_ip?: string; published?: string | number; target?: number })[];
  environment?: Record<string, string | null>;
}

/** The host port compose.yaml publishes for a service on 127.0.0.1, or null. */
function publishedPort(svc: ComposeService | undefined): number | null {
  for (const p of svc?.ports ?? []) {
    if (typeof p === 'string') {
      const m = /^127\.0\.0\.1:(\d+):\d+(\/tcp)?$/.exec(p);
      if (m) return Number(m[1]);
    } else if (p.host_ip === '127.0.0.1' && p.published !== undefined) {
      return Number(p.published);
    }
  }
  return null;
}

/** `redis:7-bookworm` → `docker.io/library/redis:7-bookworm`, the name podman resolves a short name to here. */
function qualified(image: string): string {
  const parts = image.split('/');
  if (parts.length === 1) return `docker.io/library/${image}`;
  const host = parts[0]!;
  return host.includes('.') || host.includes(':') || host === 'localhost' ? image : `docker.io/${image}`;
}

describe('wired shop: each service reaches its backing services through the generated Compose stack (podman-compose)', function () {
  let work = '';
  let dir = '';
  let project = '';
  let compose: { services: Record<string, ComposeService> } = { services: {} };
  const ports: Record<string, number> = {};
  let generated = false;

  /** The generated Makefile, the one-command entry point, driving podman-compose under this run's project name. */
  const make = (target: string, vars: string[] = []): Promise<RunResult> =>
    run('make', [target, `COMPOSE=podman-compose -p ${project}`, ...vars], { cwd: dir, env: ENV, timeoutMs: 20 * 60_000 });
  const container = (svc: string) => `${project}_${svc}_1`;
  /** The last lines of an app container's log (the apps never print passwords), for failure messages. */
  const appLog = async (svc: string) => {
    const r = await podman(['logs', '--tail', '15', container(svc)], { allowFail: true });
    return `--- ${svc} log (tail)\n${r.stdout}${r.stderr}`;
  };
  /** A command in a backing container, through sh so it can use the container's own env (user, database, secret file). */
  const inBacking = (svc: string, script: string) => podman(['exec', container(svc), 'sh', '-c', script], { allowFail: true, timeoutMs: 60_000 });

  before(async function () {
    if (!(await podmanAvailable())) throw new Error('podman is not available: run scripts/setup/podman.sh');
    const missing: string[] = [];
    for (const ref of WIRED_BASE_IMAGES) if (!(await imageExists(ref))) missing.push(ref);
    if (missing.length) throw new Error(`stand-in base images missing (${missing.join(', ')}): run scripts/e2e/base-images.sh`);
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build (npm run test:e2e does)`);

    work = mkdtempSync(join(tmpdir(), 'wired-e2e-'));
    // The folder name is the detected application name: keep it "shop".
    dir = join(work, 'shop');
    cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !/(^|\/)node_modules(\/|$)/.test(src) });
    project = `shope2e${(await freePort()) % 10000}`;
    await run(process.execPath, [BIN, '--yes', ...USER_CHOICES.flatMap((s) => ['--set', s])], { cwd: dir });
    generated = true;
    compose = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as typeof compose;

    // Every image the stack pulls must be a local stand-in: podman would try a registry.
    // (A process of another service's image, notes-worker, runs an image the stack builds.)
    const built = new Set(Object.values(compose.services).filter((s) => s.build && s.image).map((s) => s.image));
    const pulled = Object.entries(compose.services).filter(([, s]) => s.image && !s.build && !built.has(s.image)).map(([name, s]) => [name, qualified(s.image!)] as const);
    const unavailable: string[] = [];
    for (const [name, ref] of pulled) if (!(await imageExists(ref))) unavailable.push(`${name}: ${ref}`);
    assert.deepEqual(unavailable, [], 'backing images without a local stand-in (scripts/e2e/base-images.sh builds postgres, redis, mariadb, rabbitmq)');

    for (const svc of Object.keys(ROUNDTRIPS)) {
      const port = publishedPort(compose.services[svc]);
      assert.ok(port, `compose.yaml publishes ${svc} on 127.0.0.1 (public service): ${JSON.stringify(compose.services[svc]?.ports)}`);
      const busy = await http(`http://127.0.0.1:${port}/`).catch(() => null);
      if (busy) throw new Error(`127.0.0.1:${port} (${svc}) is already in use; stop what listens there first`);
      ports[svc] = port;
    }
  });

  after(async function () {
    this.timeout(600_000);
    if (process.env.KEEP_E2E) {
      console.log(`      KEEP_E2E: kept ${dir} (project ${project}: make down PROD=1 COMPOSE="podman-compose -p ${project}")`);
      return;
    }
    if (generated) {
      await run('podman-compose', ['-p', project, 'down', '-v', '-t', '2'], { cwd: dir, env: ENV, allowFail: true, timeoutMs: 300_000 });
      // podman-compose 1.0.3 leaves the project's network and volumes behind on `down`.
      await podman(['network', 'rm', '-f', `${project}_default`], { allowFail: true });
      const volumes = (await podman(['volume', 'ls', '-q', '--filter', `label=io.podman.compose.project=${project}`], { allowFail: true })).stdout.split('\n').filter(Boolean);
      if (volumes.length) await podman(['volume', 'rm', '-f', ...volumes], { allowFail: true });
      // The images this run built (the generated names, localhost/shop-<service>).
      for (const [name, s] of Object.entries(compose.services)) {
        if (!s.build || !s.image) continue;
        const r = await podman(['rmi', s.image], { allowFail: true });
        if (r.code !== 0 && !/image not known|no such/i.test(r.stderr)) console.log(`      could not remove ${name}'s image ${s.image}: ${r.stderr.trim()}`);
      }
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('plain stack: compose.yaml (make up PROD=1)', function () {
    before(async function () {
      await make('up', ['PROD=1']);
    });

    it('publishes exactly notes and orders, on 127.0.0.1', async function () {
      const ps = (await podman(['ps', '--filter', `label=io.podman.compose.project=${project}`, '--format', '{{.Names}} {{.Ports}}'])).stdout;
      const published = ps.split('\n').filter((l) => /->/.test(l)).sort();
      assert.equal(published.length, 2, ps);
      assert.match(published[0]!, new RegExp(`_notes_\\d+ 127\\.0\\.0\\.1:${ports.notes}->\\d+/tcp$`));
      assert.match(published[1]!, new RegExp(`_orders_\\d+ 127\\.0\\.0\\.1:${ports.orders}->\\d+/tcp$`));
    });

    for (const [svc, backings] of Object.entries(ROUNDTRIPS)) {
      it(`${svc} answers /roundtrip with ${backings.map((b) => `${b} "ok"`).join(' and ')}`, async function () {
        await waitFor(`http://127.0.0.1:${ports[svc]}/healthz`, { timeoutMs: 180_000 }).catch(async (err: Error) => assert.fail(`${err.message}\n${await appLog(svc)}`));
        // The backing services may still be initialising (podman-compose does not wait for them).
        const answer = await waitFor(`http://127.0.0.1:${ports[svc]}/roundtrip`, { timeoutMs: 240_000, accept: (a) => allOk(a, backings) }).catch(async (err: Error) =>
          assert.fail(`${err.message}\n${await appLog(svc)}`),
        );
        assert.deepEqual(JSON.parse(answer.body), Object.fromEntries(backings.map((b) => [b, 'ok'])));
      });
    }

    it("notes' worker and release command run notes' image (built once) with their own commands", function () {
      for (const p of ['notes-worker', 'notes-release']) {
        const c = compose.services[p] as ComposeService & { command?: string[]; restart?: string };
        assert.ok(c, `${p} is a service of compose.yaml: ${Object.keys(compose.services).join(', ')}`);
        assert.equal(c.build, undefined, `${p} is not built`);
        assert.equal(c.image, compose.services.notes!.image, `${p} runs notes' image`);
      }
      assert.deepEqual((compose.services['notes-release'] as { command?: string[] }).command, ['node', 'migrate.js']);
      assert.equal((compose.services['notes-release'] as { restart?: string }).restart, 'no');
    });

    it('the release command ran once to completion, and the worker writes to Redis what it reads from PostgreSQL', async function () {
      const release = container('notes-release');
      const deadline = Date.now() + 240_000;
      let state = '';
      while (Date.now() < deadline) {
        state = (await podman(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', release], { allowFail: true })).stdout.trim();
        if (/^exited /.test(state)) break;
        await new Promise((r) => setTimeout(r, 2000));
      }
      assert.equal(state, 'exited 0', `${release}: ${state}\n${await appLog('notes-release')}`);
      const pg = Object.keys(compose.services).find((name) => /(^|\/)postgres:/.test(compose.services[name]!.image ?? ''))!;
      const runs = await inBacking(pg, 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -Atc "select count(*) from releases"');
      assert.match(runs.stdout.trim(), /^[1-9]\d*$/, runs.stderr);
      const redis = Object.keys(compose.services).find((name) => /(^|\/)redis:/.test(compose.services[name]!.image ?? ''))!;
      let count = '';
      for (let i = 0; i < 60 && !/^\d+$/.test(count); i++) {
        count = (await inBacking(redis, 'REDISCLI_AUTH="$(cat /run/secrets/*-password)" redis-cli get notes:count')).stdout.trim();
        if (!/^\d+$/.test(count)) await new Promise((r) => setTimeout(r, 2000));
      }
      assert.match(count, /^\d+$/, `notes:count in Redis, written by notes-worker\n${await appLog('notes-worker')}`);
    });

    it("the round trips' data is in the stack's own backing containers", async function () {
      // Backing services found by image (their names are the generator's choice); each
      // command runs inside with that container's own user, database and secret file.
      const checks: [string, string, RegExp][] = [
        ['postgres', 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -Atc "select count(*) from notes"', /^[1-9]\d*$/],
        // Redis has a password here (every client can carry it): the secret is mounted for the wrapper.
        ['redis', 'REDISCLI_AUTH="$(cat /run/secrets/*-password)" redis-cli get notes:last', /\S/],
        ['mariadb', 'MYSQL_PWD="$(cat "$MARIADB_PASSWORD_FILE")" mariadb -u"$MARIADB_USER" "$MARIADB_DATABASE" -Nse "select count(*) from orders"', /^[1-9]\d*$/],
        ['rabbitmq', 'rabbitmqctl -q list_queues name', /^orders\.created$/m],
      ];
      const problems: string[] = [];
      for (const [kind, script, expect] of checks) {
        const svc = Object.keys(compose.services).find((name) => new RegExp(`(^|/)${kind}:`).test(compose.services[name]!.image ?? ''));
        if (!svc) {
          problems.push(`${kind}: no service with that image in compose.yaml (services: ${Object.keys(compose.services).join(', ')})`);
          continue;
        }
        const r = await inBacking(svc, script);
        if (r.code !== 0 || !expect.test(r.stdout.trim())) problems.push(`${svc}: ${script} -> exit ${r.code}: ${r.stdout.trim()} ${r.stderr.trim()}`);
      }
      assert.deepEqual(problems, []);
    });
  });
});
