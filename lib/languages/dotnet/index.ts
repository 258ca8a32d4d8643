/** The .NET pack: an SDK build, an ASP.NET Core or .NET runtime, `dotnet watch` in dev. */
import { noTests } from '../../render/devloop.js';
import { clr, profile } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { dotnetDetector, DOTNET } from './detect.js';
import { DOTNET_DEV_VOLUMES, dotnetDockerfile, dotnetHealth } from './dockerfile.js';

export const dotnetPack: LanguagePack = {
  language: 'dotnet',
  frameworks: DOTNET.frameworks,
  packageManagers: DOTNET.packageManagers,
  detector: dotnetDetector,
  dockerfile: dotnetDockerfile,
  health: dotnetHealth,
  dependencyInstall: /dotnet restore/,
  // The dev container builds the project when it starts.
  slowStart: true,
  devVolumes: () => DOTNET_DEV_VOLUMES,
  devEnv: () => ({ ASPNETCORE_ENVIRONMENT: 'Development', DOTNET_USE_POLLING_FILE_WATCHER: '1' }),
  debugPort: null,
  editorExtensions: ['ms-dotnettools.csharp'],
  // The dev container mounts the service folder only: a test project beside it is not there.
  testCommand: () =>
    `if find . -name '*.csproj' -not -path '*/obj/*' -exec grep -l Microsoft.NET.Test.Sdk {} + | grep -q .; then exec dotnet test; else ${noTests('no test project in this folder')}; fi`,
  ignore: () => ['# .NET: build output', 'bin', 'obj', '*.user', 'TestResults', '.vs'],
  runtime: () => profile(clr),
  readOnlyRoot: () => false,
};
