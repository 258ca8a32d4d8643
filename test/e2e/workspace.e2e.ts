/**
 * End to end: a Node service that is a member of an npm workspace (its lockfile at
 * the workspace root, a workspace-local dependency "@demo/shared": "*") gets an
 * image that really builds from the workspace root with podman, runs as 10001,
 * answers HTTP with the shared package's output, and a one-line source change
 * rebuilds without re-running the dependency install (the `manifests` stage).
 *
 * Fixture: test/fixtures/e2e/npm-workspace (lockfile made with
 * `npm install --package-lock-only`, registry URLs resolved).
 * KEEP_E2E=1 keeps the images, container and temp folder for inspection.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEY, type StackModel } from '../../lib/model/types.js';
import { runGenerator } from '../helpers/run.js';
import { REPO_ROOT } from '../helpers/tree.js';
import { builtImageIds, freePort, imageExists, parseBuildSteps, podman, podmanAvailable, Resources, waitFor } from './podman.js';

const BASE = 'docker.io/library/node:22-bookworm-slim';
const RUN_ID = `${process.pid}`;
const tag = (n: number) => `localhost/e2e-workspace-api:${RUN_ID}-${n}`;
const ENV = { ...process.env, BUILDAH_FORMAT: 'docker' };

describe('node workspace member, end to end (podman)', function () {
  const res = new Resources();
  let work = '';
  let app = '';

  before(async function () {
    if (!(await podmanAvailable())) throw new Error('podman is not available: run scripts/setup/podman.sh');
    if (!(await imageExists(BASE))) throw new Error(`stand-in base image missing (${BASE}): run scripts/e2e/base-images.sh`);
    work = mkdtempSync(join(tmpdir(), 'e2e-workspace-'));
    app = join(work, 'demo');
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'npm-workspace'), app, { recursive: true });
  });

  after(async function () {
    this.timeout(300_000);
    if (process.env.KEEP_E2E) {
      console.log(`      KEEP_E2E: kept ${work}, images ${res.images.join(' ')}`);
      return;
    }
    const failures = await res.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
    if (failures.length) console.log(`      cleanup problems:\n        ${failures.join('\n        ')}`);
  });

  const build = async (n: number) => {
    res.images.push(tag(n));
    const r = await podman(['build', '--pull=never', '-f', 'apps/api/Dockerfile', '-t', tag(n), '.'], { cwd: app, env: ENV, allowFail: true });
    for (const id of builtImageIds(r.stdout)) res.images.splice(res.images.length - 1, 0, id);
    assert.equal(r.code, 0, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    return r;
  };

  it('detects api as a workspace member and writes its Dockerfile, ignore file and compose build', async () => {
    await runGenerator('app').cd(app).withOptions({ yes: true } as Record<string, unknown>);
    const model = JSON.parse(readFileSync(join(app, '.yo-rc.json'), 'utf8'))[CONFIG_KEY] as StackModel;
    assert.deepEqual(Object.keys(model.services), ['api']);
    assert.equal(model.services.api!.lockfile, '../../package-lock.json');
    assert.ok(existsSync(join(app, 'apps/api/Dockerfile')));
    assert.ok(existsSync(join(app, 'apps/api/Dockerfile.dockerignore')));
    assert.ok(!existsSync(join(app, '.dockerignore')), 'no root .dockerignore over the user\'s');
    const compose = parse(readFileSync(join(app, 'compose.yaml'), 'utf8'));
    assert.deepEqual(compose.services.api.build, { context: '.', dockerfile: 'apps/api/Dockerfile' });
  });

  it('builds from the workspace root, runs as 10001 and answers with the shared package', async () => {
    await build(1);
    const port = await freePort();
    const name = `e2e-workspace-api-${RUN_ID}`;
    res.containers.push(name);
    await podman(['run', '-d', '--name', name, '--read-only', '--tmpfs', '/tmp', '-e', 'PORT=3000', '-p', `127.0.0.1:${port}:3000`, tag(1)]);
    const a = await waitFor(`http://127.0.0.1:${port}/`);
    const body = JSON.parse(a.body) as { message: string; uid: number };
    assert.equal(body.message, 'hello from @demo/shared, api');
    assert.equal(body.uid, 10001);
    const user = (await podman(['inspect', '--format', '{{.Config.User}}', tag(1)])).stdout.trim();
    assert.equal(user, '10001:10001');
  });

  it('a one-line source change reuses the install layers', async () => {
    appendFileSync(join(app, 'apps/api/server.js'), '// e2e: a one-line source change\n');
    const r = await build(2);
    const steps = parseBuildSteps(r.stdout);
    const installs = steps.filter((s) => /npm ci/.test(s.instruction));
    // buildah builds only the stages the runtime needs: here prod-deps (no build stage).
    assert.ok(installs.length >= 1, steps.map((s) => s.instruction).join('\n'));
    for (const s of installs) assert.ok(s.cached, `not reused: ${s.instruction}`);
    const source = steps.filter((s) => s.instruction === 'COPY . .');
    assert.ok(source.some((s) => !s.cached), 'the source copy re-ran');
  });
});
