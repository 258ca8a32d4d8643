/**
 * Node's dev loop, decided once for the Dockerfile's dev stage and the dev layer
 * (compose.override.yaml): the dev command, the folders it writes inside the bind-mounted
 * source, the inspector port, the test command.
 */
import { posix } from 'node:path';
import { isWorkspaceMember, pathInContext, portOf } from '../../model/derive.js';
import { PORTABLE_SEGMENT } from '../../model/kinds.js';
import type { ServiceModel } from '../../model/types.js';
import { noTests } from '../../render/devloop.js';
import { shellJoin } from '../../render/dockerfile-kit.js';
import { nodeFramework, nodePackageManager, type NodeFramework } from './detect.js';

/** Node's inspector in the dev stage (the dev layer publishes it on 127.0.0.1). */
export const NODE_INSPECT_PORT = 9229;

/** The package manager that runs scripts: yarn, pnpm, else npm (bun's projects install with npm: no bun image is pinned). */
export const nodeRunner = (svc: ServiceModel): 'yarn' | 'pnpm' | 'npm' => {
  const pm = nodePackageManager(svc);
  return pm === 'yarn' || pm === 'pnpm' ? pm : 'npm';
};

/** A Node service whose image serves a static build (vite, cra, ...) with a web server. */
export const isNodeStatic = (svc: ServiceModel): boolean => svc.start.length === 0 && svc.outputDir !== null;

/**
 * Framework dev servers: the dev CMD instead of the start command, and the work folder
 * each writes inside the source (null: none, or one inside node_modules).
 */
export const NODE_DEV_SERVERS: Partial<Record<NodeFramework, { command: (port: number) => string[]; writes: string | null }>> = {
  next: { command: (p) => ['node_modules/.bin/next', 'dev', '--hostname', '0.0.0.0', '--port', String(p)], writes: '.next' },
  vite: { command: (p) => ['node_modules/.bin/vite', '--host', '0.0.0.0', '--port', String(p)], writes: null }, // node_modules/.vite
  sveltekit: { command: (p) => ['node_modules/.bin/vite', 'dev', '--host', '0.0.0.0', '--port', String(p)], writes: '.svelte-kit' },
  astro: { command: (p) => ['node_modules/.bin/astro', 'dev', '--host', '0.0.0.0', '--port', String(p)], writes: '.astro' },
  nuxt: { command: (p) => ['node_modules/.bin/nuxt', 'dev', '--host', '0.0.0.0', '--port', String(p)], writes: '.nuxt' },
  angular: { command: (p) => ['node_modules/.bin/ng', 'serve', '--host', '0.0.0.0', '--port', String(p)], writes: '.angular' },
  cra: { command: () => ['node_modules/.bin/react-scripts', 'start'], writes: null }, // node_modules/.cache
  nest: { command: () => ['node_modules/.bin/nest', 'start', '--watch'], writes: null }, // compiles like tsc: below
};

/** True when the dev command is a framework's own dev server rather than the (built) start command. */
export const hasNodeDevServer = (svc: ServiceModel): boolean => nodeDevServer(svc) !== undefined;

const nodeDevServer = (svc: ServiceModel) => {
  const fw = nodeFramework(svc);
  return fw ? NODE_DEV_SERVERS[fw] : undefined;
};

/** The dev CMD of a Node service: the framework's dev server, `node --watch`, or the start command. */
export function nodeDevCommand(svc: ServiceModel): string[] {
  const fw = nodeDevServer(svc);
  if (fw) return fw.command(portOf(svc));
  const [head, ...rest] = svc.start;
  if (head === 'node') {
    if (!svc.build) return ['node', '--watch', `--inspect=0.0.0.0:${NODE_INSPECT_PORT}`, ...rest];
    // A compiled (TypeScript) app: build once, keep tsc watching, restart node when its output changes.
    return [
      'sh',
      '-c',
      `${svc.build} && { node_modules/.bin/tsc --watch --preserveWatchOutput & exec node --watch --inspect=0.0.0.0:${NODE_INSPECT_PORT} ${shellJoin(rest)}; }`,
    ];
  }
  return svc.start;
}

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
  const dirs = new Set<string>();
  const server = nodeDevServer(svc)?.writes;
  if (server) dirs.add(server);
  const compiled = svc.build !== null && (nodeFramework(svc) === 'nest' || (svc.start[0] === 'node' && !hasNodeDevServer(svc)));
  if (compiled) {
    const file = svc.start.find((w, i) => i > 0 && /\.[cm]?js$/.test(w));
    const top = file && file.includes('/') ? posix.normalize(file).split('/')[0]! : nodeFramework(svc) === 'nest' ? 'dist' : null;
    // A plain folder name only: it lands unquoted in the Dockerfile's mkdir and in the dev layer's volumes.
    if (top && top !== '.' && top !== '..' && top !== 'node_modules' && PORTABLE_SEGMENT.test(top)) dirs.add(top);
  }
  return [...dirs].sort();
}

/**
 * The folders the dev stage creates for the dev user and the dev layer protects with
 * anonymous volumes: node_modules (a workspace member's and the root's: a package manager
 * may put either) and the dev command's output folders.
 */
export function nodeDevVolumes(svc: ServiceModel): string[] {
  if (isWorkspaceMember(svc)) {
    const workdir = `/app/${pathInContext(svc)}`;
    return ['/app/node_modules', `${workdir}/node_modules`, ...devOutputDirs(svc).map((d) => `${workdir}/${d}`)];
  }
  return ['/app/node_modules', ...devOutputDirs(svc).map((d) => `/app/${d}`)];
}

/** A test script in package.json, other than npm init's placeholder (which fails on purpose). */
const NODE_HAS_TEST = `node -e 'const t = (require("./package.json").scripts || {}).test; process.exit(t && !/no test specified/.test(t) ? 0 : 1)'`;

export const nodeTestCommand = (svc: ServiceModel): string =>
  `if ${NODE_HAS_TEST}; then exec ${nodeRunner(svc)} test; else ${noTests('package.json has no test script')}; fi`;
