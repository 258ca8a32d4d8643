/** The Go pack: modules, a static binary on scratch (cgo: slim Debian), a rebuild loop in dev. */
import { noTests } from '../../render/devloop.js';
import { profile, tiny } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { goDetector, GO } from './detect.js';
import { goBinary, goDockerfile, goHealth } from './dockerfile.js';

export const goPack: LanguagePack = {
  language: 'go',
  frameworks: GO.frameworks,
  packageManagers: GO.packageManagers,
  detector: goDetector,
  dockerfile: goDockerfile,
  health: goHealth,
  dependencyInstall: /go mod download/,
  // The dev container builds the program when it starts.
  slowStart: true,
  // Modules live in /go/pkg/mod and the dev build in HOME: nothing under /app.
  devVolumes: () => [],
  devEnv: () => ({}),
  debugPort: null,
  editorExtensions: ['golang.go'],
  testCommand: () => `if [ -n "$(find . -name '*_test.go' -not -path './vendor/*' | head -n 1)" ]; then exec go test ./...; else ${noTests('no *_test.go file')}; fi`,
  ignore: (svc) => ['# Go: the binary is built in the image', goBinary(svc), '*.test', '*.out', 'bin'],
  runtime: () => profile(tiny),
  readOnlyRoot: () => true,
};
