/**
 * The Dockerfile kit: what every language pack's Dockerfile recipe (lib/languages/<lang>/)
 * shares, so the packs and the dockerfile stage import it and not each other. The shape
 * every generated Dockerfile has (a `dev` stage, a last `runtime` stage, USER 10001:10001,
 * exec-form CMD, OCI labels, HEALTHCHECK) is laid out by these helpers; see
 * generators/dockerfile/files.ts for the contract the other stages rely on.
 */
import { posix } from 'node:path';
import { buildContext, CONTAINER_GID, CONTAINER_UID } from '../model/derive.js';
import { comment, shellJoin, shellQuote } from './escape.js';
import type { ServiceModel, StackModel } from '../model/types.js';
import { image, imagePin, tagFor } from '../catalog/images.js';
import { GENERATED_MARKER } from '../model/marker.js';

export { shellQuote, shellJoin };
/** A Dockerfile exec-form array (JSON, with a space after each comma for readability). */
export const execForm = (words: string[]): string => `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;

/** `ENV A=1 \` / `    B=2` with values quoted when needed. `$VAR` references stay live. */
export function envBlock(pairs: [string, string][]): string {
  if (pairs.length === 0) return '';
  const fmt = ([k, v]: [string, string]) => `${k}=${/^[\w./:$@,+-]*$/.test(v) && v !== '' ? v : JSON.stringify(v)}`;
  return `ENV ${pairs.map(fmt).join(' \\\n    ')}`;
}

/** A RUN instruction with its mounts: `RUN --mount=... \` then the command lines joined by ` \` and `&&`. */
export function runBlock(mounts: string[], commands: string[]): string {
  const head = mounts.length ? `RUN ${mounts.map((m) => `--mount=${m}`).join(' \\\n    ')} \\\n    ` : 'RUN ';
  return head + commands.join(' \\\n && ');
}
export const cache = (target: string, extra = ''): string => `type=cache,target=${target}${extra ? `,${extra}` : ''}`;

/** Version ARG plus the FROM reference that uses it: `node:${NODE_VERSION}-bookworm-slim`. */
export interface BaseImage {
  /** `NODE_VERSION=22` */
  arg: string;
  /** `node:${NODE_VERSION}-bookworm-slim` */
  from: string;
  /** `node:22-bookworm-slim`, for comments and docs */
  resolved: string;
}

export function versioned(key: string, argName: string, version: string): BaseImage {
  const { repository } = imagePin(key);
  return {
    arg: `${argName}=${version}`,
    from: `${repository}:${tagFor(key, `\${${argName}}`)}`,
    resolved: image(key, version),
  };
}

/** The same image for every service (the Debian runtime of Go and Rust binaries, composer, uv). */
export function fixedImage(key: string): string {
  return image(key);
}

/** Major.minor of a version string ('3.11.4' → [3, 11]). */
export const versionParts = (v: string): number[] => v.split('.').map((x) => Number.parseInt(x, 10) || 0);

/** A lockfile that lives inside the service folder (the build context); '../pnpm-lock.yaml' does not. */
export const lockInContext = (svc: ServiceModel): string | null => (svc.lockfile && !svc.lockfile.startsWith('..') ? svc.lockfile : null);

// ---------------------------------------------------------------- shared blocks

export const UID = CONTAINER_UID;
export const GID = CONTAINER_GID;
export const USER = `${UID}:${GID}`;

/** Home of the app user: the dev stage's tools write their caches and build output there. */
export const HOME = '/home/app';

/** Creates the app user and group with the fixed ids (Debian and Ubuntu bases, which have a shell). */
export const ADD_USER = [
  `groupadd --gid ${GID} app`,
  `useradd --uid ${UID} --gid ${GID} --create-home --home-dir ${HOME} --shell /usr/sbin/nologin app`,
];

/** apt-get install, leaving no package lists in the layer. */
export const aptInstall = (packages: string[]): string[] => [
  'apt-get update',
  `apt-get install -y --no-install-recommends ${packages.join(' ')}`,
  'rm -rf /var/lib/apt/lists/*',
];

/** Where a static Go image keeps the health probe built beside the service (lib/languages/go). */
export const PROBE_PATH = '/usr/local/bin/healthcheck';

/**
 * HTTP health commands by the program that runs them, using only what an image already has
 * (slim images have neither curl nor wget): node's fetch, python's urllib, ruby's net/http,
 * php's http wrapper, bash's /dev/tcp with a minimal HTTP/1.1 request whose status line must
 * be 2xx, or the probe a static Go image carries. Each gets the URL, the port and the path.
 */
const HEALTH_COMMANDS = {
  node: (url: string) => ['node', '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
  python: (url: string) => ['python', '-c', `import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('${url}', timeout=4).status < 300 else 1)`],
  ruby: (url: string) => ['ruby', '-rnet/http', '-e', `exit Net::HTTP.get_response(URI('${url}')).is_a?(Net::HTTPSuccess)`],
  php: (url: string) => ['php', '-r', `exit(@file_get_contents('${url}') === false ? 1 : 0);`],
  bash: (_url: string, port: number, path: string) => [
    'bash',
    '-c',
    // The path is printf's argument, not its format: a % in it stays a %.
    `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET %s HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' '${path}' >&3 && read -r _ status _ <&3 && [ "\${status#2}" != "$status" ]`,
  ],
  probe: (_url: string, port: number, path: string) => [PROBE_PATH, String(port), path],
} satisfies Record<string, (url: string, port: number, path: string) => string[]>;

