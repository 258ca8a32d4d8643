/** The static-site pack: unprivileged nginx serving the files (or a build folder among them). */
import { profile, tiny, TMP } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { staticDetector, STATIC } from './detect.js';
import { staticDockerfile, staticHealth } from './dockerfile.js';

export const staticPack: LanguagePack = {
  language: 'static',
  frameworks: STATIC.frameworks,
  packageManagers: STATIC.packageManagers,
  detector: staticDetector,
  dockerfile: staticDockerfile,
  health: staticHealth,
  dependencyInstall: null,
  slowStart: false,
  // nginx serves the mounted files in the dev stage: no dependency folder there.
  devVolumes: () => [],
  devEnv: () => ({}),
  debugPort: null,
  editorExtensions: [],
  // The dev stage is nginx serving the mounted files: no toolchain to test with.
  testCommand: () => null,
  ignore: () => ['# Static site: only the site and its nginx config are needed', 'node_modules'],
  // The Dockerfile copies the site's nginx config by name.
  namedFiles: (svc) => (svc.entry ? [svc.entry] : []),
  // nginx-unprivileged keeps its pid and temp files in /tmp; a site's own nginx.conf may
  // still use the compiled-in temp paths (/var/cache/nginx) or pid file (/var/run).
  runtime: () => profile(tiny, [...TMP, '/var/cache/nginx', '/var/run']),
  readOnlyRoot: () => true,
  needsPort: () => 'nginx serves the site',
};
