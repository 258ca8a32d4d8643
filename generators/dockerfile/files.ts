/**
 * The files the dockerfile stage owns, as a pure function of the stack model:
 * `<service>/Dockerfile` and `<service>/.dockerignore` for every service that
 * has no Dockerfile of its own (`svc.dockerfile` null). A service whose
 * model records a Dockerfile gets nothing: that file is kept and later stages
 * build with it (`--set <svc>.dockerfile=null` replaces it).
 *
 * Everything a template needs is computed here (commands, image references,
 * the healthcheck, the dev command); the templates in ./templates only lay
 * out the stages. See docs/dockerfiles.md for the per-language choices.
 *
 * Every Dockerfile has the same shape, which the Compose, dev and Kubernetes
 * stages rely on:
 * - global `ARG <LANG>_VERSION=<detected version>` (overridable), base images
 *   from templates/images.Dockerfile (the tag suffix comes from the pin);
 * - a stage named `dev` (toolchain + every dependency, WORKDIR /app, USER
 *   10001:10001, a hot-reload CMD, the source bind-mounted at /app);
 * - the last stage is named `runtime`: the production image, running as
 *   USER 10001:10001 (CONTAINER_UID/GID), exec-form CMD, able to run with a
 *   read-only root filesystem (only /tmp written).
 */
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryName, buildContext, CONTAINER_GID, CONTAINER_UID, imageServices, isWorkspaceMember, pathInContext } from '../../lib/model/derive.js';
import { PORTABLE_SEGMENT } from '../../lib/model/kinds.js';
import { comment, shellJoin, shellQuote } from '../../lib/render/escape.js';
import type { ServiceModel, StackModel } from '../../lib/model/types.js';
import { devOutputDirs } from '../../lib/render/devloop.js';
import { renderFile } from '../../lib/render/ejs.js';
import { image, imagePin, tagFor } from '../../lib/catalog/images.js';
import type { OutputFile } from '../../lib/render/types.js';

export const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/**
 * In the header of every generated Dockerfile: detection can tell our file (re-render it)
 * from one the user wrote (keep it).
 */
import { GENERATED_MARKER } from '../../lib/render/marker.js';
import { memoByModel } from '../../lib/render/memo.js';
export { GENERATED_MARKER };

/**
 * Versions of build tools that have no official image to pin in
 * templates/images.Dockerfile. They are emitted as ARG defaults (overridable)
 * and pinned to a major series, so a build never silently picks up a new major.
 */
export const TOOL_SERIES = {
  /** `pip install "poetry==2.*"` */
  poetry: '2',
  /** `pip install "pipenv==2024.*"` */
  pipenv: '2024',
} as const;

/** Per-language Dockerfile variants, one template each. */
export type Variant =
  | 'node'
  | 'node-static'
  | 'python'
  | 'go'
  | 'java-maven'
  | 'java-gradle'
  | 'ruby'
  | 'php'
  | 'dotnet'
  | 'rust'
  | 'static';

/** Every file this stage owns, rendered from the model (memoized: see lib/render/memo.ts). */
export const files = memoByModel(function files(model: StackModel): OutputFile[] {
  const out: OutputFile[] = [];
  // One Dockerfile per folder: the other processes of a folder (imageFrom) run its image.
  for (const name of imageServices(model)) {
    const svc = model.services[name]!;
    if (svc.dockerfile) continue; // the user's own Dockerfile is kept and used
    out.push({ path: inService(svc, 'Dockerfile'), content: renderDockerfile(model, name) });
    // A workspace member is built from the workspace root, which no service owns: its ignore
    // file is the Dockerfile-specific one (<Dockerfile>.dockerignore, read by BuildKit and podman).
    out.push({ path: isWorkspaceMember(svc) ? `${buildContext(svc).dockerfile}.dockerignore` : inService(svc, '.dockerignore'), content: renderDockerignore(model, name) });
  }
  return out;
});

const inService = (svc: ServiceModel, file: string): string => (svc.path === '.' ? file : posix.join(svc.path, file));

// ---------------------------------------------------------------- variants

/** A Node service whose image serves a static build (vite, cra, ...) with a web server. */
export const isNodeStatic = (svc: ServiceModel): boolean => svc.language === 'node' && svc.start.length === 0 && svc.outputDir !== null;

export function variantOf(svc: ServiceModel): Variant {
  switch (svc.language) {
    case 'node':
      return isNodeStatic(svc) ? 'node-static' : 'node';
    case 'java':
      return svc.packageManager === 'gradle' ? 'java-gradle' : 'java-maven';
    default:
      return svc.language;
  }
}

// ---------------------------------------------------------------- small helpers

