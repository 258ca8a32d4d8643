/** Rust's Dockerfile recipe: the data ./Dockerfile.ejs lays out (Cargo, a release binary on slim Debian). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryName } from '../../model/derive.js';
import type { StackModel } from '../../model/types.js';
import { common, envBlock, fixedImage, labels, lockInContext, tail, versioned, type HealthKind } from '../../render/dockerfile-kit.js';
import { watchLoop } from '../../render/devloop.js';
import type { DockerfileRecipe } from '../types.js';
import { rustFramework } from './detect.js';

/** Dependencies and build output the dev stage keeps in the source folder (the dev layer protects them). */
export const RUST_DEV_VOLUMES = ['/app/target'];

/** The slim Debian runtime has bash. */
export const rustHealth = (): HealthKind => 'bash';

function rustContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('rust', 'RUST_VERSION', svc.languageVersion);
  const bin = binaryName(svc)!;
  const lock = lockInContext(svc);
  const locked = lock ? ' --locked' : '';
  const build = svc.build ?? `cargo build --release${locked}`;
  const c = common(model, name, `Rust ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, Cargo, a release binary on a slim Debian runtime`);
  const runtimeEnv: [string, string][] = svc.port !== null ? [['PORT', String(svc.port)]] : [];
  if (rustFramework(svc) === 'rocket') runtimeEnv.push(['ROCKET_ADDRESS', '0.0.0.0']);
  const devBuild = build.replace('--release', '').replace(/\s+/g, ' ').trim();
  return {
    ...c,
    base,
    runtimeImage: fixedImage('debian'),
    bin,
    manifests: ['Cargo.toml', ...(lock ? [lock] : [])],
    fetch: `cargo fetch${locked}`,
    build,
    devEnv: envBlock([['CARGO_TARGET_DIR', '/app/target']]),
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, '${RUNTIME_IMAGE}'),
    devTail: tail(svc, { dev: true, cmd: watchLoop(devBuild, [`/app/target/debug/${bin}`], ['*.rs', 'Cargo.toml', 'Cargo.lock']), ownDirs: RUST_DEV_VOLUMES }),
    runtimeTail: tail(svc, { cmd: svc.start.length ? svc.start : [`./${bin}`], entrypoint: ['tini', '--'], health: rustHealth() }),
  };
}

export const rustDockerfile = (model: StackModel, name: string): DockerfileRecipe => ({
  template: join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile.ejs'),
  context: rustContext(model, name),
});
