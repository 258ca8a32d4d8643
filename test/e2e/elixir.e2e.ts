/**
 * Elixir end to end (podman): the fixture Mix project (OTP's :gen_tcp, no Hex dependency, so it
 * builds offline) gets the Dockerfile the generator writes for it; the release image is built
 * and run as the Compose file runs it (read-only root, /tmp a tmpfs, no capabilities), answers
 * HTTP, passes its own HEALTHCHECK, runs as 10001 and stops cleanly on SIGTERM; the dev stage
 * runs the bind-mounted source, runs its tests with the pack's test command and restarts on a
 * change. Base images: scripts/e2e/base-images.sh (elixir:1.14-slim is Debian's Elixir).
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { files as dockerfileFiles } from '../../generators/dockerfile/files.js';
import { detectStack, toModel } from '../../lib/detect/stack.js';
import { packOf } from '../../lib/languages/index.js';
import { CONTAINER_UID } from '../../lib/model/derive.js';
import { REPO_ROOT } from '../helpers/tree.js';
import { builtImageIds, freePort, http, imageExists, podman, podmanAvailable, Resources, waitFor } from './podman.js';

const BASE_IMAGES = ['docker.io/library/elixir:1.14-slim', 'docker.io/library/debian:bookworm-slim'];
const RUN_ID = `${process.pid}`;
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'languages', 'elixir-mix-gentcp');

describe('elixir, end to end (podman)', function () {
  const res = new Resources();
  let work = '';
  const image = `localhost/e2e-elixir-hello:${RUN_ID}`;

  before(async function () {
    if (!(await podmanAvailable())) throw new Error('podman is not available: run scripts/setup/podman.sh');
    for (const ref of BASE_IMAGES) if (!(await imageExists(ref))) throw new Error(`${ref} is missing: run scripts/e2e/base-images.sh`);
    work = mkdtempSync(join(tmpdir(), 'e2e-elixir-'));
    cpSync(FIXTURE, work, { recursive: true });
    chmodSync(work, 0o755);
    const model = toModel(detectStack(work));
    for (const f of dockerfileFiles(model)) writeFileSync(join(work, f.path), f.content);
  });

  after(async function () {
    const failures = await res.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
    assert.deepEqual(failures, []);
  });

  it('the release image runs read-only as 10001, answers, passes its HEALTHCHECK and stops on SIGTERM', async () => {
    const build = await podman(['build', '--pull=never', '-t', image, work], { env: { ...process.env, BUILDAH_FORMAT: 'docker' } });
    res.images.push(image, ...builtImageIds(build.stdout));
    const port = await freePort();
    const name = `e2e-elixir-${RUN_ID}`;
    res.containers.push(name);
    await podman(['run', '-d', '--name', name, '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '-p', `127.0.0.1:${port}:4000`, image]);
    assert.equal((await waitFor(`http://127.0.0.1:${port}/healthz`)).body, 'ok');
    assert.equal((await http(`http://127.0.0.1:${port}/`)).body, 'hello');
    assert.equal((await podman(['healthcheck', 'run', name], { allowFail: true })).code, 0, 'podman healthcheck run');
    assert.match((await podman(['exec', name, 'id', '-u'])).stdout.trim(), new RegExp(`^${CONTAINER_UID}$`));
    await podman(['stop', '-t', '20', name]);
    assert.equal((await podman(['inspect', name, '--format', '{{.State.ExitCode}}'])).stdout.trim(), '0', 'a clean stop on SIGTERM');
  });

  it('the dev stage runs the mounted source, runs the tests with the pack\'s command, and restarts on a change', async () => {
    const dev = `${image}-dev`;
    const build = await podman(['build', '--pull=never', '--target', 'dev', '-t', dev, work]);
    res.images.push(dev, ...builtImageIds(build.stdout));
    const port = await freePort();
    const name = `e2e-elixir-dev-${RUN_ID}`;
    res.containers.push(name);
    // As the dev layer runs it: the source over /app, deps/ and _build/ in anonymous volumes.
    await podman(['run', '-d', '--name', name, '-v', `${work}:/app`, '-v', '/app/deps', '-v', '/app/_build', '--tmpfs', '/tmp', '-e', 'PORT=4000', '-p', `127.0.0.1:${port}:4000`, dev]);
    await waitFor(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 120_000 });
    const svc = Object.values(toModel(detectStack(work)).services)[0]!;
    const tests = await podman(['exec', name, 'sh', '-c', packOf(svc).testCommand(svc)!], { allowFail: true });
    assert.equal(tests.code, 0, tests.stdout + tests.stderr);
    assert.match(tests.stdout, /1 test, 0 failures/);
    const server = join(work, 'lib', 'hello', 'server.ex');
    writeFileSync(server, readFileSync(server, 'utf8').replace('def route(_, _)', 'def route("GET", "/reloaded"), do: {"200 OK", "reloaded"}\n  def route(_, _)'));
    assert.equal((await waitFor(`http://127.0.0.1:${port}/reloaded`, { timeoutMs: 60_000 })).body, 'reloaded');
  });
});
