/** .NET's Dockerfile recipe: the data ./Dockerfile.ejs lays out (an SDK build, an ASP.NET Core or .NET runtime). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackModel } from '../../model/types.js';
import { common, envBlock, labels, lockInContext, shellQuote, tail, versioned, versionParts, type HealthKind } from '../../render/dockerfile-kit.js';
import type { DockerfileRecipe } from '../types.js';
import { dotnetFramework } from './detect.js';

/** Dependencies and build output the dev stage keeps in the source folder (the dev layer protects them). */
export const DOTNET_DEV_VOLUMES = ['/app/bin', '/app/obj'];

/** The .NET runtime images (Debian) have bash. */
export const dotnetHealth = (): HealthKind => 'bash';

function dotnetContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const sdk = versioned('dotnet-sdk', 'DOTNET_VERSION', svc.languageVersion);
  const web = dotnetFramework(svc) === 'aspnetcore' || svc.port !== null;
  const runtime = versioned(web ? 'dotnet' : 'dotnet-runtime', 'DOTNET_VERSION', svc.languageVersion);
  const project = svc.entry ?? '*.csproj';
  // The model's project is quoted for the shell; the default is a glob the shell expands.
  const projectArg = svc.entry ? shellQuote(svc.entry) : project;
  const lock = lockInContext(svc);
  const publish = `dotnet publish ${projectArg} -c Release -o /app/publish`;
  const major = versionParts(svc.languageVersion)[0]!;
  const runtimeEnv: [string, string][] = [];
  if (svc.port !== null) {
    runtimeEnv.push(major >= 8 ? ['ASPNETCORE_HTTP_PORTS', String(svc.port)] : ['ASPNETCORE_URLS', `http://+:${svc.port}`]);
    runtimeEnv.push(['PORT', String(svc.port)]);
  }
  const devCmd = ['dotnet', 'watch', 'run', '--project', project, '--no-launch-profile'];
  const devEnv: [string, string][] = [
    ['NUGET_PACKAGES', '/opt/nuget'],
    ['DOTNET_USE_POLLING_FILE_WATCHER', '1'],
    ['DOTNET_CLI_TELEMETRY_OPTOUT', '1'],
  ];
  if (svc.port !== null) devEnv.push(['ASPNETCORE_URLS', `http://+:${svc.port}`]);
  const c = common(model, name, `.NET ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}: SDK build, ${web ? 'ASP.NET Core' : '.NET'} runtime`);
  return {
    ...c,
    sdk,
    runtime,
    project,
    manifests: [project, 'Directory.*.prop[s]', 'NuGet.[Cc]onfi[g]', 'nuget.confi[g]', 'global.jso[n]', ...(lock ? [lock] : [])],
    restore: `dotnet restore ${projectArg}${lock ? ' --locked-mode' : ''}`,
    publish,
    devEnv: envBlock(devEnv),
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, runtime.resolved),
    devTail: tail(svc, { dev: true, cmd: devCmd, ownDirs: DOTNET_DEV_VOLUMES }),
    runtimeTail: tail(svc, { cmd: svc.start, health: dotnetHealth() }),
  };
}

export const dotnetDockerfile = (model: StackModel, name: string): DockerfileRecipe => ({
  template: join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile.ejs'),
  context: dotnetContext(model, name),
});
