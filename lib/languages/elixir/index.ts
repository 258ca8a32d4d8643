/** The Elixir pack: Mix, a release on slim Debian; Phoenix's code reloader or a restart loop in dev. */
import { noTests } from '../../render/devloop.js';
import { profile, small } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { elixirDetector, ELIXIR } from './detect.js';
import { ELIXIR_DEV_VOLUMES, elixirDockerfile, elixirHealth } from './dockerfile.js';

export const elixirPack: LanguagePack = {
  language: 'elixir',
  frameworks: ELIXIR.frameworks,
  packageManagers: ELIXIR.packageManagers,
  detector: elixirDetector,
  dockerfile: elixirDockerfile,
  health: elixirHealth,
  dependencyInstall: /mix deps\.get/,
  // The dev container compiles the dependencies and the project when it starts.
  slowStart: true,
  devVolumes: () => ELIXIR_DEV_VOLUMES,
  devEnv: () => ({ MIX_ENV: 'dev' }),
  debugPort: null,
  editorExtensions: ['JakeBecker.elixir-ls'],
  // `mix test` runs in MIX_ENV=test, compiled into _build/test (a volume the dev user owns).
  testCommand: () => `if [ -d test ]; then exec mix test; else ${noTests('no test/ folder')}; fi`,
  ignore: () => ['# Elixir: dependencies and the release are made in the image', '_build', 'deps', '.elixir_ls', '.fetch', 'erl_crash.dump', '*.ez', 'cover', 'assets/node_modules'],
  // The image sets RELEASE_TMP and ERL_CRASH_DUMP under /tmp and starts no distribution (no epmd).
  runtime: () => profile(small),
  readOnlyRoot: () => true,
};
