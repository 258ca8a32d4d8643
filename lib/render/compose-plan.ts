/**
 * The Compose plan: every decision compose.yaml, .env.example, the secrets
 * files and the dev layer need, computed once from the stack model, so the
 * compose and dev stages (and their tests) read the same answers. Pure: the
 * same model gives the same plan; templates only lay it out.
 *
 * Rules decided here (documented in docs/compose.md):
 * - Environment. A non-secret variable with a known default becomes
 *   `NAME: ${KEY:-default}`; KEY is NAME when every service reading NAME has
 *   the same default, else `<SERVICE>__NAME` per service. A variable with no
 *   known default is passed through (`NAME:` with no value: set in the shell or
 *   .env, else unset, so the code's own fallback applies). PORT is the model's
 *   port, literal. Secrets never appear in compose.yaml: they are read from
 *   `secrets/<service>.env` (env_file), which `secrets/create.sh` writes.
 * - Secrets. A variable is secret when the model says so, when its name looks
 *   like a password/token/key, or when its value is a URL with a password or a
 *   connection URL to a backing service that requires a password. Backing
 *   passwords are Compose secrets (`secrets/<backing>-password`), read by the
 *   image through its *_FILE variable. An app variable is linked to a backing
 *   password when its name says PASSWORD (or PASS/PASSWD/PWD) and names that
 *   backing's kind (DB, PG, MYSQL, MONGO, AMQP...) or the service depends on
 *   exactly one password-protected backing; connection URLs to such a backing
 *   get the backing's user and password, and a secret *_URL (*_URI, *_DSN)
 *   without a value (detection drops defaults that embed a password) linked
 *   the same way gets a URL built from the stack.
 * - Health. Backing services: the official tool of each image. App services:
 *   the command of their image's HEALTHCHECK (an HTTP GET of healthPath with
 *   the runtime already in the image, or bash's /dev/tcp), exec form; a static
 *   Go binary's probe (absent from the dev stage) and user-provided Dockerfiles
 *   get none, and whoever depends on them waits for service_started.
 */
import { posix } from 'node:path';
import { PASSWORD } from '../catalog/index.js';
import { buildContext, imageRepository, replacesEntrypoint, serviceNames } from '../model/derive.js';
import { releasesBefore } from '../model/processes.js';
import type { BackingKind, ServiceModel, StackModel } from '../model/types.js';
import { image } from '../catalog/images.js';
import { healthCommand, packOf } from '../languages/index.js';
import { SHELL_NAMES, wireStack, type BackingWiring, type Part, type Wiring } from './wiring.js';

/** Folder of every secret value; ignored by git through its own .gitignore. */
export const SECRETS_DIR = 'secrets';
/** Tags: compose.yaml builds the production stage, the dev layer the `dev` stage; distinct tags keep them apart. */
export const PROD_TAG = 'latest';
export const DEV_TAG = 'dev';

export interface Healthcheck {
  /** Compose's `test`: ['CMD-SHELL', script] (backing services) or ['CMD', ...words] (app services); `$` already written `$$`. */
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  startPeriod: string;
}

/** One `NAME: value` of an environment mapping; value null passes the variable through from the shell or .env. */
export interface EnvLine {
  name: string;
  value: string | null;
}

/** Where `secrets/create.sh` gets the value of one app secret. */
export type SecretSource =
  | { kind: 'random' }
  /** Left empty for the user: a connection URL that fits no backing service of the stack. */
  | { kind: 'empty' }
  /** The code's URL to a host outside the stack, with CHANGE_ME in place of its password. */
  | { kind: 'placeholder'; value: string }
  | { kind: 'password'; backing: string }
  /** A connection value (lib/render/wiring.ts): literal parts around the password of `backing`. */
  | { kind: 'connection'; backing: string; parts: Part[] };

export interface SecretVar {
  name: string;
  source: SecretSource;
}

