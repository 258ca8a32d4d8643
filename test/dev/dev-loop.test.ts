/**
 * The dev layer and the Dockerfile's dev stage agree on the folders the dev command
 * writes inside the bind-mounted source: each is an anonymous volume in
 * compose.override.yaml (so the container never writes into the host's folder, which on
 * Docker Engine for Linux belongs to the host user, not to uid 10001) and is created in
 * the dev stage owned by 10001 (a new anonymous volume copies the image's ownership).
 */
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as devFiles } from '../../generators/dev/files.js';
import { renderDockerfile } from '../../generators/dockerfile/files.js';
import { CONTAINER_GID, CONTAINER_UID } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { validateCompose } from '../../lib/validate/compose.js';
import { MATRIX, stack as dfStack } from '../helpers/dockerfile-models.js';
import { SAMPLE_MODELS, service, stack } from '../helpers/models.js';

/** TypeScript services: tsc's outDir, Nest's dist/, a workspace member's build/. */
const typescript = stack('tsloop', {
  api: service({ path: 'api', language: 'node', packageManager: 'npm', lockfile: 'package-lock.json', port: 3000, start: ['node', 'dist/server.js'], build: 'npm run build', entry: 'src/server.ts' }),
  admin: service({ path: 'admin', language: 'node', framework: 'nest', packageManager: 'npm', lockfile: 'package-lock.json', port: 3001, start: ['node', 'dist/main.js'], build: 'npm run build' }),
  worker: service({ path: 'apps/worker', language: 'node', packageManager: 'npm', lockfile: '../../package-lock.json', start: ['node', 'build/index.js'], build: 'npm run build' }),
  plain: service({ path: 'plain', language: 'node', packageManager: 'npm', lockfile: 'package-lock.json', port: 3002, start: ['node', 'server.js'] }),
});

const render = (model: StackModel) => {
  const out = [...composeFiles(model), ...devFiles(model)];
  const get = (path: string) => out.find((f) => f.path === path)!.content;
  return { out, get, override: parse(get('compose.override.yaml')) as { services: Record<string, { volumes?: string[] }> } };
};

/** Folders the dev stage creates owned by the container user (its `mkdir -p ... && chown 10001:10001 ...`). */
function ownedInDevStage(dockerfile: string): string[] {
  const dev = dockerfile.replace(/\\\n/g, ' ').split(/^FROM /m).find((s) => / AS dev\n/.test(s)) ?? '';
  const owned: string[] = [];
  for (const m of dev.matchAll(/^RUN mkdir -p (.+?)\s+&& chown (\d+):(\d+) (.+)$/gm)) {
    if (Number(m[2]) === CONTAINER_UID && Number(m[3]) === CONTAINER_GID) owned.push(...m[1]!.split(/\s+/).filter((d) => m[4]!.split(/\s+/).includes(d)));
  }
  return owned;
}

/** The anonymous volumes (a container path alone) of a service in the dev layer. */
const anonymous = (volumes: string[] = []) => volumes.filter((v) => !v.includes(':'));

describe('dev loop: build output the dev command writes stays off the host folder', () => {
  const r = render(typescript);

  it('a compiled TypeScript app: tsc\'s outDir (the start file\'s folder) is an anonymous volume', () => {
    assert.ok(r.override.services.api!.volumes!.includes('/app/dist'), r.get('compose.override.yaml'));
  });

  it('Nest: nest start --watch writes dist/, an anonymous volume', () => {
    assert.ok(r.override.services.admin!.volumes!.includes('/app/dist'));
  });

  it('a workspace member: its own outDir below the workspace root', () => {
    assert.ok(r.override.services.worker!.volumes!.includes('/app/apps/worker/build'));
  });

  it('an app without a build gets no extra volume', () => {
    assert.deepEqual(anonymous(r.override.services.plain!.volumes), ['/app/node_modules']);
  });

  it('the dev stage creates each of them owned by the container user', () => {
    for (const name of ['api', 'admin', 'worker']) {
      const owned = ownedInDevStage(renderDockerfile(typescript, name));
      for (const dir of anonymous(r.override.services[name]!.volumes)) assert.ok(owned.includes(dir), `${name}: ${dir} in ${owned.join(' ')}`);
    }
  });

  it('compose.yaml + the dev layer still validate against the compose-spec schema (and with the devcontainer file)', () => {
    assert.deepEqual(validateCompose([r.get('compose.yaml'), r.get('compose.override.yaml')], { files: r.out }), []);
    assert.deepEqual(validateCompose([r.get('compose.yaml'), r.get('compose.override.yaml'), r.get('.devcontainer/compose.devcontainer.yaml')], { files: r.out }), []);
  });

  it('when every service has its own Dockerfile, the dev layer has no service entries (services: {}, not null) and still validates', () => {
    // Real repositories often ship their Dockerfiles (issue 12's corpus): compose.override.yaml then
    // lists no service, and an empty `services:` key would be null, dropping compose.yaml's services.
    const own = stack('owned', {
      api: service({ path: 'api', language: 'go', port: 8080, start: ['./api'], dockerfile: 'api/Dockerfile' }),
      worker: service({ path: 'worker', language: 'python', start: ['python', 'worker.py'], dockerfile: 'worker/Dockerfile' }),
    }, { redis: { kind: 'redis', version: '7' } });
    own.services.api!.dependsOn = ['redis'];
    const { get, out, override } = render(own);
    assert.deepEqual(override.services, {});
    assert.deepEqual(validateCompose([get('compose.yaml'), get('compose.override.yaml')], { files: out }), []);
  });

  describe('every anonymous volume of the dev layer exists in the dev stage, owned by 10001', () => {
    const models: [string, StackModel][] = [
      ...Object.entries(SAMPLE_MODELS),
      ['tsloop', typescript],
      ...MATRIX.map((c) => [c.id, dfStack({ [c.id]: c.svc })] as [string, StackModel]),
    ];
    for (const [title, model] of models) {
      it(title, () => {
        const { override } = render(model);
        for (const [name, svc] of Object.entries(model.services)) {
          if (svc.dockerfile) continue;
          const owned = ownedInDevStage(renderDockerfile(model, name));
          for (const dir of anonymous(override.services[name]?.volumes)) assert.ok(owned.includes(dir), `${name}: ${dir} is not created owned by ${CONTAINER_UID} (${owned.join(' ')})`);
        }
      });
    }
  });
});
