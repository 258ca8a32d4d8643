/** Ruby's Dockerfile recipe: the data ./Dockerfile.ejs lays out (Bundler; Rails or Rack). */
import { portOf } from '../../model/derive.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackModel } from '../../model/types.js';
import { common, envBlock, labels, lockInContext, tail, versioned, type HealthKind } from '../../render/dockerfile-kit.js';
import { watchLoop } from '../../render/devloop.js';
import type { DockerfileRecipe } from '../types.js';
import { rubyFramework } from './detect.js';

/** The image's health check runs with ruby's net/http. */
export const rubyHealth = (): HealthKind => 'ruby';

function rubyContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('ruby', 'RUBY_VERSION', svc.languageVersion);
  const rails = rubyFramework(svc) === 'rails';
  const lock = lockInContext(svc);
  const c = common(model, name, `Ruby ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, Bundler`);
  const runtimeEnv: [string, string][] = [];
  // Rails writes its pid file and bootsnap cache under tmp/ by default: /tmp keeps the root filesystem read-only.
  if (rails)
    runtimeEnv.push(['RAILS_ENV', 'production'], ['RAILS_LOG_TO_STDOUT', '1'], ['RAILS_SERVE_STATIC_FILES', '1'], ['PIDFILE', '/tmp/server.pid'], ['BOOTSNAP_CACHE_DIR', '/tmp/bootsnap']);
  else runtimeEnv.push(['RACK_ENV', 'production']);
  if (svc.port !== null) runtimeEnv.push(['PORT', String(svc.port)]);
  const devCmd = rails
    ? ['bundle', 'exec', 'rails', 'server', '-b', '0.0.0.0', '-p', String(portOf(svc))]
    : watchLoop(null, svc.start, ['*.rb', '*.ru', '*.erb', '*.yml']);
  return {
    ...c,
    base,
    rails,
    manifests: ['Gemfile', ...(lock ? [lock] : [])],
    locked: Boolean(lock),
    // The global gem cache lives in a cache mount; the per-bundle copy is dropped from the layer.
    bundleInstall: [
      ...(lock ? ['bundle config set frozen true'] : []),
      'BUNDLE_GLOBAL_GEM_CACHE=1 bundle install --jobs 4',
      'rm -rf /usr/local/bundle/ruby/*/cache',
    ],
    buildCmd: svc.build,
    baseEnv: envBlock([
      ['BUNDLE_PATH', '/usr/local/bundle'],
      ['BUNDLE_WITHOUT', 'development:test'],
    ]),
    runtimeEnv: envBlock(runtimeEnv),
    devEnv: envBlock([
      ['BUNDLE_WITHOUT', ''],
      [rails ? 'RAILS_ENV' : 'RACK_ENV', 'development'],
    ]),
    labels: labels(model, name, svc, base.resolved),
    devTail: tail(svc, { dev: true, cmd: devCmd }),
    runtimeTail: tail(svc, { cmd: svc.start, health: rubyHealth() }),
  };
}

export const rubyDockerfile = (model: StackModel, name: string): DockerfileRecipe => ({
  template: join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile.ejs'),
  context: rubyContext(model, name),
});