export { shellQuote };
/** A Dockerfile exec-form array (JSON, with a space after each comma for readability). */
export const execForm = (words: string[]): string => `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;

/** `ENV A=1 \` / `    B=2` with values quoted when needed. `$VAR` references stay live. */
function envBlock(pairs: [string, string][]): string {
  if (pairs.length === 0) return '';
  const fmt = ([k, v]: [string, string]) => `${k}=${/^[\w./:$@,+-]*$/.test(v) && v !== '' ? v : JSON.stringify(v)}`;
  return `ENV ${pairs.map(fmt).join(' \\\n    ')}`;
}

/** A RUN instruction with its mounts: `RUN --mount=... \` then the command lines joined by ` \` and `&&`. */
function runBlock(mounts: string[], commands: string[]): string {
  const head = mounts.length ? `RUN ${mounts.map((m) => `--mount=${m}`).join(' \\\n    ')} \\\n    ` : 'RUN ';
  return head + commands.join(' \\\n && ');
}
const cache = (target: string, extra = ''): string => `type=cache,target=${target}${extra ? `,${extra}` : ''}`;

/** Version ARG plus the FROM reference that uses it: `node:${NODE_VERSION}-bookworm-slim`. */
interface BaseImage {
  /** `NODE_VERSION=22` */
  arg: string;
  /** `node:${NODE_VERSION}-bookworm-slim` */
  from: string;
  /** `node:22-bookworm-slim`, for comments and docs */
  resolved: string;
}

function versioned(key: string, argName: string, version: string): BaseImage {
  const { repository } = imagePin(key);
  return {
    arg: `${argName}=${version}`,
    from: `${repository}:${tagFor(key, `\${${argName}}`)}`,
    resolved: image(key, version),
  };
}

/** Images whose tag ends with the Java version (maven:3.9-eclipse-temurin-21, gradle:8.10-jdk21). */
function javaTagged(key: string, argName: string, version: string): BaseImage {
  const { repository, tag } = imagePin(key);
  const templ = tag.replace(/\d+$/, `\${${argName}}`);
  return { arg: `${argName}=${version}`, from: `${repository}:${templ}`, resolved: `${repository}:${templ.replace(`\${${argName}}`, version)}` };
}

/** The same image for every service (the Debian runtime of Go and Rust binaries, composer, uv). */
function fixedImage(key: string): string {
  return image(key);
}

/** Major.minor of a version string ('3.11.4' → [3, 11]). */
const versionParts = (v: string): number[] => v.split('.').map((x) => Number.parseInt(x, 10) || 0);

/** A lockfile that lives inside the service folder (the build context); '../pnpm-lock.yaml' does not. */
const lockInContext = (svc: ServiceModel): string | null => (svc.lockfile && !svc.lockfile.startsWith('..') ? svc.lockfile : null);

// ---------------------------------------------------------------- shared blocks

const UID = CONTAINER_UID;
const GID = CONTAINER_GID;
const USER = `${UID}:${GID}`;

/** Home of the app user: the dev stage's tools write their caches and build output there. */
export const HOME = '/home/app';

/** Creates the app user and group with the fixed ids (Debian and Ubuntu bases, which have a shell). */
const ADD_USER = [
  `groupadd --gid ${GID} app`,
  `useradd --uid ${UID} --gid ${GID} --create-home --home-dir ${HOME} --shell /usr/sbin/nologin app`,
];

/** apt-get install, leaving no package lists in the layer. */
const aptInstall = (packages: string[]): string[] => [
  'apt-get update',
  `apt-get install -y --no-install-recommends ${packages.join(' ')}`,
  'rm -rf /var/lib/apt/lists/*',
];

type HealthKind = 'node' | 'python' | 'ruby' | 'php' | 'bash' | 'probe';

/** Where a static Go image keeps the health probe built beside the service (see GO_PROBE). */
export const PROBE_PATH = '/usr/local/bin/healthcheck';

/**
 * The health probe of an image with nothing but a static binary (scratch: no shell, no curl,
 * no wget), as Go source: connect to 127.0.0.1:<port>, send a GET of <path>, exit 0 on a 2xx
 * status line. The build stage compiles it (standard library only, so it builds offline) into
 * a static binary of 1.6 MB. Single-quoted lines for `printf '%s\n'`: no single quote inside.
 */
const GO_PROBE = [
  'package main',
  'import ("bufio"; "net"; "os"; "strings"; "time")',
  'func main() {',
  'c, err := net.DialTimeout("tcp", "127.0.0.1:"+os.Args[1], 4*time.Second)',
  'if err != nil { os.Exit(1) }',
  'c.SetDeadline(time.Now().Add(4 * time.Second))',
  'c.Write([]byte("GET " + os.Args[2] + " HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n"))',
  'status, _ := bufio.NewReader(c).ReadString(10)',
  'if f := strings.Fields(status); len(f) < 2 || !strings.HasPrefix(f[1], "2") { os.Exit(1) }',
  '}',
];

/**
 * The HEALTHCHECK command, using only what the runtime image already has
 * (slim images have neither curl nor wget): node's fetch, python's urllib,
 * ruby's net/http, php's http wrapper, else bash's /dev/tcp with a minimal
 * HTTP/1.1 request whose status line must be 2xx.
 */
export function healthcheckCommand(kind: HealthKind, port: number, rawPath: string): string[] {
  // Quotes, `$`, backslashes and spaces would end the string literals below: percent-encode them.
  const path = rawPath.replace(/['"$`\\ ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const url = `http://127.0.0.1:${port}${path}`;
  switch (kind) {
    case 'probe':
      return [PROBE_PATH, String(port), path];
    case 'node':
      return ['node', '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
    case 'python':
      return ['python', '-c', `import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('${url}', timeout=4).status < 300 else 1)`];
    case 'ruby':
      return ['ruby', '-rnet/http', '-e', `exit Net::HTTP.get_response(URI('${url}')).is_a?(Net::HTTPSuccess)`];
    case 'php':
      return ['php', '-r', `exit(@file_get_contents('${url}') === false ? 1 : 0);`];
    case 'bash':
      return [
        'bash',
        '-c',
        // The path is printf's argument, not its format: a % in it stays a %.
        `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET %s HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' '${path}' >&3 && read -r _ status _ <&3 && [ "\${status#2}" != "$status" ]`,
      ];
  }
}

