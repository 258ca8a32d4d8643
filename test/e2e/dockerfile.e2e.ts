/**
 * End to end: the Dockerfiles `containerize dockerfile` writes for
 * examples/taskboard really build with podman (on the stand-in base images of
 * scripts/e2e/base-images.sh), really run as the non-root user with a
 * read-only root filesystem, answer HTTP, pass their own HEALTHCHECK, stop
 * promptly on SIGTERM, and a one-line source change rebuilds without
 * re-running the dependency install.
 *
 * Measures image sizes and cold/warm build times and prints them (and writes
 * them to .e2e/dockerfile/figures.json) for docs/dockerfiles.md.
 *
 * KEEP_E2E=1 keeps the images, containers and temp folder for inspection.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPENDENCY_INSTALL, lintDockerfile } from '../../lib/validate/dockerfile.js';
import { CONTAINER_UID } from '../../lib/model/derive.js';
import { taskboardModel } from '../helpers/dockerfile-models.js';
import { REPO_ROOT } from '../helpers/tree.js';
import { builtImageIds, freePort, http, imageExists, parseBuildSteps, podman, podmanAvailable, Resources, run, waitFor, type BuildStep, EXAMPLE_BASE_IMAGES as BASE_IMAGES } from './podman.js';


/** The source file each service gets a one-line change in, and the comment syntax. */
const TOUCH: Record<string, [file: string, comment: string]> = {
  web: ['server.js', '// e2e: a one-line source change'],
  api: ['app.py', '# e2e: a one-line source change'],
  stats: ['main.go', '// e2e: a one-line source change'],
  worker: ['main.go', '// e2e: a one-line source change'],
};

interface Figures {
  service: string;
  base: string;
  sizeMB: number;
  coldSeconds: number;
  warmSeconds: number;
  depStepsCached: string[];
}

const RUN_ID = `${process.pid}`;
const tag = (svc: string) => `localhost/e2e-dockerfile-${svc}:${RUN_ID}`;
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const OUT = join(REPO_ROOT, '.e2e', 'dockerfile');

