/**
 * Elixir end to end, without containers: the fixture Mix project (OTP's :gen_tcp, no Hex
 * dependency) detected, then every file the dockerfile, compose and dev stages render for
 * it compared byte for byte with test/golden/elixir-hello/ (UPDATE_GOLDEN=1 rewrites it),
 * the Dockerfile through our linter, Compose through its schema, the health command shared.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'yaml';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as devFiles } from '../../generators/dev/files.js';
import { files as dockerfileFiles } from '../../generators/dockerfile/files.js';
import { detectStack, toModel } from '../../lib/detect/stack.js';
import { validateCompose } from '../../lib/validate/compose.js';
import { lintDockerfile } from '../../lib/validate/dockerfile.js';
import { goldenTree } from '../helpers/golden.js';
import { REPO_ROOT } from '../helpers/tree.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'languages', 'elixir-mix-gentcp');

describe('elixir end to end: detection, Dockerfile, Compose, dev layer', () => {
  const model = toModel(detectStack(FIXTURE));
  model.name = 'hello';
  const out = [...dockerfileFiles(model), ...composeFiles(model), ...devFiles(model)];
  const rendered = Object.fromEntries(out.filter((f) => !f.block).map((f) => [f.path, f.content]));
  const get = (path: string) => rendered[path]!;

  goldenTree('elixir-hello', rendered);

  it('builds a release and runs it non-root from /app, with the health check of the detected route', () => {
    const t = get('Dockerfile');
    assert.deepEqual(lintDockerfile(t, { port: 4000, dependencies: true }), []);
    assert.match(t, /^ARG ELIXIR_VERSION=1\.14$/m);
    assert.match(t, /^FROM elixir:\$\{ELIXIR_VERSION\}-slim AS base$/m);
    assert.doesNotMatch(t, /local\.hex/, 'no dependency: no Hex');
    assert.match(t, /^RUN mix release \\\n && mv _build\/prod\/rel\/hello \/out$/m);
    assert.match(t, /^USER 10001:10001$/m);
    assert.match(t, /'\/healthz' >&3/);
    assert.match(t, /^CMD \["bin\/hello", "start"\]$/m);
    assert.match(get('.dockerignore'), /^_build\ndeps$/m);
  });

  it('Compose runs the image read-only with the Dockerfile\'s health command; the dev layer keeps deps/ and _build/ in volumes and runs mix test', () => {
    assert.deepEqual(validateCompose([get('compose.yaml'), get('compose.override.yaml')], { files: out }), []);
    const svc = parse(get('compose.yaml')).services['elixir-mix-gentcp'];
    assert.equal(svc.read_only, true);
    assert.equal(svc.healthcheck.test[0], 'CMD');
    assert.equal(svc.healthcheck.test[1], 'bash');
    const dev = parse(get('compose.override.yaml')).services['elixir-mix-gentcp'];
    assert.ok(dev.volumes.includes('/app/deps') && dev.volumes.includes('/app/_build'), JSON.stringify(dev.volumes));
    assert.match(get('Makefile'), /exec mix test/);
  });
});