interface TailOptions {
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
function tail(svc: ServiceModel, o: TailOptions): string {
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
function labels(model: StackModel, name: string, svc: ServiceModel, base: string): string {
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

/**
 * A dev CMD for programs without a reloader of their own: a POSIX sh loop
 * that (re)builds and runs the program and restarts it when a watched file
 * under /app changes (polling once a second, so it also works on bind mounts
 * from macOS and Windows hosts). No extra tool in the image.
 */
export function watchLoop(build: string | null, run: string[], patterns: string[]): string[] {
  const names = patterns.map((p) => `-name ${shellQuote(p)}`).join(' -o ');
  const script = [
    `trap 'kill $pid 2>/dev/null; exit 0' TERM INT`,
    'while :; do touch "$HOME/.dev-stamp"; pid=',
    build ? `if ${build}; then ${shellJoin(run)} & pid=$!; fi` : `${shellJoin(run)} & pid=$!`,
    `while [ -z "$(find . \\( ${names} \\) -newer \"$HOME/.dev-stamp\" -print -quit 2>/dev/null)" ]; do sleep 1; done`,
    `echo '[dev] change detected, restarting' >&2`,
    'if [ -n "$pid" ]; then kill $pid 2>/dev/null; wait $pid; fi',
    'done',
  ].join('; ');
  return ['sh', '-c', script];
}

// ---------------------------------------------------------------- context per variant

interface Common {
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

function header(model: StackModel, name: string, svc: ServiceModel, what: string): string {
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

function common(model: StackModel, name: string, what: string): Common {
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

// ---- node

/** Node's inspector in the dev stage (the dev layer publishes it on 127.0.0.1). */
export const NODE_INSPECT_PORT = 9229;

/** Framework dev servers, the dev CMD instead of the start command (lib/render/devloop.ts knows what each writes). */
export const NODE_DEV: Record<string, (port: number) => string[]> = {
  next: (p) => ['node_modules/.bin/next', 'dev', '--hostname', '0.0.0.0', '--port', String(p)],
  vite: (p) => ['node_modules/.bin/vite', '--host', '0.0.0.0', '--port', String(p)],
  sveltekit: (p) => ['node_modules/.bin/vite', 'dev', '--host', '0.0.0.0', '--port', String(p)],
  astro: (p) => ['node_modules/.bin/astro', 'dev', '--host', '0.0.0.0', '--port', String(p)],
  nuxt: (p) => ['node_modules/.bin/nuxt', 'dev', '--host', '0.0.0.0', '--port', String(p)],
  angular: (p) => ['node_modules/.bin/ng', 'serve', '--host', '0.0.0.0', '--port', String(p)],
  cra: () => ['node_modules/.bin/react-scripts', 'start'],
  nest: () => ['node_modules/.bin/nest', 'start', '--watch'],
};

interface NodePm {
  manifests: string[];
  install: string;
  installProd: string;
  mounts: string[];
  corepack: boolean;
  note: string | null;
}

function nodePm(svc: ServiceModel): NodePm {
  const lock = lockInContext(svc);
  const npmrc = 'type=secret,id=npmrc,target=/root/.npmrc';
  const note =
    svc.lockfile && !lock
      ? `# The lockfile (${svc.lockfile}) is outside this build context: dependencies are resolved afresh.`
      : null;
  switch (svc.packageManager) {
    case 'yarn':
      return {
        manifests: ['package.json', ...(lock ? [lock] : []), '.yarnrc.ym[l]'],
        install: `YARN_CACHE_FOLDER=/root/.yarn-cache yarn install${lock ? ' --frozen-lockfile' : ''}`,
        installProd: `YARN_CACHE_FOLDER=/root/.yarn-cache yarn install${lock ? ' --frozen-lockfile' : ''} --production=true`,
        mounts: [cache('/root/.yarn-cache'), npmrc],
        corepack: true,
        note,
      };
    case 'pnpm':
      return {
        manifests: ['package.json', ...(lock ? [lock] : []), 'pnpm-workspace.yam[l]'],
        install: `pnpm install${lock ? ' --frozen-lockfile' : ''}`,
        installProd: `pnpm install${lock ? ' --frozen-lockfile' : ''} --prod`,
        mounts: [cache('/root/.local/share/pnpm/store'), npmrc],
        corepack: true,
        note,
      };
    default: {
      // npm, and bun (no official Debian bun image is pinned: npm installs from package.json).
      const npmLock = svc.packageManager === 'npm' || svc.packageManager === null ? lock : null;
      const verb = npmLock ? 'ci' : 'install';
      return {
        manifests: ['package.json', ...(npmLock ? [npmLock] : [])],
        install: `npm ${verb} --no-audit --no-fund`,
        installProd: `npm ${verb} --omit=dev --no-audit --no-fund`,
        mounts: [cache('/root/.npm'), npmrc],
        corepack: false,
        note:
          note ??
          (svc.packageManager === 'bun'
            ? '# bun: no bun image is pinned, so npm installs from package.json; bun.lock is not read\n# (versions resolve from the ranges in package.json).'
            : null),
      };
    }
  }
}

/** The dev CMD of a Node service: the framework's dev server, `node --watch`, or the start command. */
function nodeDevCommand(svc: ServiceModel): string[] {
  const port = svc.port ?? 3000;
  const fw = svc.framework ? NODE_DEV[svc.framework] : undefined;
  if (fw) return fw(port);
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

function nodeContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('node', 'NODE_VERSION', svc.languageVersion);
  const pm = nodePm(svc);
  const staticSite = isNodeStatic(svc);
  const nginx = versioned('nginx', 'NGINX_VERSION', imagePin('nginx').tag.replace(/-.*$/, ''));
  const c = common(
    model,
    name,
    staticSite
      ? `${svc.framework ?? 'static'} build on Node ${svc.languageVersion} (${svc.packageManager ?? 'npm'}), served by unprivileged nginx`
      : `Node ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, ${svc.packageManager ?? 'npm'}`,
  );
  const buildCleanup = svc.framework === 'next' ? ' \\\n && rm -rf .next/cache node_modules' : ' \\\n && rm -rf node_modules';
  const devEnv: [string, string][] = [
    ['NODE_ENV', 'development'],
    ['PATH', '/app/node_modules/.bin:$PATH'],
  ];
  if (svc.port !== null) devEnv.push(['PORT', String(svc.port)]);
  if (svc.framework === 'cra') devEnv.push(['HOST', '0.0.0.0'], ['BROWSER', 'none'], ['WATCHPACK_POLLING', 'true']);
  if (svc.framework === 'next') devEnv.push(['NEXT_TELEMETRY_DISABLED', '1']);
  const runtimeEnv: [string, string][] = [['NODE_ENV', 'production']];
  if (svc.port !== null) runtimeEnv.push(['PORT', String(svc.port)]);
  if (svc.framework === 'next') runtimeEnv.push(['NEXT_TELEMETRY_DISABLED', '1']);
  const outputDir = svc.outputDir ? posix.normalize(svc.outputDir).replace(/\/$/, '') : null;
  return {
    ...c,
    base,
    nginx,
    pm,
    staticSite,
    outputDir,
    buildCmd: svc.build ? svc.build + (staticSite ? '' : buildCleanup) : staticSite ? `${svc.packageManager === 'yarn' || svc.packageManager === 'pnpm' ? svc.packageManager : 'npm'} run build` : null,
    devEnv: envBlock(devEnv),
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, staticSite ? nginx.resolved : base.resolved),
    nginxConf: staticSite ? nginxSpaConf(svc.port ?? 8080) : null,
    devTail: tail(svc, { dev: true, cmd: nodeDevCommand(svc), entrypoint: ['tini', '--'], ownDirs: ['/app/node_modules', ...devOutputDirs(svc).map((d) => `/app/${d}`)] }),
    runtimeTail: staticSite
      ? tail(svc, { cmd: ['nginx', '-g', 'daemon off;'], health: 'bash' })
      : tail(svc, { cmd: svc.start, entrypoint: ['tini', '--'], health: 'node' }),
  };
}

/** nginx server block for a single-page app: unknown paths fall back to index.html. */
function nginxSpaConf(port: number): string {
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

// ---- node workspace member

/** Files of a workspace that the dependency install reads, per package manager (kept by the `manifests` stage). */
const WORKSPACE_MANIFESTS: Record<string, string[]> = {
  npm: ['package.json', 'package-lock.json', 'npm-shrinkwrap.json'],
  yarn: ['package.json', 'yarn.lock', '.yarnrc.yml'],
  pnpm: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml'],
};

/** `node_modules/.bin/next` → `next`: a workspace hoists binaries to the root; the image puts both .bin folders on PATH. */
const binOnPath = (words: string[]): string[] => words.map((w, i) => (i === 0 ? w.replace(/^(\.\/)?node_modules\/\.bin\//, '') : w));

/**
 * A Node service inside a workspace (its lockfile in a parent folder), built from the
 * workspace root (buildContext): a `manifests` stage keeps only the package.json files
 * and lockfiles, so the install layers only change when a manifest does; the install
 * is filtered to the member and the workspace packages it depends on; the runtime image
 * gets the production dependencies and the whole workspace source, and runs in
 * /app/<member>. See docs/dockerfiles.md, "Monorepos".
 */
function nodeWorkspaceContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('node', 'NODE_VERSION', svc.languageVersion);
  const member = pathInContext(svc);
  const workdir = `/app/${member}`;
  const staticSite = isNodeStatic(svc);
  const nginx = versioned('nginx', 'NGINX_VERSION', imagePin('nginx').tag.replace(/-.*$/, ''));
  const pmName = svc.packageManager === 'yarn' || svc.packageManager === 'pnpm' ? svc.packageManager : 'npm';
  const npmrc = 'type=secret,id=npmrc,target=/root/.npmrc';
  const pkgName = `"$(node -p 'require("./${member}/package.json").name')"`;
  let install: string;
  let installProd: string;
  let mounts: string[];
  switch (pmName) {
    case 'yarn':
      // yarn berry (a .yarnrc.yml) installs one workspace with `workspaces focus`; yarn 1 installs them all.
      install = `if [ -f .yarnrc.yml ]; then yarn workspaces focus ${pkgName}; else YARN_CACHE_FOLDER=/root/.yarn-cache yarn install --frozen-lockfile; fi`;
      installProd = `if [ -f .yarnrc.yml ]; then yarn workspaces focus --production ${pkgName}; else YARN_CACHE_FOLDER=/root/.yarn-cache yarn install --frozen-lockfile --production=true; fi`;
      mounts = [cache('/root/.yarn-cache'), cache('/root/.yarn/berry/cache'), npmrc];
      break;
    case 'pnpm':
      install = `pnpm install --frozen-lockfile --filter '{${member}}...'`;
      installProd = `pnpm install --frozen-lockfile --prod --filter '{${member}}...'`;
      mounts = [cache('/root/.local/share/pnpm/store'), npmrc];
      break;
    default:
      install = `npm ci --workspace ${shellQuote(member)} --include-workspace-root --no-audit --no-fund`;
      installProd = `npm ci --omit=dev --workspace ${shellQuote(member)} --include-workspace-root --no-audit --no-fund`;
      mounts = [cache('/root/.npm'), npmrc];
  }
  const keep = WORKSPACE_MANIFESTS[pmName]!;
  const strip = [
    'find . -type d -name node_modules -prune -exec rm -rf {} +',
    `find . -type f ${keep.map((k) => `! -name ${k}`).join(' ')}${pmName === 'yarn' ? " ! -path './.yarn/releases/*' ! -path './.yarn/plugins/*'" : ''} -delete`,
    'find . -depth -mindepth 1 -type d -empty -delete',
  ];
  const c = common(
    model,
    name,
    staticSite
      ? `${svc.framework ?? 'static'} build on Node ${svc.languageVersion} (${pmName} workspace member ${member}), served by unprivileged nginx`
      : `Node ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, ${pmName} workspace member ${member}`,
  );
  const binPath = `${workdir}/node_modules/.bin:/app/node_modules/.bin:$PATH`;
  const devEnv: [string, string][] = [
    ['NODE_ENV', 'development'],
    ['PATH', binPath],
  ];
  if (svc.port !== null) devEnv.push(['PORT', String(svc.port)]);
  if (svc.framework === 'cra') devEnv.push(['HOST', '0.0.0.0'], ['BROWSER', 'none'], ['WATCHPACK_POLLING', 'true']);
  if (svc.framework === 'next') devEnv.push(['NEXT_TELEMETRY_DISABLED', '1']);
  const runtimeEnv: [string, string][] = [
    ['NODE_ENV', 'production'],
    ['PATH', binPath],
  ];
  if (svc.port !== null) runtimeEnv.push(['PORT', String(svc.port)]);
  if (svc.framework === 'next') runtimeEnv.push(['NEXT_TELEMETRY_DISABLED', '1']);
  const outputDir = svc.outputDir ? posix.normalize(svc.outputDir).replace(/\/$/, '') : null;
  const buildRun = svc.build ?? (staticSite ? `${pmName} run build` : null);
  const cleanup = staticSite ? [] : [...(svc.framework === 'next' ? ['rm -rf .next/cache'] : []), 'find /app -type d -name node_modules -prune -exec rm -rf {} +'];
  return {
    ...c,
    base,
    nginx,
    staticSite,
    outputDir,
    member,
    workdir,
    corepack: pmName !== 'npm',
    manifestsRun: runBlock([], strip),
    installRun: runBlock(mounts, [install]),
    installProdRun: runBlock(mounts, [installProd]),
    buildRun: buildRun ? runBlock([], [buildRun, ...cleanup]) : null,
    devEnv: envBlock(devEnv),
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, staticSite ? nginx.resolved : base.resolved),
    nginxConf: staticSite ? nginxSpaConf(svc.port ?? 8080) : null,
    devTail: tail(svc, { dev: true, cmd: binOnPath(nodeDevCommand(svc)), entrypoint: ['tini', '--'], ownDirs: ['/app/node_modules', `${workdir}/node_modules`, ...devOutputDirs(svc).map((d) => `${workdir}/${d}`)] }),
    runtimeTail: staticSite
      ? tail(svc, { cmd: ['nginx', '-g', 'daemon off;'], health: 'bash' })
      : tail(svc, { cmd: binOnPath(svc.start), entrypoint: ['tini', '--'], health: 'node' }),
  };
}

// ---- python

/**
 * pip of the image installing into /opt/venv (pip >= 22.3): the virtualenv is made
 * without its own pip, which the runtime image does not need (about 15 MB).
 */
const VENV_PIP = 'pip --python /opt/venv/bin/python';
/** poetry, in a virtualenv of its own (it installs into the active one, /opt/venv). */
const POETRY = '/opt/poetry/bin/poetry';

interface PyPm {
  /** Files copied before the dependency install (into WORKDIR, or to `copyTo`). */
  manifests: string[];
  /** Destination of the manifest COPY: './', or the folder of a requirements file in one. */
  copyTo?: string;
  /** Tool setup RUN (poetry, pipenv) or null. */
  tool: string | null;
  toolArg: string | null;
  /** Dependency install into /opt/venv (production). */
  install: string[];
  /** Extra install for the dev stage (dev dependencies), or null. */
  devInstall: string[] | null;
  mounts: string[];
  uv: boolean;
  env: [string, string][];
  /** `python -m venv` options: poetry installs with the virtualenv's own pip. */
  venvArgs: string;
}

function pythonPm(svc: ServiceModel): PyPm {
  const lock = lockInContext(svc);
  const pipCache = cache('/root/.cache/pip');
  switch (svc.packageManager) {
    case 'poetry': {
      const poetry = POETRY;
      return {
        manifests: ['pyproject.toml', ...(lock ? [lock] : [])],
        toolArg: `POETRY_VERSION=${TOOL_SERIES.poetry}`,
        tool: runBlock([pipCache], ['python -m venv /opt/poetry', '/opt/poetry/bin/pip install "poetry==${POETRY_VERSION}.*"']),
        install: [`${poetry} install --only main --no-root --no-interaction --no-ansi`],
        devInstall: [`${poetry} install --no-root --no-interaction --no-ansi`],
        mounts: [cache('/root/.cache/pypoetry'), pipCache],
        uv: false,
        env: [],
        venvArgs: '',
      };
    }
    case 'uv':
      return {
        manifests: ['pyproject.toml', ...(lock ? [lock] : [])],
        tool: null,
        toolArg: null,
        install: [`uv sync${lock ? ' --frozen' : ''} --no-dev --no-install-project`],
        devInstall: [`uv sync${lock ? ' --frozen' : ''} --no-install-project`],
        mounts: [cache('/root/.cache/uv')],
        uv: true,
        venvArgs: ' --without-pip',
        env: [
          ['UV_PROJECT_ENVIRONMENT', '/opt/venv'],
          ['UV_COMPILE_BYTECODE', '1'],
          ['UV_LINK_MODE', 'copy'],
          ['UV_PYTHON_DOWNLOADS', 'never'],
        ],
      };
    case 'pipenv': {
      const pipenv = '/opt/pipenv/bin/pipenv';
      const req = (dev: boolean) => `${pipenv} requirements${dev ? ' --dev' : ''} > /tmp/requirements.txt`;
      return {
        manifests: ['Pipfile', ...(lock ? [lock] : [])],
        toolArg: `PIPENV_VERSION=${TOOL_SERIES.pipenv}`,
        tool: runBlock([pipCache], ['python -m venv /opt/pipenv', '/opt/pipenv/bin/pip install "pipenv==${PIPENV_VERSION}.*"']),
        install: [req(false), `${VENV_PIP} install -r /tmp/requirements.txt`],
        devInstall: [req(true), `${VENV_PIP} install -r /tmp/requirements.txt`],
        mounts: [pipCache],
        uv: false,
        env: [],
        venvArgs: ' --without-pip',
      };
    }
    case 'pip': {
      if (lock) {
        // A requirements file may include others (-r base.txt): copy its folder when it has one.
        const dir = posix.dirname(lock);
        return {
          manifests: dir === '.' ? [lock] : [`${dir}/`],
          copyTo: dir === '.' ? './' : `./${dir}/`,
          tool: null,
          toolArg: null,
          install: [`${VENV_PIP} install -r ${lock}`],
          devInstall: null,
          mounts: [pipCache],
          uv: false,
          env: [],
          venvArgs: ' --without-pip',
        };
      }
      // A bare pyproject.toml: install its [project] dependencies (the project itself runs from /app).
      const tomllib = versionParts(svc.languageVersion)[1]! >= 11 || versionParts(svc.languageVersion)[0]! > 3;
      const read = `import tomllib; print("\\n".join(tomllib.load(open("pyproject.toml", "rb")).get("project", {}).get("dependencies", [])))`;
      return {
        manifests: ['pyproject.toml'],
        tool: null,
        toolArg: null,
        install: [
          ...(tomllib ? [] : ['pip install tomli']),
          `python -c ${shellQuote(tomllib ? read : read.replace('import tomllib;', 'import tomli as tomllib;'))} > /tmp/requirements.txt`,
          `${VENV_PIP} install -r /tmp/requirements.txt`,
        ],
        devInstall: null,
        mounts: [pipCache],
        uv: false,
        env: [],
        venvArgs: ' --without-pip',
      };
    }
    default:
      return { manifests: [], tool: null, toolArg: null, install: [], devInstall: null, mounts: [], uv: false, env: [], venvArgs: ' --without-pip' };
  }
}

/**
 * The model's `build` of a Python service, as the Dockerfile runs it in the `build` stage
 * (after `COPY . .`, the dependencies already in /opt/venv): `pip` is the image's pip
 * aimed at the virtualenv, `poetry` the one in /opt/poetry. The Python detector sets
 * `build` to the install of the project itself (`pip install --no-deps .`,
 * `uv sync --frozen --no-dev --no-editable`, `poetry install --only-root`) for a project
 * that runs only once installed (src/ layout, console scripts). `dev` is the same install
 * in editable mode for the dev stage, where the bind-mounted /app is what must run; null
 * for a build that is no project install (the dev stage does not run it).
 */
export function pythonBuild(svc: ServiceModel): { run: string; dev: string | null } | null {
  if (!svc.build) return null;
  const cmd = svc.build.trim();
  const pip = /^(?:python3? -m )?pip /;
  const poetry = svc.packageManager === 'poetry' && /^poetry /.test(cmd);
  const inImage = (c: string): string => {
    if (pip.test(c)) return c.replace(pip, `${VENV_PIP} `);
    if (poetry) return c.replace(/^poetry /, `${POETRY} `) + (/--no-interaction| -n\b/.test(c) ? '' : ' --no-interaction --no-ansi');
    return c;
  };
  let dev: string | null = null;
  if (/^(?:python3? -m )?pip install /.test(cmd) && / \.$/.test(cmd) && !/ (?:-e|--editable)\b/.test(cmd)) dev = cmd.replace(/ \.$/, ' -e .');
  else if (/^uv sync\b/.test(cmd)) dev = cmd.replace(/ --no-dev\b| --no-editable\b/g, '');
  else if (poetry && /^poetry install\b/.test(cmd)) dev = cmd;
  return { run: inImage(cmd), dev: dev === null ? null : inImage(dev) };
}

/** The dev CMD of a Python service: the server's own reloader when it has one, else the polling loop. */
function pythonDevCommand(svc: ServiceModel): string[] {
  const s = svc.start;
  const head = s[0];
  if (head === 'gunicorn') return ['gunicorn', '--reload', ...s.slice(1)];
  if (head === 'uvicorn' || head === 'hypercorn') return [...s, '--reload'];
  if (head === 'flask') return ['flask', '--debug', ...s.slice(1)];
  if (head === 'python' && s[1] === 'manage.py' && s[2] === 'runserver') return s.filter((w) => w !== '--noreload');
  return watchLoop(null, s, ['*.py']);
}

function pythonContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('python', 'PYTHON_VERSION', svc.languageVersion);
  const pm = pythonPm(svc);
  const c = common(model, name, `Python ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, ${svc.packageManager ?? 'standard library only'}`);
  const runtimeEnv: [string, string][] = [
    ['VIRTUAL_ENV', '/opt/venv'],
    ['PATH', '/opt/venv/bin:$PATH'],
  ];
  if (svc.port !== null) runtimeEnv.push(['PORT', String(svc.port)]);
  return {
    ...c,
    base,
    pm,
    project: pythonBuild(svc),
    uvImage: pm.uv ? fixedImage('uv') : null,
    venvEnv: envBlock([['VIRTUAL_ENV', '/opt/venv'], ['PATH', '/opt/venv/bin:$PATH'], ...pm.env]),
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, base.resolved),
    devTail: tail(svc, { dev: true, cmd: pythonDevCommand(svc), entrypoint: ['tini', '--'] }),
    runtimeTail: tail(svc, { cmd: svc.start, entrypoint: ['tini', '--'], health: 'python' }),
  };
}

// ---- go

/** The binary the Go build writes: `go build -o /out/<name> <entry>`; start is ['./<name>'] (a file name: the model validator checks it). */
const goBinary = (svc: ServiceModel): string => binaryName(svc)!;

function goContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('go', 'GO_VERSION', svc.languageVersion);
  const bin = goBinary(svc);
  const entry = svc.entry ?? '.';
  const hasModule = !/\.go(\s|$)/.test(entry); // without go.mod the entry lists the main package's files
  const build = svc.build && /^go build\b/.test(svc.build) ? svc.build : `go build -o /out/${bin} ${shellQuote(entry)}`;
  const prodBuild = build.replace(/^go build\b/, `go build -trimpath -ldflags="-s -w"`);
  // A program without cgo is a static binary: it runs on an empty image (scratch) with the CA
  // certificates, time zone data and passwd entry it may need copied in. cgo needs glibc: slim Debian.
  const isStatic = svc.linking !== 'dynamic';
  const probe = isStatic && svc.port !== null && svc.healthPath !== null;
  const summary = isStatic ? 'a static binary on an empty (scratch) runtime image' : 'a cgo binary on a minimal Debian runtime';
  const c = common(model, name, `Go ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, ${summary}`);
  const runtimeEnv: [string, string][] = svc.port !== null ? [['PORT', String(svc.port)]] : [];
  const passwd = [
    'mkdir -p /out/etc',
    `echo 'app:x:${UID}:${GID}:app:${HOME}:/sbin/nologin' > /out/etc/passwd`,
    `echo 'app:x:${GID}:' > /out/etc/group`,
  ];
  const probeBuild = [
    'mkdir -p /tmp/probe',
    `printf '%s\\n' ${GO_PROBE.map((l) => `'${l}'`).join(' \\\n      ')} > /tmp/probe/main.go`,
    `go build -trimpath -ldflags="-s -w" -o /out/healthcheck /tmp/probe/main.go`,
  ];
  return {
    ...c,
    base,
    isStatic,
    cgo: isStatic ? '0' : '1',
    runtimeImage: isStatic ? 'scratch' : fixedImage('debian'),
    bin,
    hasModule,
    manifests: ['go.mod', ...(lockInContext(svc) ? [lockInContext(svc)!] : [])],
    prodBuild,
    staticFiles: isStatic ? runBlock(probe ? [cache('/root/.cache/go-build')] : [], [...passwd, ...(probe ? probeBuild : [])]) : null,
    probe,
    probePath: PROBE_PATH,
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, '${RUNTIME_IMAGE}'),
    devTail: tail(svc, { dev: true, cmd: watchLoop(`go build -o ${HOME}/${bin} ${shellQuote(entry)}`, [`${HOME}/${bin}`], ['*.go', 'go.mod', 'go.sum']) }),
    runtimeTail: tail(svc, { cmd: [`./${bin}`], health: isStatic ? (probe ? 'probe' : null) : 'bash' }),
  };
}

// ---- java

/**
 * Where the build writes its runnable jar and a `find` name pattern that matches it
 * whatever the version: the model's entry ('target/orders-1.0.0.jar', from pom.xml) names
 * the version of the day, and a bump in pom.xml must not break the image build. Only the
 * folder and the kind of jar are kept: `*-runner.jar` (Quarkus), `*-all.jar` (Shadow),
 * `*.war`, else `*.jar`; an entry that is already a glob is kept as written.
 */
export function jarPattern(entry: string): { dir: string; name: string } {
  const dir = posix.dirname(entry);
  const base = posix.basename(entry);
  if (base.includes('*')) return { dir, name: base };
  const kind = /(-runner|-all)?\.(jar|war)$/.exec(base);
  return { dir, name: kind ? `*${kind[1] ?? ''}.${kind[2]}` : base };
}

/**
 * The runnable jars a build left in the entry's folder: the name pattern, without the
 * companions builds write next to them (Gradle's `-plain.jar`, Maven's `-sources`, `-javadoc`
 * and `-tests` jars, the Shade plugin's `original-*.jar`; Spring Boot's `.jar.original` does
 * not end in .jar). Expands to the paths, one per line.
 */
function findJars(entry: string): string {
  const { dir, name } = jarPattern(entry);
  const skip = ['*-plain.jar', '*-sources.jar', '*-javadoc.jar', '*-tests.jar', 'original-*'].map((n) => `! -name ${shellQuote(n)}`).join(' ');
  return `find ${shellQuote(dir)} -maxdepth 1 -type f -name ${shellQuote(name)} ${skip}`;
}

/** Copies the one runnable jar the build wrote to `to`, or fails naming what it found. */
function copyJar(entry: string, to: string): string {
  const { dir, name } = jarPattern(entry);
  const why = `expected one runnable jar (${dir}/${name}) from the build, found:`;
  return `set -- $(${findJars(entry)}) && if [ "$#" -ne 1 ]; then echo "${why} $*" >&2; exit 1; fi && cp "$1" ${to}`;
}

function javaContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const gradle = svc.packageManager === 'gradle';
  const buildImage = gradle ? javaTagged('gradle', 'JAVA_VERSION', svc.languageVersion) : javaTagged('maven', 'JAVA_VERSION', svc.languageVersion);
  const runtime = versioned('java', 'JAVA_VERSION', svc.languageVersion);
  const build = svc.build ?? (gradle ? 'gradle build -x test --no-daemon' : 'mvn -B package -DskipTests');
  const wrapper = /^\.\/(mvnw|gradlew)\b/.exec(build)?.[1] ?? null;
  const tool = gradle ? (wrapper ? './gradlew' : 'gradle') : wrapper ? './mvnw' : 'mvn';
  const entry = svc.entry ?? (gradle ? 'build/libs/*.jar' : 'target/*.jar');
  const manifests = gradle
    ? ['build.gradle*', 'settings.gradle*', 'gradle.propertie[s]', ...(wrapper ? ['gradlew'] : [])]
    : ['pom.xml', ...(wrapper ? ['mvnw'] : [])];
  const manifestDirs: [string, string][] = gradle ? [['gradl[e]', 'gradle/']] : wrapper ? [['.mvn/', '.mvn/']] : [];
  const cacheDir = gradle ? '/home/gradle/.gradle' : '/root/.m2';
  const resolve = gradle ? `${tool} dependencies --no-daemon > /dev/null` : `${tool} -B -q dependency:go-offline`;
  // One runnable jar (the detector's convention), found by its folder and kind, not its versioned name.
  const pickJar = copyJar(entry, '/out/app.jar');
  const springBoot = svc.framework === 'spring-boot';
  // The dev loop of a plain Java app: rebuild, then run what the build wrote.
  const devRun = ['sh', '-c', `exec java -jar "$(${findJars(entry)} | head -n 1)"`];
  const layers = ['dependencies', 'spring-boot-loader', 'snapshot-dependencies', 'application'];
  // Spring Boot >= 3.3 splits the jar into layers (dependencies change rarely, the application often);
  // older versions keep the whole jar in the application layer. Either way /app/app.jar runs.
  const extract = springBoot
    ? [
        `mkdir -p ${layers.map((l) => `/out/layers/${l}`).join(' ')}`,
        '(cd /out && java -Djarmode=tools -jar app.jar extract --layers --destination layers 2>/dev/null || cp app.jar layers/application/app.jar)',
      ]
    : [];
  const devCmd = gradle
    ? svc.framework === 'spring-boot'
      ? [tool, 'bootRun', '--no-daemon']
      : svc.framework === 'quarkus'
        ? [tool, 'quarkusDev', '--no-daemon', '-Dquarkus.http.host=0.0.0.0']
        : svc.framework === 'micronaut'
          ? [tool, 'run', '--continuous', '--no-daemon']
          : watchLoop(build, devRun, ['*.java', '*.kt', '*.gradle', '*.gradle.kts', '*.properties', '*.yml', '*.yaml'])
    : svc.framework === 'spring-boot'
      ? [tool, '-B', 'spring-boot:run']
      : svc.framework === 'quarkus'
        ? [tool, '-B', 'quarkus:dev', '-Dquarkus.http.host=0.0.0.0']
        : svc.framework === 'micronaut'
          ? [tool, '-B', 'mn:run']
          : watchLoop(build, devRun, ['*.java', '*.kt', 'pom.xml', '*.properties', '*.yml', '*.yaml']);
  const c = common(model, name, `Java ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, built with ${gradle ? 'Gradle' : 'Maven'}, run on a JRE`);
  const runtimeEnv: [string, string][] = svc.port !== null ? [['PORT', String(svc.port)]] : [];
  return {
    ...c,
    gradle,
    buildImage,
    runtime,
    tool,
    wrapper,
    manifests,
    manifestDirs,
    cacheDir,
    resolve,
    build,
    pickJar,
    springBoot,
    layers,
    extract,
    // Dev: dependencies inside the image (not in a cache mount), owned by the dev user.
    // The maven image sets MAVEN_CONFIG=/root/.m2, which older mvnw scripts pass to Maven as arguments.
    buildEnv: !gradle && wrapper ? envBlock([['MAVEN_CONFIG', '']]) : '',
    devRepoEnv: gradle
      ? envBlock([['GRADLE_USER_HOME', '/opt/gradle-home']])
      : envBlock([
          ['MAVEN_ARGS', '-Dmaven.repo.local=/opt/m2/repository'],
          ['MAVEN_USER_HOME', '/opt/m2'],
          ...(wrapper ? ([['MAVEN_CONFIG', '']] as [string, string][]) : []),
        ]),
    devRepoDir: gradle ? '/opt/gradle-home' : '/opt/m2',
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, runtime.resolved),
    devTail: tail(svc, { dev: true, cmd: devCmd, ownDirs: gradle ? ['/app/build', '/app/.gradle'] : ['/app/target'] }),
    runtimeTail: tail(svc, { cmd: svc.start.length ? svc.start : ['java', '-jar', '/app/app.jar'], health: 'bash' }),
  };
}

// ---- ruby

function rubyContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('ruby', 'RUBY_VERSION', svc.languageVersion);
  const rails = svc.framework === 'rails';
  const lock = lockInContext(svc);
  const c = common(model, name, `Ruby ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, Bundler`);
  const runtimeEnv: [string, string][] = [];
  // Rails writes its pid file and bootsnap cache under tmp/ by default: /tmp keeps the root filesystem read-only.
  if (rails)
    runtimeEnv.push(['RAILS_ENV', 'production'], ['RAILS_LOG_TO_STDOUT', '1'], ['RAILS_SERVE_STATIC_FILES', '1'], ['PIDFILE', '/tmp/server.pid'], ['BOOTSNAP_CACHE_DIR', '/tmp/bootsnap']);
  else runtimeEnv.push(['RACK_ENV', 'production']);
  if (svc.port !== null) runtimeEnv.push(['PORT', String(svc.port)]);
  const devCmd = rails
    ? ['bundle', 'exec', 'rails', 'server', '-b', '0.0.0.0', '-p', String(svc.port ?? 3000)]
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
    runtimeTail: tail(svc, { cmd: svc.start, health: 'ruby' }),
  };
}