describe('dockerfile stage, end to end (podman)', function () {
  const res = new Resources();
  const model = taskboardModel();
  const services = Object.keys(model.services).sort();
  let work = '';
  let app = '';
  const cold = new Map<string, { ms: number; steps: BuildStep[] }>();
  const warm = new Map<string, { ms: number; steps: BuildStep[] }>();
  const ports = new Map<string, number>();
  const figures: Figures[] = [];

  before(async function () {
    if (!(await podmanAvailable())) throw new Error('podman is not available: run scripts/setup/podman.sh');
    const missing: string[] = [];
    for (const ref of BASE_IMAGES) if (!(await imageExists(ref))) missing.push(ref);
    if (missing.length) throw new Error(`stand-in base images missing (${missing.join(', ')}): run scripts/e2e/base-images.sh`);
    mkdirSync(OUT, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'e2e-dockerfile-'));
    // The folder name is the detected application name: keep it "taskboard".
    app = join(work, 'taskboard');
    cpSync(join(REPO_ROOT, 'examples', 'taskboard'), app, {
      recursive: true,
      filter: (src) => !/(^|\/)(node_modules|__pycache__)(\/|$)/.test(src),
    });
  });

  after(async function () {
    this.timeout(300_000);
    if (process.env.KEEP_E2E) {
      console.log(`      KEEP_E2E: kept ${work}, images ${services.map(tag).join(' ')} and containers ${res.containers.join(' ')}`);
      return;
    }
    const failures = await res.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
    if (failures.length) console.log(`      cleanup problems:\n        ${failures.join('\n        ')}`);
  });

  it('the generator writes a Dockerfile and .dockerignore per service (detected model = the golden one)', async () => {
    const r = await run(process.execPath, [join(REPO_ROOT, 'dist', 'bin', 'containerize.js'), 'dockerfile', '--yes'], { cwd: app, env: { ...process.env, CI: 'true' } });
    // The run summary lists what it wrote (the writer commits it, not Yeoman's conflicter).
    assert.match(r.stdout + r.stderr, /new\s+web\/Dockerfile/);
    for (const svc of services) {
      const text = readFileSync(join(app, svc, 'Dockerfile'), 'utf8');
      assert.deepEqual(lintDockerfile(text, { port: model.services[svc]!.port, dependencies: true }), [], svc);
      assert.equal(text, readFileSync(join(REPO_ROOT, 'test', 'golden', 'dockerfile-taskboard', svc, 'Dockerfile'), 'utf8'), `${svc}/Dockerfile differs from the golden file`);
      readFileSync(join(app, svc, '.dockerignore'), 'utf8');
    }
  });

  // The first build may reuse layers an earlier build of the same Dockerfile left (the
  // Compose e2e test builds these files too): the cold figures are measured last, with
  // --no-cache. Not here: --no-cache leaves a second copy of layers that already exist
  // (stats and worker start alike), and buildah could then take the other copy as the
  // parent of the warm build's steps and miss the cache it should hit.
  it('builds every service', async function () {
    for (const svc of services) {
      const r = await podman(['build', '--pull=never', '-t', tag(svc), svc], {
        cwd: app,
        env: { ...process.env, BUILDAH_FORMAT: 'docker' },
        allowFail: true,
      });
      writeFileSync(join(OUT, `${svc}-first.log`), r.stdout + r.stderr);
      res.images.push(tag(svc), ...builtImageIds(r.stdout));
      assert.equal(r.code, 0, `${svc}: build failed, see .e2e/dockerfile/${svc}-first.log\n${r.stderr.slice(-2000)}`);
    }
  });

  it('every image runs as uid:gid 10001:10001 and keeps its HEALTHCHECK', async () => {
    for (const svc of services) {
      const r = await podman(['image', 'inspect', '--format', '{{.Config.User}}|{{json .Config.Healthcheck}}', tag(svc)]);
      const [user, health] = r.stdout.trim().split('|');
      assert.equal(user, `${CONTAINER_UID}:${CONTAINER_UID}`, svc);
      if (model.services[svc]!.healthPath) assert.match(health!, /"Test":\["CMD",/, `${svc} HEALTHCHECK (BUILDAH_FORMAT=docker)`);
    }
  });

  it('runs the stack (redis + every service, read-only root filesystem): non-root, HTTP answers, worker processes tasks', async () => {
    const net = `e2e-dockerfile-${RUN_ID}`;
    await podman(['network', 'create', net]);
    res.networks.push(net);
    const redis = `e2e-dockerfile-redis-${RUN_ID}`;
    await podman(['run', '-d', '--name', redis, '--network', net, '--network-alias', 'redis', 'docker.io/library/redis:7-bookworm']);
    res.containers.push(redis);
    for (const svc of services) {
      const s = model.services[svc]!;
      const name = `e2e-dockerfile-${svc}-${RUN_ID}`;
      const args = ['run', '-d', '--name', name, '--network', net, '--network-alias', svc, '--read-only', '--tmpfs', '/tmp'];
      if (s.port !== null) {
        const hostPort = await freePort();
        ports.set(svc, hostPort);
        args.push('-p', `127.0.0.1:${hostPort}:${s.port}`);
      }
      await podman([...args, tag(svc)]);
      res.containers.push(name);
    }
    for (const svc of services) {
      const name = `e2e-dockerfile-${svc}-${RUN_ID}`;
      const id = await podman(['exec', name, 'id', '-u'], { allowFail: true });
      if (id.code === 0) assert.equal(id.stdout.trim(), String(CONTAINER_UID), `${svc}: id -u`);
      const top = await podman(['top', name, 'huser', 'args']);
      for (const line of top.stdout.trim().split('\n').slice(1)) assert.match(line.trim(), new RegExp(`^${CONTAINER_UID}\\s`), `${svc}: process not running as ${CONTAINER_UID}: ${line}`);
    }
    for (const svc of services) {
      const s = model.services[svc]!;
      if (s.port === null || !s.healthPath) continue;
      await waitFor(`http://127.0.0.1:${ports.get(svc)}${s.healthPath}`, { timeoutMs: 60_000 });
    }
    // The whole app: a task created through the web UI's API is processed by the worker.
    const web = `http://127.0.0.1:${ports.get('web')}`;
    const created = await http(`${web}/api/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'e2e task' }) });
    assert.equal(created.status, 201, created.body);
    const task = JSON.parse(created.body) as { id: number };
    const done = await waitFor(`${web}/api/tasks/${task.id}`, { timeoutMs: 30_000, accept: (a) => a.status === 200 && JSON.parse(a.body).status === 'done' });
    assert.equal(JSON.parse(done.body).title, 'e2e task');
    const stats = JSON.parse((await waitFor(`http://127.0.0.1:${ports.get('stats')}/stats`)).body) as { processed: number };
    assert.ok(stats.processed >= 1, `stats: ${JSON.stringify(stats)}`);
    const page = await http(`${web}/`);
    assert.equal(page.status, 200);
    assert.match(page.body, /e2e task/);
  });

  it('each HEALTHCHECK passes inside its running container', async () => {
    for (const svc of services) {
      if (!model.services[svc]!.healthPath) continue;
      const r = await podman(['healthcheck', 'run', `e2e-dockerfile-${svc}-${RUN_ID}`], { allowFail: true });
      assert.equal(r.code, 0, `${svc}: podman healthcheck run: ${r.stdout}${r.stderr}`);
    }
  });

  it('every service stops promptly on SIGTERM (exec form, signals reach the app)', async () => {
    for (const svc of services) {
      const name = `e2e-dockerfile-${svc}-${RUN_ID}`;
      const r = await podman(['stop', '-t', '20', name]);
      assert.ok(r.ms < 10_000, `${svc} took ${r.ms} ms to stop: SIGTERM was not handled`);
      const code = (await podman(['inspect', '--format', '{{.State.ExitCode}}', name])).stdout.trim();
      assert.ok(['0', '143'].includes(code), `${svc} exit code ${code}`);
    }
  });

  it('a one-line source change rebuilds from the cache: the dependency layer is reused, the source layer is not', async () => {
    for (const svc of services) {
      const [file, comment] = TOUCH[svc]!;
      appendFileSync(join(app, svc, file), `\n${comment}\n`);
      const r = await podman(['build', '--pull=never', '-t', tag(svc), svc], { cwd: app, env: { ...process.env, BUILDAH_FORMAT: 'docker' }, allowFail: true });
      writeFileSync(join(OUT, `${svc}-warm.log`), r.stdout + r.stderr);
      res.images.push(...builtImageIds(r.stdout));
      assert.equal(r.code, 0, `${svc}: warm build failed\n${r.stderr.slice(-2000)}`);
      const steps = parseBuildSteps(r.stdout);
      warm.set(svc, { ms: r.ms, steps });
      const deps = steps.filter((s) => s.instruction.startsWith('RUN') && DEPENDENCY_INSTALL.test(s.instruction));
      assert.ok(deps.length > 0, `${svc}: no dependency install step in the build`);
      for (const d of deps) assert.ok(d.cached, `${svc}: dependency step re-ran: ${d.instruction}`);
      const source = steps.filter((s) => /^COPY \. \S+$/.test(s.instruction));
      assert.ok(source.length > 0, `${svc}: no COPY . step`);
      for (const s of source) assert.ok(!s.cached, `${svc}: the source layer was reused after a source change: ${s.instruction}`);
    }
  });

  it('measures cold builds (no layer cache)', async function () {
    for (const svc of services) {
      const r = await podman(['build', '--pull=never', '--no-cache', '-t', `${tag(svc)}-cold`, svc], {
        cwd: app,
        env: { ...process.env, BUILDAH_FORMAT: 'docker' },
        allowFail: true,
      });
      writeFileSync(join(OUT, `${svc}-cold.log`), r.stdout + r.stderr);
      res.images.push(`${tag(svc)}-cold`, ...builtImageIds(r.stdout));
      assert.equal(r.code, 0, `${svc}: cold build failed\n${r.stderr.slice(-2000)}`);
      const steps = parseBuildSteps(r.stdout);
      assert.ok(!steps.some((s) => s.cached), `${svc}: --no-cache build reused a layer`);
      cold.set(svc, { ms: r.ms, steps });
    }
  });

  it('reports image sizes and build times', async () => {
    for (const svc of services) {
      const size = Number((await podman(['image', 'inspect', '--format', '{{.Size}}', tag(svc)])).stdout.trim());
      const base = (await podman(['image', 'inspect', '--format', '{{index .Labels "org.opencontainers.image.base.name"}}', tag(svc)])).stdout.trim();
      figures.push({
        service: svc,
        base,
        sizeMB: Math.round(size / 1e5) / 10,
        coldSeconds: seconds(cold.get(svc)!.ms),
        warmSeconds: seconds(warm.get(svc)!.ms),
        depStepsCached: warm
          .get(svc)!
          .steps.filter((s) => s.cached && s.instruction.startsWith('RUN') && DEPENDENCY_INSTALL.test(s.instruction))
          .map((s) => s.instruction.replace(/\s+/g, ' ').slice(0, 120)),
      });
    }
    writeFileSync(join(OUT, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log('\n      service  base image                          size (MB)  cold build (s)  warm build (s)');
    for (const f of figures) {
      console.log(`      ${f.service.padEnd(8)} ${f.base.padEnd(35)} ${String(f.sizeMB).padStart(9)}  ${String(f.coldSeconds).padStart(14)}  ${String(f.warmSeconds).padStart(14)}`);
    }
    assert.equal(figures.length, services.length);
  });
});
