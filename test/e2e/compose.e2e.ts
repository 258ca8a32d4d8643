/**
 * End to end, issue #4: the generated Compose files run the example for real
 * with podman-compose (1.0.3 from Debian) on the locally made base images.
 *
 * Both come up through the generated Makefile (`make up`, `make up PROD=1`).
 *
 * 1. the plain stack (compose.yaml alone): every service with a port answers
 *    over HTTP, and a task created through the public web UI is processed by
 *    the worker and read back through web and stats: data crossing services via Redis;
 * 2. the dev layer (compose.override.yaml, loaded automatically): it comes up,
 *    and an edit to a mounted source file is served after node --watch restarts,
 *    without rebuilding the image.
 *
 * podman-compose does not wait for `service_healthy`, so the test polls; the
 * services themselves retry Redis. Only 127.0.0.1 ports are used.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/tree.js';
import { http, podman, run, waitFor, freePort, type RunResult } from './podman.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'taskboard');
const BIN = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');
const WEB = 'http://127.0.0.1:3000';
/** Builds keep HEALTHCHECK (OCI images drop it) and reach npm through the proxy like any build here. */
const ENV = { ...process.env, BUILDAH_FORMAT: 'docker' };

describe('Compose stack of the example (podman-compose)', function () {
  let dir = '';
  let project = '';
  /** The generated Makefile, the one-command entry point, driving podman-compose under this run's project name. */
  const make = (target: string, vars: string[] = []): Promise<RunResult> =>
    run('make', [target, `COMPOSE=podman-compose -p ${project}`, ...vars], { cwd: dir, env: ENV, timeoutMs: 20 * 60_000 });
  const down = () => run('podman-compose', ['-p', project, 'down', '-v', '-t', '2'], { cwd: dir, env: ENV, allowFail: true, timeoutMs: 300_000 });

  before(async function () {
    // Port 3000 is the example's published port; it must be free on 127.0.0.1.
    const probe = await http(`${WEB}/`).catch(() => null);
    if (probe) throw new Error('127.0.0.1:3000 is already in use; stop what listens there first');
    dir = join(mkdtempSync(join(tmpdir(), 'compose-e2e-')), 'taskboard');
    cpSync(EXAMPLE, dir, { recursive: true });
    project = `tbe2e${(await freePort()) % 10000}`;
    await run(process.execPath, [BIN, '--yes'], { cwd: dir });
  });

  after(async function () {
    if (!dir) return;
    await down();
    // podman-compose 1.0.3 leaves the project's network (and anonymous volumes) behind on
    // `down`: remove what this run created, so repeated runs do not use up podman's subnets.
    await podman(['network', 'rm', '-f', `${project}_default`], { allowFail: true });
    const volumes = (await podman(['volume', 'ls', '-q', '--filter', `label=io.podman.compose.project=${project}`], { allowFail: true })).stdout.split('\n').filter(Boolean);
    if (volumes.length) await podman(['volume', 'rm', '-f', ...volumes], { allowFail: true });
  });

  describe('plain stack: compose.yaml (make up PROD=1)', function () {
    before(async function () {
      await make('up', ['PROD=1']);
    });
    after(async function () {
      await make('down', ['PROD=1']);
    });

    it('publishes only the public service, on 127.0.0.1', async function () {
      const ports = (await podman(['ps', '--filter', `label=io.podman.compose.project=${project}`, '--format', '{{.Names}} {{.Ports}}'])).stdout;
      const published = ports.split('\n').filter((l) => /->/.test(l));
      assert.equal(published.length, 1, ports);
      assert.match(published[0]!, /_web_\d+ 127\.0\.0\.1:3000->3000\/tcp/);
    });

    it('every service with a port answers over HTTP', async function () {
      await waitFor(`${WEB}/healthz`, { timeoutMs: 120_000 });
      // api and stats are internal: reach them through the network namespace of web.
      for (const [svc, url] of [
        ['api', 'http://api:8000/health'],
        ['stats', 'http://stats:8080/healthz'],
      ] as const) {
        const r = await podman(['exec', `${project}_web_1`, 'node', '-e', `fetch('${url}').then(r => { console.log(r.status); process.exit(r.ok ? 0 : 1) })`], { allowFail: true });
        assert.equal(r.code, 0, `${svc}: ${r.stdout}${r.stderr}`);
      }
    });

    it('runs every app container as the non-root user 10001', async function () {
      for (const svc of ['web', 'api', 'stats', 'worker']) {
        const r = await podman(['exec', `${project}_${svc}_1`, 'id', '-u'], { allowFail: true });
        const user = r.code === 0 ? r.stdout.trim() : (await podman(['inspect', `${project}_${svc}_1`, '--format', '{{.Config.User}}'])).stdout.trim();
        assert.match(user, /^10001(:10001)?$/, `${svc} runs as ${user}`);
      }
    });

    it('moves data between services through Redis: web → api → Redis → worker → stats and web', async function () {
      const title = `e2e ${Date.now()}`;
      const created = await http(`${WEB}/api/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
      assert.equal(created.status, 201, created.body);
      const id = JSON.parse(created.body).id as string;
      const done = await waitFor(`${WEB}/api/tasks/${id}`, { timeoutMs: 60_000, accept: (a) => a.status === 200 && JSON.parse(a.body).status === 'done' });
      assert.equal(JSON.parse(done.body).title, title);
      const stats = JSON.parse((await waitFor(`${WEB}/api/stats`)).body);
      assert.ok(stats.processed >= 1, `stats saw the processed task: ${JSON.stringify(stats)}`);
      const page = await http(`${WEB}/`);
      assert.match(page.body, new RegExp(title));
    });
  });

  describe('dev layer: compose.override.yaml (make up)', function () {
    before(async function () {
      await make('up');
    });
    after(async function () {
      await make('down');
    });

    it('comes up from the dev stages with the source mounted', async function () {
      await waitFor(`${WEB}/healthz`, { timeoutMs: 180_000 });
      const image = (await podman(['inspect', `${project}_web_1`, '--format', '{{.ImageName}}'])).stdout.trim();
      assert.match(image, /taskboard-web:dev$/);
    });

    it('serves a source edit without rebuilding the image', async function () {
      const imageBefore = (await podman(['image', 'inspect', 'localhost/taskboard-web:dev', '--format', '{{.Id}}'])).stdout.trim();
      assert.equal((await http(`${WEB}/e2e-reload`)).status, 404);
      appendFileSync(join(dir, 'web', 'server.js'), "\napp.get('/e2e-reload', (req, res) => res.send('reloaded'));\n");
      const answer = await waitFor(`${WEB}/e2e-reload`, { timeoutMs: 60_000 });
      assert.equal(answer.body, 'reloaded');
      const imageAfter = (await podman(['image', 'inspect', 'localhost/taskboard-web:dev', '--format', '{{.Id}}'])).stdout.trim();
      assert.equal(imageAfter, imageBefore, 'the dev image was not rebuilt');
    });
  });
});