// ---- php

function phpContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('php', 'PHP_VERSION', svc.languageVersion);
  const apache = svc.start[0] === 'apache2-foreground';
  const docroot = posix.join('/app', svc.outputDir ?? '.').replace(/\/\.?$/, '') || '/app';
  const port = svc.port ?? 8080;
  const lock = lockInContext(svc);
  const apacheSetup = apache
    ? [
        // Listen on an unprivileged port, serve /app/<docroot>, allow .htaccess front controllers.
        `sed -ri 's/^Listen 80$/Listen ${port}/' /etc/apache2/ports.conf`,
        `sed -ri 's/<VirtualHost \\*:80>/<VirtualHost *:${port}>/' /etc/apache2/sites-available/000-default.conf`,
        `sed -ri 's#/var/www/html#${docroot}#g' /etc/apache2/sites-available/000-default.conf /etc/apache2/apache2.conf`,
        `sed -ri 's#<Directory /var/www/>#<Directory /app/>#; /<Directory \\/app\\/>/,/<\\/Directory>/ s/AllowOverride None/AllowOverride All/' /etc/apache2/apache2.conf`,
        'a2enmod rewrite',
      ]
    : [];
  const c = common(model, name, `PHP ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, Composer${apache ? ', Apache on port ' + port : ''}`);
  const runtimeEnv: [string, string][] = apache
    ? [
        // Apache as a non-root user: pid and lock files under /tmp (read-only root filesystem).
        ['APACHE_RUN_DIR', '/tmp/apache2'],
        ['APACHE_LOCK_DIR', '/tmp/apache2'],
        ['APACHE_PID_FILE', '/tmp/apache2/apache2.pid'],
      ]
    : [];
  const devCmd = apache ? svc.start : watchLoop(null, svc.start, ['*.php']);
  const devOwn = ['/app/vendor'];
  return {
    ...c,
    base,
    composerImage: fixedImage('composer'),
    apache,
    apacheSetup: apacheSetup.length ? runBlock([], [...apacheSetup, ...ADD_USER]) : runBlock([], ADD_USER),
    manifests: ['composer.json', ...(lock ? [lock] : [])],
    baseEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, base.resolved),
    devTail: tail(svc, { dev: true, cmd: devCmd, ownDirs: devOwn }),
    runtimeTail: tail(svc, { cmd: svc.start, health: 'php' }),
  };
}

