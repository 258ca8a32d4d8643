/** Elixir's Dockerfile recipe: the data ./Dockerfile.ejs lays out (Mix, a release on slim Debian). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceModel, StackModel } from '../../model/types.js';
import { cache, common, envBlock, fixedImage, labels, lockInContext, tail, USER, versioned, type HealthKind } from '../../render/dockerfile-kit.js';
import { watchLoop } from '../../render/devloop.js';
import type { DockerfileRecipe } from '../types.js';
import { elixirFramework } from './detect.js';

/** The release runs on slim Debian, the dev stage on the Elixir image: both have bash. */
export const elixirHealth = (): HealthKind => 'bash';

/** Dependencies and build output the dev stage keeps in the source folder (the dev layer protects them). */
export const ELIXIR_DEV_VOLUMES = ['/app/deps', '/app/_build'];

/** The dev CMD: Phoenix's server (its code reloader recompiles on request), else `mix run` restarted on every change. */
export const elixirDevCommand = (svc: ServiceModel): string[] =>
  elixirFramework(svc) === 'phoenix' ? ['mix', 'phx.server'] : watchLoop(null, ['mix', 'run', '--no-halt'], ['*.ex', '*.exs', '*.eex', '*.heex']);

function elixirContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('elixir', 'ELIXIR_VERSION', svc.languageVersion);
  const app = svc.entry ?? name.replace(/-/g, '_');
  const lock = lockInContext(svc);
  const c = common(model, name, `Elixir ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, Mix, a release on a slim Debian runtime`);
  const runtimeEnv: [string, string][] = [
    ['LANG', 'C.UTF-8'],
    // The release writes its temporary files and crash dump to /tmp (read-only root filesystem)
    // and starts no Erlang distribution (no epmd, no cookie needed between containers).
    ['RELEASE_TMP', '/tmp'],
    ['RELEASE_DISTRIBUTION', 'none'],
    ['ERL_CRASH_DUMP', '/tmp/erl_crash.dump'],
  ];
  if (svc.port !== null) runtimeEnv.push(['PORT', String(svc.port)]);
  if (elixirFramework(svc) === 'phoenix') runtimeEnv.push(['PHX_SERVER', 'true']);
  return {
    ...c,
    base,
    runtimeImage: fixedImage('debian'),
    app,
    // Hex (and rebar) only for a project with dependencies: mix.lock lists them.
    hex: lock !== null,
    manifests: ['mix.exs', ...(lock ? [lock] : [])],
    hexCache: cache('/opt/hex/packages'),
    build: svc.build ?? 'mix release',
    chownDev: `chown -R ${USER} deps _build`,
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, '${RUNTIME_IMAGE}'),
    devTail: tail(svc, { dev: true, cmd: elixirDevCommand(svc), ownDirs: ELIXIR_DEV_VOLUMES }),
    runtimeTail: tail(svc, { cmd: svc.start.length ? svc.start : [`bin/${app}`, 'start'], health: elixirHealth() }),
  };
}

export const elixirDockerfile = (model: StackModel, name: string): DockerfileRecipe => ({
  template: join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile.ejs'),
  context: elixirContext(model, name),
});
