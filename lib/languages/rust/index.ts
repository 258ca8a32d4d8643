/** The Rust pack: Cargo, a release binary on slim Debian, a rebuild loop in dev. */
import { profile, tiny } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { rustDetector, RUST } from './detect.js';
import { RUST_DEV_VOLUMES, rustDockerfile, rustHealth } from './dockerfile.js';

export const rustPack: LanguagePack = {
  language: 'rust',
  frameworks: RUST.frameworks,
  packageManagers: RUST.packageManagers,
  detector: rustDetector,
  dockerfile: rustDockerfile,
  health: rustHealth,
  dependencyInstall: /cargo (fetch|build)/,
  // The dev container compiles the crate when it starts.
  slowStart: true,
  devVolumes: () => RUST_DEV_VOLUMES,
  devEnv: () => ({}),
  debugPort: null,
  editorExtensions: ['rust-lang.rust-analyzer'],
  testCommand: () => 'cargo test',
  ignore: () => ['# Rust: build output', 'target'],
  runtime: () => profile(tiny),
  readOnlyRoot: () => true,
};