// ---- dotnet

function dotnetContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const sdk = versioned('dotnet-sdk', 'DOTNET_VERSION', svc.languageVersion);
  const web = svc.framework === 'aspnetcore' || svc.port !== null;
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
    devTail: tail(svc, { dev: true, cmd: devCmd, ownDirs: ['/app/bin', '/app/obj'] }),
    runtimeTail: tail(svc, { cmd: svc.start, health: 'bash' }),
  };
}

// ---- rust

function rustContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('rust', 'RUST_VERSION', svc.languageVersion);
  const bin = binaryName(svc)!;
  const lock = lockInContext(svc);
  const locked = lock ? ' --locked' : '';
  const build = svc.build ?? `cargo build --release${locked}`;
  const c = common(model, name, `Rust ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, Cargo, a release binary on a slim Debian runtime`);
  const runtimeEnv: [string, string][] = svc.port !== null ? [['PORT', String(svc.port)]] : [];
  if (svc.framework === 'rocket') runtimeEnv.push(['ROCKET_ADDRESS', '0.0.0.0']);
  const devBuild = build.replace('--release', '').replace(/\s+/g, ' ').trim();
  return {
    ...c,
    base,
    runtimeImage: fixedImage('debian'),
    bin,
    manifests: ['Cargo.toml', ...(lock ? [lock] : [])],
    fetch: `cargo fetch${locked}`,
    build,
    devEnv: envBlock([['CARGO_TARGET_DIR', '/app/target']]),
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, '${RUNTIME_IMAGE}'),
    devTail: tail(svc, { dev: true, cmd: watchLoop(devBuild, [`/app/target/debug/${bin}`], ['*.rs', 'Cargo.toml', 'Cargo.lock']), ownDirs: ['/app/target'] }),
    runtimeTail: tail(svc, { cmd: svc.start.length ? svc.start : [`./${bin}`], entrypoint: ['tini', '--'], health: 'bash' }),
  };
}