/** How one non-secret variable of one service appears in compose.yaml and .env.example. */
export type EnvEntry =
  | { name: string; kind: 'port'; value: string }
  | { name: string; kind: 'interpolated'; key: string; value: string; sharedWith: string[]; first: boolean }
  | { name: string; kind: 'passthrough' }
  | { name: string; kind: 'fixed'; value: string }
  /** Wired to a backing service (lib/render/wiring.ts): fixed, so the developer's shell cannot point it elsewhere. */
  | { name: string; kind: 'wired'; value: string; backing: string }
  | { name: string; kind: 'secret' };

export interface DependsOn {
  name: string;
  condition: 'service_healthy' | 'service_started' | 'service_completed_successfully';
}

export interface AppPlan {
  name: string;
  svc: ServiceModel;
  /** Build context, relative to the repository root: the service folder, or a Node workspace member's workspace root (buildContext). */
  context: string;
  /** The user's own Dockerfile, relative to the context; null when the Dockerfile stage generates it. */
  dockerfile: string | null;
  /** The generated Dockerfile relative to the context when it is not `<context>/Dockerfile` (a workspace member), else null. */
  generatedDockerfile: string | null;
  image: string;
  devImage: string;
  entries: EnvEntry[];
  environment: EnvLine[];
  /** secrets/<name>.env when the service has secrets. */
  envFile: string | null;
  secrets: SecretVar[];
  /** Published ports (public services only), `127.0.0.1:<port>:<port>`. */
  ports: string[];
  /** Ports reachable by the other services only. */
  expose: string[];
  healthcheck: Healthcheck | null;
  dependsOn: DependsOn[];
  /** read_only root filesystem with a tmpfs /tmp (runtimes known not to write elsewhere). */
  readOnly: boolean;
  /**
   * A process of another service's image (imageFrom): that service's name. It has no build
   * section (the image is built once, by its owner) and runs `command`. Null for an owner.
   */
  imageFrom: string | null;
  /** The process's own command (its start), over the image's CMD; null for an owner. */
  command: string[] | null;
  /** The command replaces the image's ENTRYPOINT too (lib/model/derive.ts replacesEntrypoint). */
  replaceEntrypoint: boolean;
  /** A one-off release command: restart "no", and the services of its image wait for it to complete. */
  release: boolean;
}

export interface BackingPlan {
  name: string;
  kind: BackingKind;
  image: string;
  environment: EnvLine[];
  entrypoint: string[] | null;
  command: string[] | null;
  volume: { name: string; target: string } | null;
  /** Compose secret holding the password, or null when the service runs without one. */
  secret: string | null;
  /** Main port, for docs and connection URLs. */
  port: number;
  user: string | null;
  database: string | null;
  healthcheck: Healthcheck | null;
  /** Read-only root filesystem (as on Kubernetes), with `tmpfs` for the folders it writes and `seeded` for those that keep the image's files. */
  readOnly: boolean;
  tmpfs: string[];
  /** Anonymous volumes over folders that must start with the image's content (a new volume copies it). */
  seeded: string[];
  /** Human summary for .env.example and secrets/README.md. */
  summary: string;
}

export interface SecretFile {
  /** Path relative to the repository root. */
  path: string;
  /** What it holds, for secrets/README.md. */
  about: string;
}

export interface StackPlan {
  name: string;
  apps: AppPlan[];
  backing: BackingPlan[];
  /** Top-level named volumes. */
  volumes: string[];
  /** Top-level Compose secrets. */
  secrets: { name: string; file: string }[];
  /** Every file secrets/create.sh writes, in the order it writes them. */
  secretFiles: SecretFile[];
  /** What the wiring could not do, each with the flag that fixes it (for the run summary). */
  notes: string[];
}

// ---- backing services ----------------------------------------------------------

const FAST = { interval: '5s', timeout: '5s', retries: 10, startPeriod: '20s' };
const SLOW = { interval: '10s', timeout: '10s', retries: 12, startPeriod: '60s' };

const secretPath = (file: string) => `${SECRETS_DIR}/${file}`;
const passwordSecret = (backing: string) => `${backing}-password`;
const runSecret = (backing: string) => `/run/secrets/${passwordSecret(backing)}`;