/** The program an image's health check runs with (a language pack's `health`). */
export type HealthKind = keyof typeof HEALTH_COMMANDS;

/**
 * The HTTP health command of a service (exec form): the one source of both the Dockerfile's
 * HEALTHCHECK and the Compose healthcheck (lib/languages healthCommand); the kind is the
 * language pack's `health`.
 */
export function healthcheckCommand(kind: HealthKind, port: number, rawPath: string): string[] {
  // Quotes, `$`, backslashes and spaces would end the string literals: percent-encode them.
  const path = rawPath.replace(/['"$`\\ ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return HEALTH_COMMANDS[kind](`http://127.0.0.1:${port}${path}`, port, path);
}

export interface TailOptions {
  cmd: string[];
  /** The dev stage: HOME set, `ownDirs` handed to the dev user. */
  dev?: boolean;
  /**
   * Dev stage: folders under /app the dev layer protects with anonymous volumes
   * (node_modules, vendor, target, ...). They must exist in the image, owned by the
   * dev user: a volume copies the ownership it finds.
   */
  ownDirs?: string[];
  entrypoint?: string[] | null;
  health?: HealthKind | null;
  /** EXPOSE (the model's port); false for the dev stage of a service that listens elsewhere. */
  expose?: number | null;
}

/** USER, EXPOSE, HEALTHCHECK, ENTRYPOINT and CMD: the end of the dev and runtime stages. */
export function tail(svc: ServiceModel, o: TailOptions): string {
  const lines: string[] = [];
  if (o.ownDirs?.length) lines.push(runBlock([], [`mkdir -p ${o.ownDirs.join(' ')}`, `chown ${USER} ${o.ownDirs.join(' ')}`]));
  // /tmp may be a noexec tmpfs in the dev layer: caches and build output go to HOME.
  if (o.dev) lines.push(`ENV HOME=${HOME}`);
  lines.push(`USER ${USER}`);
  const port = o.expose === undefined ? svc.port : o.expose;
  if (port !== null) lines.push(`EXPOSE ${port}`);
  if (o.health && svc.port !== null && svc.healthPath) {
    lines.push(`HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \\\n  CMD ${execForm(healthcheckCommand(o.health, svc.port, svc.healthPath))}`);
  }
  if (o.entrypoint) lines.push(`ENTRYPOINT ${execForm(o.entrypoint)}`);
  lines.push(`CMD ${execForm(o.cmd)}`);
  return lines.join('\n');
}

/**
 * OCI labels of the runtime image. `base` is the default base reference; a base chosen
 * by an ARG (`${RUNTIME_IMAGE}`) is expanded at build time. (Version ARGs such as
 * NODE_VERSION are not: the official images set an ENV of the same name, which wins.)
 */
export function labels(model: StackModel, name: string, svc: ServiceModel, base: string): string {
  const baseArgs = [...base.matchAll(/\$\{(\w+)\}/g)].map((m) => `ARG ${m[1]}`);
  const pairs: [string, string][] = [
    ['org.opencontainers.image.title', `${model.name}-${name}`],
    ['org.opencontainers.image.description', `${name} service of ${model.name} (${svc.language}${svc.framework ? `, ${svc.framework}` : ''})`],
    ['org.opencontainers.image.base.name', base],
  ];
  const args = [...baseArgs, 'ARG IMAGE_SOURCE=""', 'ARG IMAGE_REVISION=""', 'ARG IMAGE_VERSION=""'].join('\n');
  const dynamic: [string, string][] = [
    ['org.opencontainers.image.source', '${IMAGE_SOURCE}'],
    ['org.opencontainers.image.revision', '${IMAGE_REVISION}'],
    ['org.opencontainers.image.version', '${IMAGE_VERSION}'],
  ];
  const fmt = ([k, v]: [string, string]) => `${k}=${JSON.stringify(v)}`;
  return `${args}\nLABEL ${[...pairs, ...dynamic].map(fmt).join(' \\\n      ')}`;
}

// ---------------------------------------------------------------- what every template gets

/** The data every Dockerfile template gets: the service, the header, the user, the helpers. */
export interface Common {
  model: StackModel;
  name: string;
  svc: ServiceModel;
  header: string;
  user: string;
  addUser: string;
  runBlock: typeof runBlock;
  envBlock: typeof envBlock;
  aptInstall: typeof aptInstall;
  cache: typeof cache;
  execForm: typeof execForm;
  shellJoin: typeof shellJoin;
}

export function header(model: StackModel, name: string, svc: ServiceModel, what: string): string {
  const { context, dockerfile } = buildContext(svc);
  const ctx = dockerfile === (context === '.' ? 'Dockerfile' : `${context}/Dockerfile`) ? context : `-f ${dockerfile} ${context}`;
  return [
    '# syntax=docker/dockerfile:1',
    `# ${name}: ${comment(what)}.`,
    `# ${GENERATED_MARKER} from the stack model in .yo-rc.json; run`,
    `# \`yo containerize:dockerfile\` again after changing the model. A Dockerfile you`,
    `# write yourself is detected and kept (services.${name}.dockerfile).`,
    '#',
    `# Production image (the last stage, runtime):`,
    `#   docker build -t ${model.registry}/${model.name}-${name} ${ctx}`,
    `# Dev image (run it with the source bind-mounted at /app):`,
    `#   docker build --target dev -t ${model.name}-${name}:dev ${ctx}`,
    '#',
    `# The app runs as uid:gid ${USER}, the runAsUser/runAsGroup of the Kubernetes manifests,`,
    '# and is meant to run with a read-only root filesystem and a writable /tmp.',
  ].join('\n');
}

export function common(model: StackModel, name: string, what: string): Common {
  const svc = model.services[name]!;
  return {
    model,
    name,
    svc,
    header: header(model, name, svc, what),
    user: USER,
    addUser: ADD_USER.join(' \\\n && '),
    runBlock,
    envBlock,
    aptInstall,
    cache,
    execForm,
    shellJoin,
  };
}

/** nginx server block for a single-page app: unknown paths fall back to index.html. */
export function nginxSpaConf(port: number): string {
  const lines = [
    'server {',
    `    listen ${port};`,
    '    server_name _;',
    '    root /usr/share/nginx/html;',
    '    index index.html;',
    '    location / {',
    '        try_files $uri $uri/ /index.html;',
    '    }',
    '    location ~* \\.(?:css|js|mjs|woff2?|svg|png|jpe?g|gif|webp|avif|ico)$ {',
    '        expires 7d;',
    '        access_log off;',
    '    }',
    '}',
  ];
  return `printf '%s\\n' ${lines.map((l) => shellQuote(l)).join(' \\\n      ')} \\\n      > /etc/nginx/conf.d/default.conf`;
}


/** A service folder's path in its build context, normalized, without a trailing slash ('dist/' → 'dist'). */
export const folder = (dir: string | null): string | null => (dir ? posix.normalize(dir).replace(/\/$/, '') : null);