// ---- static (nginx)

function staticContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const nginx = versioned('nginx', 'NGINX_VERSION', svc.languageVersion);
  const outputDir = svc.outputDir ? posix.normalize(svc.outputDir).replace(/\/$/, '') : null;
  const config = svc.entry;
  const port = svc.port ?? 8080;
  // The user's config: a whole nginx.conf (with an http block) replaces the main file, a server block goes to conf.d.
  const installConfig = config
    ? /\.template$/.test(config)
      ? [`mkdir -p /etc/nginx/templates`, `cp /tmp/site.conf /etc/nginx/templates/default.conf.template`]
      : [
          `if grep -Eq '^[[:space:]]*http[[:space:]]*\\{' /tmp/site.conf; then cp /tmp/site.conf /etc/nginx/nginx.conf; else cp /tmp/site.conf /etc/nginx/conf.d/default.conf; fi`,
        ]
    : null;
  const c = common(model, name, `static site served by unprivileged nginx ${svc.languageVersion}${config ? ` with ${config}` : ''}`);
  return {
    ...c,
    nginx,
    outputDir,
    config,
    configRun: installConfig ? runBlock([`type=bind,source=${config},target=/tmp/site.conf`], installConfig) : null,
    defaultConf: config ? null : nginxSpaConf(port),
    labels: labels(model, name, svc, nginx.resolved),
    devTail: tail(svc, { dev: true, cmd: ['nginx', '-g', 'daemon off;'] }),
    runtimeTail: tail(svc, { cmd: ['nginx', '-g', 'daemon off;'], health: 'bash' }),
  };
}

