/**
 * What the dev stage of the Dockerfile and the dev layer (compose.override.yaml) must
 * agree on about the dev command, decided here once.
 */
import { posix } from 'node:path';
import { PORTABLE_SEGMENT } from '../model/kinds.js';
import type { ServiceModel } from '../model/types.js';

/** Node frameworks whose dev server runs instead of the start command, and the work folder each writes. */
const NODE_DEV_SERVER_DIRS: Record<string, string | null> = {
  next: '.next',
  nuxt: '.nuxt',
  sveltekit: '.svelte-kit',
  angular: '.angular',
  astro: '.astro',
  vite: null, // node_modules/.vite
  cra: null, // node_modules/.cache
  nest: null, // compiles like tsc: below
};

/** The frameworks above (generators/dockerfile runs their dev servers: the two lists are tested equal). */
export const NODE_DEV_SERVERS = Object.keys(NODE_DEV_SERVER_DIRS).sort();

/** True when the dev command is a framework's own dev server rather than the (built) start command. */
export const hasNodeDevServer = (svc: ServiceModel): boolean => svc.framework !== null && svc.framework in NODE_DEV_SERVER_DIRS;

/**
 * Folders, relative to the service folder, that a Node service's dev command writes inside
 * the bind-mounted source: a compiled app's output (the dev command runs the build, then
 * `tsc --watch`, or Nest's `nest start --watch`, into tsc's outDir: the first folder of
 * the start file, `node dist/server.js` → dist) and the work folders of framework dev
 * servers (.next, .nuxt, ...).
 *
 * On Docker Engine for Linux the bind-mounted folder belongs to the host user, so uid
 * 10001 cannot create anything in it: the dev layer gives each of these an anonymous
 * volume, and the Dockerfile's dev stage creates it owned by 10001 (a new anonymous
 * volume copies the ownership it finds in the image). The host's folder is never written.
 * Other languages write their build output outside /app, or into the dependency folders
 * the dev layer already protects (target/, build/, bin/, obj/).
 */
export function devOutputDirs(svc: ServiceModel): string[] {
  if (svc.language !== 'node') return [];
  const dirs = new Set<string>();
  const server = svc.framework ? NODE_DEV_SERVER_DIRS[svc.framework] : undefined;
  if (server) dirs.add(server);
  const compiled = svc.build !== null && (svc.framework === 'nest' || (svc.start[0] === 'node' && !hasNodeDevServer(svc)));
  if (compiled) {
    const file = svc.start.find((w, i) => i > 0 && /\.[cm]?js$/.test(w));
    const top = file && file.includes('/') ? posix.normalize(file).split('/')[0]! : svc.framework === 'nest' ? 'dist' : null;
    // A plain folder name only: it lands unquoted in the Dockerfile's mkdir and in the dev layer's volumes.
    if (top && top !== '.' && top !== '..' && top !== 'node_modules' && PORTABLE_SEGMENT.test(top)) dirs.add(top);
  }
  return [...dirs].sort();
}