/** `$(NAME)` (Kubernetes' reference to a container variable, as the catalog writes args) → `"$NAME"` for sh. */
const shellArg = (arg: string) => (/\$\(/.test(arg) ? `"${arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, '$$$1')}"` : `'${arg.replace(/'/g, `'\\''`)}'`);

/** A backing service as Compose runs it, from the catalog record and the wiring's credentials. */
function planBacking(b: BackingWiring): BackingPlan {
  const r = b.record;
  const name = b.name;
  const env: EnvLine[] = Object.entries(r.serverEnv(b.server)).map(([k, v]) => ({ name: k, value: v }));
  let entrypoint: string[] | null = null;
  let command: string[] | null = null;
  const args = r.args(b.server);
  if (b.auth && r.passwordVar && r.passwordFile) env.push({ name: `${r.passwordVar}_FILE`, value: runSecret(name) });
  if (b.auth && r.passwordVar && !r.passwordFile) {
    // The image reads no *_FILE variable: export the password from the secret, then run the image's own entrypoint.
    const run = [...r.launch!.entrypoint, ...(args.length ? args : r.launch!.cmd)].map(shellArg).join(' ');
    // Compose interpolates $: every $ of the script is written $$.
    entrypoint = ['sh', '-c', `export ${r.passwordVar}="$(cat ${runSecret(name)})"; exec ${run}`.replace(/\$/g, '$$$$')];
  } else if (args.length) command = args;
  env.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const dataDir = r.dataDir(b.version);
  const health = r.health(b.server);
  const test = health === null ? null : health.split(PASSWORD).join(`$$(cat ${runSecret(name)})`);
  const parts = [`${name}: ${b.kind} (${image(r.pin, b.version)})`];
  if (b.user) parts.push(`user ${b.user}`);
  if (b.database) parts.push(`database ${b.database}`);
  parts.push(b.auth ? `password in ${secretPath(passwordSecret(name))}` : 'no password (reachable only inside the stack)');
  return {
    name,
    kind: b.kind,
    image: image(r.pin, b.version),
    environment: env,
    entrypoint,
    command,
    volume: dataDir ? { name: `${name}-data`, target: dataDir } : null,
    secret: b.auth ? passwordSecret(name) : null,
    port: b.port,
    user: b.user,
    database: b.database,
    healthcheck: test ? { test: ['CMD-SHELL', test], ...(r.slowStart ? SLOW : FAST) } : null,
    readOnly: r.readOnlyRootFilesystem,
    tmpfs: r.readOnlyRootFilesystem ? r.writableDirs : [],
    seeded: r.readOnlyRootFilesystem ? r.seedDirs : [],
    summary: parts.join(', '),
  };
}

// ---- app services ----------------------------------------------------------------

/**
 * The healthcheck of an app service: its image's HEALTHCHECK command (one function for both,
 * lib/languages healthCommand), when that command also runs in the dev stage (the dev layer
 * starts the same Compose service from it); null when there is none. A service its dev
 * container compiles at start gets the slow timing.
 */
export function appHealthcheck(svc: ServiceModel): Healthcheck | null {
  if (svc.dockerfile) return null;
  const command = healthCommand(svc, true);
  // Compose interpolates $: every $ of the command is written $$.
  return command ? { test: ['CMD', ...command.map((w) => w.replace(/\$/g, '$$$$'))], ...(packOf(svc).slowStart ? SLOW : FAST) } : null;
}

const upperName = (service: string) => service.toUpperCase().replace(/-/g, '_');

/** A value that compose interpolation cannot carry as a `${NAME:-default}` default ($, }, a backslash, a line break). */
const needsFixed = (value: string) => /[$}\\\n\r]/.test(value);

/** Secret sources, from the wiring's values. */
function secretSource(v: Wiring['services'][string][number]): SecretSource | null {
  switch (v.value.kind) {
    case 'connection':
      return { kind: 'connection', backing: v.value.backing, parts: v.value.parts };
    case 'password':
      return { kind: 'password', backing: v.value.backing };
    case 'secret':
      return v.value.generate === 'placeholder' ? { kind: 'placeholder', value: v.value.value } : { kind: v.value.generate };
    default:
      return null;
  }
}

/**
 * `a>b` for each dependency between services that depend on each other, directly or through
 * others (a cycle: web calls api, api calls web back). Compose cannot start either one first,
 * so such an edge is no `depends_on` (both share the network, so each still reaches the
 * other); every other dependency orders the start.
 */
export function mutualDependencies(model: StackModel): Set<string> {
  const names = serviceNames(model);
  // The release commands a service waits for are edges too (its image's migrations start first).
  const edges = new Map(names.map((n) => [n, [...new Set([...model.services[n]!.dependsOn, ...releasesBefore(model, n)])].filter((d) => d !== n && d in model.services).sort()]));
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  let counter = 0;
  let components = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (!component.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      let w: string;
      do {
        w = stack.pop()!;
        component.set(w, components);
      } while (w !== v);
      components++;
    }
  };
  for (const n of names) if (!index.has(n)) visit(n);
  const out = new Set<string>();
  for (const [a, deps] of edges) for (const b of deps) if (component.get(a) === component.get(b)) out.add(`${a}>${b}`);
  return out;
}

// ---- the whole plan ------------------------------------------------------------------

export function planStack(model: StackModel, wiring: Wiring = wireStack(model)): StackPlan {
  const backing = Object.keys(wiring.backing).sort().map((n) => planBacking(wiring.backing[n]!));

  // Interpolation keys: shared when every reader agrees on the default, and never a name the
  // developer's shell sets by itself (HOST, USER...): those get the service's prefix.
  const byName = new Map<string, { service: string; value: string }[]>();
  for (const service of serviceNames(model)) {
    for (const v of wiring.services[service]!) {
      if (v.value.kind !== 'literal' || needsFixed(v.value.value) || v.backing) continue;
      byName.set(v.name, [...(byName.get(v.name) ?? []), { service, value: v.value.value }]);
    }
  }
  const shared = (name: string) => !SHELL_NAMES.has(name) && new Set((byName.get(name) ?? []).map((v) => v.value)).size === 1;

  const mutual = mutualDependencies(model);
  const healthchecks = new Map<string, Healthcheck | null>();
  for (const n of serviceNames(model)) healthchecks.set(n, appHealthcheck(model.services[n]!));
  for (const b of backing) healthchecks.set(b.name, b.healthcheck);

  const apps: AppPlan[] = serviceNames(model).map((name) => {
    const svc = model.services[name]!;
    const entries: EnvEntry[] = [];
    const secrets: SecretVar[] = [];
    if (svc.port !== null) entries.push({ name: 'PORT', kind: 'port', value: String(svc.port) });
    for (const v of wiring.services[name]!) {
      const source = secretSource(v);
      if (source) {
        entries.push({ name: v.name, kind: 'secret' });
        secrets.push({ name: v.name, source });
      } else if (v.value.kind === 'unset') {
        // Passed through from the shell or .env, except names every shell sets by itself.
        if (!SHELL_NAMES.has(v.name)) entries.push({ name: v.name, kind: 'passthrough' });
      } else if (v.value.kind === 'literal') {
        const value = v.value.value;
        if (v.backing) entries.push({ name: v.name, kind: 'wired', value, backing: v.backing });
        else if (needsFixed(value)) entries.push({ name: v.name, kind: 'fixed', value });
        else {
          const readers = byName.get(v.name)!;
          const isShared = shared(v.name);
          entries.push({
            name: v.name,
            kind: 'interpolated',
            key: isShared ? v.name : `${upperName(name)}__${v.name}`,
            value,
            sharedWith: isShared ? readers.map((r) => r.service).filter((s) => s !== name) : [],
            first: !isShared || readers[0]!.service === name,
          });
        }
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    const environment: EnvLine[] = entries.flatMap((e): EnvLine[] => {
      switch (e.kind) {
        case 'port':
          return [{ name: e.name, value: e.value }];
        case 'interpolated':
          return [{ name: e.name, value: `\${${e.key}:-${e.value}}` }];
        case 'passthrough':
          return [{ name: e.name, value: null }];
        case 'fixed':
        case 'wired':
          return [{ name: e.name, value: e.value.replace(/\$/g, '$$$$') }];
        case 'secret':
          return [];
      }
    });

    // The release commands of its image (migrations) complete before it starts.
    const releases = releasesBefore(model, name);
    const dependsOn: DependsOn[] = [...new Set([...svc.dependsOn, ...releases])]
      .filter((d) => d !== name && (d in model.services || d in model.backing) && !mutual.has(`${name}>${d}`))
      .sort()
      .map((d): DependsOn => ({ name: d, condition: releases.includes(d) ? 'service_completed_successfully' : healthchecks.get(d) ? 'service_healthy' : 'service_started' }));

    const dockerfile = svc.dockerfile ? posix.relative(svc.path === '.' ? '' : svc.path, posix.normalize(svc.dockerfile)) : null;
    // The user's own Dockerfile builds from the service folder; a generated one from buildContext.
    const built = svc.dockerfile ? null : buildContext(svc);
    const context = built ? built.context : svc.path;
    const inContext = built ? posix.relative(context === '.' ? '' : context, built.dockerfile) : null;
    return {
      name,
      svc,
      context,
      dockerfile,
      generatedDockerfile: inContext && inContext !== 'Dockerfile' ? inContext : null,
      image: `${imageRepository(model, name)}:${PROD_TAG}`,
      devImage: `${imageRepository(model, name)}:${DEV_TAG}`,
      entries,
      environment,
      envFile: secrets.length ? secretPath(`${name}.env`) : null,
      secrets,
      ports: svc.public && svc.port !== null ? [`127.0.0.1:${svc.port}:${svc.port}`] : [],
      expose: !svc.public && svc.port !== null ? [String(svc.port)] : [],
      healthcheck: healthchecks.get(name) ?? null,
      dependsOn,
      readOnly: !svc.dockerfile && packOf(svc).readOnlyRoot(svc),
      imageFrom: svc.imageFrom ?? null,
      command: svc.imageFrom ? [...svc.start] : null,
      replaceEntrypoint: replacesEntrypoint(svc),
      release: svc.release === true,
    };
  });

  const secretFiles: SecretFile[] = [
    ...backing
      .filter((b) => b.secret)
      .map((b) => ({ path: secretPath(b.secret!), about: `password of ${b.kind} "${b.name}"${b.user ? ` (user ${b.user})` : ''}, mounted at /run/secrets/${b.secret}` })),
    ...apps
      .filter((a) => a.envFile)
      .map((a) => ({ path: a.envFile!, about: `secret environment of "${a.name}": ${a.secrets.map((s) => s.name).join(', ')}` })),
  ];

  return {
    name: model.name,
    apps,
    backing,
    volumes: backing.flatMap((b) => (b.volume ? [b.volume.name] : [])).sort(),
    secrets: backing.filter((b) => b.secret).map((b) => ({ name: b.secret!, file: `./${secretPath(b.secret!)}` })),
    secretFiles,
    notes: wiring.notes,
  };
}

/** Names the model marks secret, in any service (for the validators). */
export function modelSecretNames(model: StackModel): string[] {
  return [...new Set(serviceNames(model).flatMap((n) => Object.entries(model.services[n]!.env).filter(([, e]) => e.secret).map(([k]) => k)))].sort();
}

/**
 * `<service>.<NAME>` of the variables known to hold no secret although their names may look
 * like it, for the validators: those the user insists are not secrets (--not-secret), and
 * those wired to a backing service that runs without a password (a ConnectionStrings__Cache
 * of `cache:6379`, an empty REDIS_PASSWORD).
 */
export function modelPlainNames(model: StackModel, wiring: Wiring = wireStack(model)): string[] {
  const insisted = serviceNames(model).flatMap((n) => Object.entries(model.services[n]!.env).filter(([, e]) => e.notSecret === true).map(([k]) => `${n}.${k}`));
  const wired = serviceNames(model).flatMap((n) => wiring.services[n]!.filter((v) => v.backing && v.value.kind === 'literal').map((v) => `${n}.${v.name}`));
  return [...new Set([...insisted, ...wired])].sort();
}