const CONTEXTS: Record<Variant, (model: StackModel, name: string) => Record<string, unknown>> = {
  node: nodeContext,
  'node-static': nodeContext,
  python: pythonContext,
  go: goContext,
  'java-maven': javaContext,
  'java-gradle': javaContext,
  ruby: rubyContext,
  php: phpContext,
  dotnet: dotnetContext,
  rust: rustContext,
  static: staticContext,
};

/** Maven and Gradle share one template: the context carries the differences. */
const TEMPLATE_OF: Record<Variant, string> = {
  node: 'node',
  'node-static': 'node',
  python: 'python',
  go: 'go',
  'java-maven': 'java',
  'java-gradle': 'java',
  ruby: 'ruby',
  php: 'php',
  dotnet: 'dotnet',
  rust: 'rust',
  static: 'static',
};

/** Blank-line and trailing-space hygiene, so templates can be laid out for reading. */
function tidy(text: string): string {
  return `${text
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

export function renderDockerfile(model: StackModel, name: string): string {
  const svc = model.services[name];
  if (!svc) throw new Error(`No service "${name}" in the model`);
  const variant = variantOf(svc);
  if (isWorkspaceMember(svc)) return tidy(renderFile(join(TEMPLATES, 'node-workspace.Dockerfile.ejs'), nodeWorkspaceContext(model, name)));
  return tidy(renderFile(join(TEMPLATES, `${TEMPLATE_OF[variant]}.Dockerfile.ejs`), CONTEXTS[variant](model, name)));
}

// ---------------------------------------------------------------- .dockerignore

/** Build outputs a Node build regenerates (kept when there is no build: then they are sources). */
function nodeBuildOutputs(svc: ServiceModel): string[] {
  if (!svc.build) return [];
  const out = new Set<string>(['dist', 'build', '.next', '.nuxt', '.output', '.svelte-kit', '.angular', '.turbo', '.vercel']);
  if (svc.outputDir) out.add(posix.normalize(svc.outputDir).split('/')[0]!);
  const file = svc.start.find((w, i) => i > 0 && /\.[cm]?js$/.test(w));
  if (file && file.includes('/')) out.add(posix.normalize(file).split('/')[0]!);
  // Only plain folder names become ignore lines: a start word is data, never a pattern (`!secrets`).
  return [...out].filter((d) => d !== '.' && d !== '..' && PORTABLE_SEGMENT.test(d)).sort();
}

/**
 * What the other stages write at the root of the repository, none of it for an image:
 * secret files (compose: secrets/), the Helm chart, the kustomize tree and the deploy
 * scripts (helm and kubernetes: deploy/), the dev Makefile, the stack model
 * (.yo-rc.json) and the ledger (.containerize/). Anchored at the root of the context, where those stages write: a source
 * folder named secrets/ or deploy/ deeper down is kept, even in a workspace member's
 * context. A root service's context is the whole repository, so this is where they are.
 */
const REPO_PRIVATE = ['secrets', 'deploy', 'Makefile', '.yo-rc.json', '.containerize'];

/**
 * Files the Dockerfile reads by name (COPY, bind mounts), relative to the context, that
 * an ignore rule above would drop: they are let back in at the end (`!path`), since a
 * build cannot read what the context lacks (an nginx config kept in deploy/, say).
 */
function neededByDockerfile(svc: ServiceModel): string[] {
  const prefix = isWorkspaceMember(svc) ? `${pathInContext(svc)}/` : '';
  const named = [lockInContext(svc), svc.language === 'static' ? svc.entry : null].filter((f): f is string => f !== null).map((f) => posix.normalize(prefix + f));
  const dropped = new Set([...REPO_PRIVATE, '.devcontainer']);
  return named.filter((f) => dropped.has(f.split('/')[0]!) && !f.startsWith('secrets/'));
}

export function dockerignoreEntries(svc: ServiceModel): { common: string[]; language: string[] } {
  // A build that runs make needs the Makefile (then it is the user's own: the dev stage never overwrites it).
  const makeBuild = /(^|[\s;&|(])make\b/.test(svc.build ?? '');
  const common = [
    '# Version control',
    '.git',
    '.gitignore',
    '.gitattributes',
    '.hg',
    '.svn',
    '',
    '# Container and CI files: changing them must not invalidate the source layer',
    'Dockerfile',
    'Dockerfile.*',
    '*.Dockerfile',
    'Containerfile',
    '.dockerignore',
    'compose*.yaml',
    'compose*.yml',
    'docker-compose*.yaml',
    'docker-compose*.yml',
    '.github',
    '.gitlab-ci.yml',
    '.devcontainer',
    '',
    '# Generated next to the sources: the Helm chart, the kustomize tree and the deploy',
    '# scripts (deploy/), the dev Makefile, the stack model and the ledger of generated',
    '# files; ours placed beside a file of yours, and a conflict\'s new render',
    'deploy',
    ...(makeBuild ? [] : ['Makefile']),
    'containerize.mk',
    'containerize.compose*.yaml',
    'containerize.env.example',
    '**/*.containerize-new',
    '.yo-rc.json',
    '.containerize',
    '',
    '# Secrets, environment files and credentials: never in an image (pass secrets at run',
    '# time, or to a build as `--secret id=npmrc,src=.npmrc`); .env.example documents the',
    '# variables without their values and stays',
    'secrets',
    '**/.env',
    '**/.env.*',
    '!**/.env.example',
    '!**/.env.sample',
    '**/.envrc',
    '**/*.pem',
    '**/*.key',
    '**/*.p12',
    '**/*.pfx',
    '**/.npmrc',
    '**/.pypirc',
    '**/.netrc',
    '.aws',
    '.ssh',
    '',
    '# Editors, OS files, logs, coverage',
    '.idea',
    '.vscode',
    '**/*.swp',
    '**/.DS_Store',
    '**/Thumbs.db',
    '**/*.log',
    'coverage',
  ];
  let language: string[];
  switch (svc.language) {
    case 'node':
      language = [
        '# Node: dependencies are installed in the image; build output is rebuilt there',
        '**/node_modules',
        '.npm',
        '.pnpm-store',
        '.yarn/cache',
        '.yarn/install-state.gz',
        '.eslintcache',
        '.cache',
        ...nodeBuildOutputs(svc),
      ];
      if (svc.packageManager === 'yarn') language = language.filter((l) => l !== '.yarn/cache'); // zero-installs keep it
      break;
    case 'python':
      language = [
        '# Python: the virtualenv is built in the image',
        '**/__pycache__',
        '**/*.py[cod]',
        '.venv',
        'venv',
        '.tox',
        '.nox',
        '.pytest_cache',
        '.mypy_cache',
        '.ruff_cache',
        '.hypothesis',
        '*.egg-info',
        '.eggs',
        'htmlcov',
      ];
      break;
    case 'go':
      language = ['# Go: the binary is built in the image', goBinary(svc), '*.test', '*.out', 'bin'];
      break;
    case 'java':
      language = ['# Java: build output and tool caches', 'target', 'build', '.gradle', 'out', '*.class', '.classpath', '.project', '.settings'];
      break;
    case 'ruby':
      language = [
        '# Ruby: gems are installed in the image; runtime state stays out',
        'vendor/bundle',
        '.bundle',
        'log/*',
        'tmp/*',
        '!log/.keep',
        '!tmp/.keep',
        'storage/*',
        '!storage/.keep',
        'node_modules',
        ...(svc.build ? ['public/assets', 'public/packs'] : []),
      ];
      break;
    case 'php':
      language = ['# PHP: Composer installs vendor/ in the image', 'vendor', 'node_modules', '.phpunit.result.cache', '.php-cs-fixer.cache'];
      break;
    case 'dotnet':
      language = ['# .NET: build output', 'bin', 'obj', '*.user', 'TestResults', '.vs'];
      break;
    case 'rust':
      language = ['# Rust: build output', 'target'];
      break;
    case 'static':
      language = ['# Static site: only the site and its nginx config are needed', 'node_modules'];
      break;
  }
  return { common, language };
}

export function renderDockerignore(model: StackModel, name: string): string {
  const svc = model.services[name]!;
  let { common, language } = dockerignoreEntries(svc);
  if (isWorkspaceMember(svc)) {
    // The context is the workspace root: patterns match at any depth, build outputs in the member's
    // folder; what other stages write at the repository root stays anchored there.
    const outputs = new Set(nodeBuildOutputs(svc));
    const member = pathInContext(svc);
    const anchored = new Set(REPO_PRIVATE);
    const anywhere = (l: string) =>
      l === '' || /^[#!]/.test(l) || l.startsWith('**/') || anchored.has(l) ? l : outputs.has(l) ? `${member}/${l}` : `**/${l}`;
    common = common.map(anywhere);
    language = language.map(anywhere);
  }
  const needed = neededByDockerfile(svc);
  return tidy(
    renderFile(join(TEMPLATES, 'dockerignore.ejs'), {
      name,
      language: svc.language,
      common,
      extra: language,
      needed,
    }),
  );
}
