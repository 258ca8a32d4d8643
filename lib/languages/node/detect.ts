/**
 * Node.js (JavaScript / TypeScript) detector.
 *
 * Conventions (what the rest of the generator can rely on):
 *
 * - `languageVersion` is a major version ('22'), from engines.node, .nvmrc,
 *   .node-version, .tool-versions, then volta (first found wins); default: the node pin's version (templates/images.Dockerfile).
 * - `packageManager` / `lockfile` come from the lockfile in the folder
 *   (package.json "packageManager" breaks ties). In a workspace without a
 *   lockfile of its own, the workspace root's lockfile is reported as a path
 *   relative to the service folder (e.g. '../../pnpm-lock.yaml').
 * - `build` is `<pm> run build` when scripts.build exists; for TypeScript
 *   sources with no build script but a compiled start file it is the
 *   package manager's way to run `tsc`.
 * - `start` is an exec-form array, run in the service folder of the built
 *   image, that starts the process directly (no `npm start` wrapper, so
 *   SIGTERM reaches the app):
 *     scripts.start:prod / start:production / start → the underlying command
 *     (env-var prefixes dropped, `a && b` → b, `npm run x` followed);
 *     dev runners (nodemon, ts-node, tsx, ts-node-dev, babel-node...) → `node`
 *     on the compiled file (tsconfig outDir/rootDir, tsup/esbuild outputs);
 *     other local binaries → `node_modules/.bin/<bin> ...args`;
 *     then Procfile `web:`, package.json "main", "bin", and the usual
 *     server.js / index.js / app.js / main.js (also under src/).
 *   Framework rules come first: next → `node_modules/.bin/next start` (or
 *   `node .next/standalone/server.js` for output:'standalone'); nest →
 *   `node dist/main.js`; nuxt → `node .output/server/index.mjs`; astro with a
 *   node adapter → `node ./dist/server/entry.mjs`; sveltekit adapter-node →
 *   `node build`; angular SSR → its serve:ssr script or `node <out>/server/server.mjs`.
 * - Static builds (vite without a server framework, cra, angular without SSR,
 *   static astro, sveltekit adapter-static) have `start` [] and `outputDir` set
 *   ('dist', 'build', angular's outputPath): the image serves the folder with
 *   a web server, so their port is the static server's default, 8080.
 * - `entry` is the main file relative to the service folder (the start file,
 *   or the source entry of a static build), null when not meaningful.
 * - `port` is only set from framework conventions (source 'default') or from a
 *   manifest (`PORT=4000 node ...`, `next start -p 4000`); ports in code are
 *   the scanners' job.
 * - `dependencies` are dependencies + optionalDependencies (devDependencies
 *   are only used to recognise frameworks and TypeScript).
 * - `library` is set conservatively: nothing runnable (no start script, no
 *   bin, no server code) and either referenced by a sibling package.json,
 *   shaped like a published library (exports/types/module/peerDependencies),
 *   or a workspace root whose scripts only delegate to its workspaces.
 */
import { splitCommand } from '../../model/shell.js';
import { PROJECT_MANIFESTS, inNestedProject, parseJsonc, procfileEntries, procfileProcesses } from '../../detect/project.js';

export { parseJsonc };
import { posix } from 'node:path';
import type { Fact, LanguageDetector, LanguageFacts, ProcessFacts, RepoView } from '../../detect/types.js';
import { byDefault, fact } from '../../detect/types.js';
import { joinRel } from '../../detect/repo.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
export const DEFAULT_NODE_VERSION = defaultLanguageVersion('node');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const NODE = vocabulary(['angular', 'astro', 'cra', 'express', 'fastify', 'gatsby', 'hapi', 'koa', 'nest', 'next', 'nuxt', 'remix', 'sveltekit', 'vite'] as const, ['npm', 'yarn', 'pnpm', 'bun'] as const);
export type NodeFramework = (typeof NODE.frameworks)[number];
export const { framework: nodeFramework, packageManager: nodePackageManager } = NODE;

type Json = Record<string, unknown>;

interface PackageJson {
  name?: string;
  main?: string;
  bin?: string | Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  engines?: Record<string, string>;
  volta?: Record<string, string>;
  packageManager?: string;
  workspaces?: unknown;
  type?: string;
  raw: Json;
}

const SOURCE_EXTS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx'];
const TOP_SERVER_EXTS = ['.js', '.mjs', '.cjs', '.ts'];
const EXTRA_FILES = ['package.json', '.env.example', '.env.sample', 'Procfile', 'Dockerfile'];
const TEST_DIRS = new Set(['test', 'tests', '__tests__', '__mocks__', 'spec', 'e2e', 'cypress', 'playwright', 'fixtures', 'examples', 'example', 'docs', 'scripts']);
/** Manifests of other languages: a folder with one is not a manifest-less Node service. */
const OTHER_MANIFESTS = PROJECT_MANIFESTS.filter((m) => m !== 'package.json').concat(['setup.cfg', 'mix.exs', 'deno.json', 'deno.jsonc']);

/** Code that opens a listening socket. */
const SERVER_CODE_RE = /\.listen\s*\(|\bcreateServer\s*\(|\bBun\.serve\s*\(|\bDeno\.serve\s*\(|\bnew\s+WebSocketServer\s*\(|\.bindAsync\s*\(|\bnew\s+grpc\.Server\s*\(/;
/** Code that only makes sense under Node (used to tell Node files from browser scripts). */
const NODE_CODE_RE =
  /\brequire\s*\(\s*['"]|\bfrom\s+['"](?:node:)?(?:http|https|http2|net|fs|fs\/promises|path|url|os|events|child_process|worker_threads|crypto|stream|util|cluster|dgram|readline|express|fastify|koa)['"]|\bprocess\.(?:env|argv|exit|on)\b|\bcreateServer\s*\(/;

/** Dependencies that make a package an HTTP server. */
const WEB_DEPS = [
  'express',
  'fastify',
  'koa',
  '@hapi/hapi',
  'hapi',
  'next',
  'nuxt',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/platform-fastify',
  'restify',
  'hono',
  '@hono/node-server',
  'polka',
  '@remix-run/serve',
  '@remix-run/express',
  '@react-router/serve',
  'socket.io',
  'apollo-server',
  '@apollo/server',
  'graphql-yoga',
  'sails',
  '@adonisjs/core',
  '@feathersjs/feathers',
  '@loopback/core',
  '@strapi/strapi',
  'micro',
  'h3',
];
const SERVER_FRAMEWORK_DEPS = ['express', 'fastify', 'koa', '@hapi/hapi', 'hapi', '@nestjs/core', 'restify', 'hono', '@hono/node-server', 'polka'];

/** Binaries whose package name differs from the binary (first token of a script → it is local). */
const KNOWN_BINS = new Set([
  'next',
  'nuxt',
  'nuxi',
  'remix-serve',
  'react-router-serve',
  'astro',
  'vite',
  'serve',
  'http-server',
  'pm2',
  'pm2-runtime',
  'fastify',
  'strapi',
  'sails',
  'micro',
  'nest',
  'ng',
  'react-scripts',
  'concurrently',
  'turbo',
  'nx',
  'lerna',
  'svelte-kit',
]);
const DEV_RUNNERS = new Set(['nodemon', 'ts-node', 'ts-node-dev', 'tsnd', 'tsx', 'node-dev', 'babel-node', 'supervisor', 'forever', 'pm2', 'esno', 'esrun', 'jiti']);
/** Node flags that take the next token as their value. */
const NODE_VALUE_FLAGS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '-C', '--conditions', '--title', '--inspect-port']);
/** Test runners: a package that only runs them is a test suite, not a service. */
const TEST_RUNNERS = ['@playwright/test', 'playwright', 'cypress', 'jest', 'vitest', 'mocha', '@cucumber/cucumber', 'puppeteer', 'webdriverio', '@wdio/cli', 'testcafe', 'start-server-and-test'];
/** Desktop and mobile app toolkits: their apps run on a device, not in a container. */
const DEVICE_APP_DEPS = ['electron', 'electron-builder', '@electron-forge/cli', '@tauri-apps/cli', '@tauri-apps/api', 'react-native', 'expo', '@capacitor/core', '@capacitor/cli', 'nw'];
const WORKSPACE_TOOLS = new Set(['turbo', 'nx', 'lerna', 'concurrently', 'npm-run-all', 'run-p', 'run-s']);

// ---------------------------------------------------------------- helpers

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const asRecord = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v as Json)) if (typeof val === 'string') out[k] = val;
  }
  return out;
};

function readPackageJson(repo: RepoView, file: string): PackageJson | null {
  const raw = parseJsonc(repo.read(file));
  if (!raw) return null;
  return {
    name: typeof raw.name === 'string' ? raw.name : undefined,
    main: typeof raw.main === 'string' ? raw.main : undefined,
    bin: typeof raw.bin === 'string' ? raw.bin : raw.bin && typeof raw.bin === 'object' ? asRecord(raw.bin) : undefined,
    scripts: asRecord(raw.scripts),
    dependencies: asRecord(raw.dependencies),
    devDependencies: asRecord(raw.devDependencies),
    optionalDependencies: asRecord(raw.optionalDependencies),
    peerDependencies: asRecord(raw.peerDependencies),
    engines: raw.engines ? asRecord(raw.engines) : undefined,
    volta: raw.volta ? asRecord(raw.volta) : undefined,
    packageManager: typeof raw.packageManager === 'string' ? raw.packageManager : undefined,
    workspaces: raw.workspaces,
    type: typeof raw.type === 'string' ? raw.type : undefined,
    raw,
  };
}

/** 'file:line' of the first match of `re` at or after the first line matching `anchor`. */
export function locateAfter(repo: RepoView, file: string, anchor: RegExp, re: RegExp): string | null {
  const text = repo.read(file);
  if (text === null) return null;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => anchor.test(l));
  if (start < 0) return null;
  for (let i = start; i < lines.length; i++) if (re.test(lines[i]!)) return `${joinRel(file)}:${i + 1}`;
  return null;
}

/** The last command of `a && b; c` (the long-running one), outside quotes. */
function lastSegment(cmd: string): string {
  let quote: string | null = null;
  let cut = 0;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ';') cut = i + 1;
    else if ((ch === '&' && cmd[i + 1] === '&') || (ch === '|' && cmd[i + 1] === '|')) {
      cut = i + 2;
      i++;
    }
  }
  return cmd.slice(cut).trim();
}

/** Drops `FOO=bar`, `cross-env`, `env`, `dotenv --` prefixes; returns the env seen. */
function stripEnvPrefix(words: string[]): { words: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  let w = [...words];
  for (;;) {
    const head = w[0];
    if (head === undefined) break;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(head);
    if (m) {
      env[m[1]!] = m[2]!;
      w = w.slice(1);
    } else if (head === 'cross-env' || head === 'env' || head === 'cross-env-shell') {
      w = w.slice(1);
    } else if (head === 'dotenv' || head === 'dotenv-cli' || head === 'env-cmd') {
      const dd = w.indexOf('--');
      w = dd >= 0 ? w.slice(dd + 1) : w.slice(1).filter((x, i, arr) => !(x.startsWith('-') || (i > 0 && /^-/.test(arr[i - 1]!))));
    } else break;
  }
  return { words: w, env };
}

const stripDot = (p: string): string => p.replace(/^\.\//, '');
const isTs = (p: string): boolean => /\.(?:ts|mts|cts|tsx)$/.test(p) && !p.endsWith('.d.ts');

// ---------------------------------------------------------------- per-repo caches

const packageIndexCache = new WeakMap<RepoView, { file: string; pkg: PackageJson }[]>();

/** Every package.json of the repository (for sibling references). */
function packageIndex(repo: RepoView): { file: string; pkg: PackageJson }[] {
  let idx = packageIndexCache.get(repo);
  if (!idx) {
    idx = [];
    for (const file of repo.walk('.', { maxDepth: 6, extensions: ['package.json'] })) {
      if (posix.basename(file) !== 'package.json') continue;
      const pkg = readPackageJson(repo, file);
      if (pkg) idx.push({ file, pkg });
    }
    packageIndexCache.set(repo, idx);
  }
  return idx;
}


/** Packages of this repository that `deps` names (workspace packages), with their runtime dependencies. One level deep. */
function localPackages(repo: RepoView, dir: string, deps: string[]): { dir: string; deps: string[] }[] {
  const out: { dir: string; deps: string[] }[] = [];
  for (const { file, pkg } of packageIndex(repo)) {
    const where = posix.dirname(file) || '.';
    if (!pkg.name || where === dir || !deps.includes(pkg.name)) continue;
    out.push({ dir: where, deps: [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)] });
  }
  return out.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

function isTestPath(relToDir: string): boolean {
  const parts = relToDir.split('/');
  const name = parts[parts.length - 1]!;
  if (/\.(?:test|spec|e2e-spec|stories)\.[cm]?[jt]sx?$/.test(name) || name.endsWith('.d.ts') || name.endsWith('.min.js')) return true;
  return parts.slice(0, -1).some((p) => TEST_DIRS.has(p));
}

/** Source files of a Node folder: JS/TS files (not tests, not nested projects) plus manifests. */
function nodeSourceFiles(repo: RepoView, dir: string): { code: string[]; all: string[] } {
  const base = dir === '.' ? '' : `${dir}/`;
  const code = repo
    .walk(dir, { extensions: SOURCE_EXTS })
    .filter((f) => !isTestPath(f.slice(base.length)) && !inNestedProject(repo, dir, f))
    .slice(0, 2000);
  const extra = EXTRA_FILES.map((f) => joinRel(dir, f)).filter((f) => repo.exists(f) && !repo.isDir(f));
  return { code, all: [...code, ...extra] };
}

// ---------------------------------------------------------------- version

const LTS_CODENAMES: Record<string, string> = {
  argon: '4',
  boron: '6',
  carbon: '8',
  dubnium: '10',
  erbium: '12',
  fermium: '14',
  gallium: '16',
  hydrogen: '18',
  iron: '20',
  jod: '22',
  krypton: '24',
};

/** Major Node version from a semver range or a version pin ('>=20' → '20', '^18 || ^20' → '20'). */
export function nodeMajor(spec: string): string | null {
  const s = spec.trim().toLowerCase();
  const lts = /^lts\/(\w+)/.exec(s);
  if (lts) return LTS_CODENAMES[lts[1]!] ?? null;
  const alternatives = s.split('||').map((alt) => /(\d+)/.exec(alt.replace(/^[^0-9]*v(?=\d)/, ''))?.[1]).filter((x): x is string => !!x);
  if (alternatives.length === 0) return null;
  return String(Math.max(...alternatives.map(Number)));
}

function detectNodeVersion(repo: RepoView, dir: string, pkg: PackageJson | null): Fact<string> {
  const own = ownNodeVersion(repo, dir, pkg);
  if (own) return own;
  // A workspace member that states nothing runs on the version its workspace root states.
  const root = workspaceRootOf(repo, dir);
  const inherited = root ? ownNodeVersion(repo, root, readPackageJson(repo, joinRel(root, 'package.json'))) : null;
  return inherited ?? byDefault(DEFAULT_NODE_VERSION);
}

/** The nearest folder above `dir` whose package.json (or pnpm-workspace.yaml) declares workspaces, or null. */
function workspaceRootOf(repo: RepoView, dir: string): string | null {
  if (dir === '.') return null;
  const parts = dir.split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    const anc = joinRel(...parts.slice(0, i));
    if (repo.exists(joinRel(anc, 'package.json')) && isWorkspaceRoot(repo, anc)) return anc;
  }
  return null;
}

function ownNodeVersion(repo: RepoView, dir: string, pkg: PackageJson | null): Fact<string> | null {
  const pkgFile = joinRel(dir, 'package.json');
  const engines = pkg?.engines?.node;
  if (engines) {
    const v = nodeMajor(engines);
    if (v) return fact(v, locateAfter(repo, pkgFile, /"engines"\s*:/, /"node"\s*:/) ?? pkgFile);
  }
  for (const name of ['.nvmrc', '.node-version']) {
    const file = joinRel(dir, name);
    const text = repo.read(file);
    if (text !== null) {
      const line = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).find((l) => l);
      const v = line ? nodeMajor(line) : null;
      if (v) return fact(v, file);
    }
  }
  const tv = joinRel(dir, '.tool-versions');
  const tvText = repo.read(tv);
  if (tvText !== null) {
    const m = /^\s*(?:nodejs|node)\s+(\S+)/m.exec(tvText);
    const v = m ? nodeMajor(m[1]!) : null;
    if (v) return fact(v, repo.locate(tv, /^\s*(?:nodejs|node)\s+/) ?? tv);
  }
  const volta = pkg?.volta?.node;
  if (volta) {
    const v = nodeMajor(volta);
    if (v) return fact(v, locateAfter(repo, pkgFile, /"volta"\s*:/, /"node"\s*:/) ?? pkgFile);
  }
  return null;
}

// ---------------------------------------------------------------- package manager

const LOCKFILES: [string, string][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lockb', 'bun'],
  ['bun.lock', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

function isWorkspaceRoot(repo: RepoView, dir: string): boolean {
  if (repo.exists(joinRel(dir, 'pnpm-workspace.yaml'))) return true;
  const pkg = readPackageJson(repo, joinRel(dir, 'package.json'));
  return !!pkg?.workspaces;
}

function detectPackageManager(
  repo: RepoView,
  dir: string,
  pkg: PackageJson | null,
): { packageManager: Fact<string | null>; lockfile: Fact<string | null> } {
  const pkgFile = joinRel(dir, 'package.json');
  const declared = pkg?.packageManager ? /^(npm|yarn|pnpm|bun)@/.exec(pkg.packageManager)?.[1] ?? null : null;
  const declaredSource = repo.locate(pkgFile, /"packageManager"\s*:/) ?? pkgFile;

  const pick = (where: string): { file: string; pm: string } | null => {
    const found = LOCKFILES.filter(([f]) => repo.exists(joinRel(where, f)));
    if (found.length === 0) return null;
    const chosen = (declared && found.find(([, pm]) => pm === declared)) || found[0]!;
    return { file: joinRel(where, chosen[0]), pm: chosen[1] };
  };

  let lock = pick(dir);
  if (!lock && dir !== '.') {
    // A workspace member installs with the workspace root's lockfile.
    const parts = dir.split('/');
    for (let i = parts.length - 1; i >= 0 && !lock; i--) {
      const anc = joinRel(...parts.slice(0, i));
      if (repo.exists(joinRel(anc, 'package.json')) && isWorkspaceRoot(repo, anc)) lock = pick(anc);
    }
  }
  if (lock) {
    const rel = posix.relative(dir === '.' ? '' : dir, lock.file);
    return { packageManager: fact(lock.pm, lock.file), lockfile: fact(rel, lock.file) };
  }
  if (declared) return { packageManager: fact(declared, declaredSource), lockfile: byDefault(null) };
  const yarnrc = joinRel(dir, '.yarnrc.yml');
  if (repo.exists(yarnrc)) return { packageManager: fact('yarn', yarnrc), lockfile: byDefault(null) };
  if (!pkg) return { packageManager: byDefault(null), lockfile: byDefault(null) };
  return { packageManager: byDefault('npm'), lockfile: byDefault(null) };
}

const runScript = (pm: string, script: string): string => `${pm} run ${script}`;
const execBin = (pm: string, bin: string): string =>
  pm === 'yarn' ? `yarn ${bin}` : pm === 'pnpm' ? `pnpm exec ${bin}` : pm === 'bun' ? `bunx ${bin}` : `npx ${bin}`;

// ---------------------------------------------------------------- TypeScript output mapping

interface TsInfo {
  enabled: boolean;
  source: string | null;
  outDir: string | null;
  rootDir: string | null;
  noEmit: boolean;
}

function readTsInfo(repo: RepoView, dir: string, allDeps: Record<string, string>): TsInfo {
  const candidates = ['tsconfig.build.json', 'tsconfig.json'].map((f) => joinRel(dir, f)).filter((f) => repo.exists(f));
  const tsconfig = candidates.find((f) => f.endsWith('tsconfig.json')) ?? candidates[0] ?? null;
  const enabled = !!tsconfig && 'typescript' in allDeps;
  let outDir: string | null = null;
  let rootDir: string | null = null;
  let noEmit = false;
  // tsconfig.build.json first (nest), then tsconfig.json; follow one local "extends".
  for (const file of candidates) {
    const seen = new Set<string>();
    let cur: string | null = file;
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      const json = parseJsonc(repo.read(cur));
      const co = (json?.compilerOptions ?? {}) as Json;
      if (outDir === null && typeof co.outDir === 'string') outDir = stripDot(co.outDir).replace(/\/$/, '');
      if (rootDir === null && typeof co.rootDir === 'string') rootDir = stripDot(co.rootDir).replace(/\/$/, '');
      if (co.noEmit === true) noEmit = true;
      const ext = json?.extends;
      cur = typeof ext === 'string' && ext.startsWith('.') ? joinRel(posix.dirname(cur), ext.endsWith('.json') ? ext : `${ext}.json`) : null;
    }
  }
  return { enabled, source: tsconfig, outDir, rootDir, noEmit };
}

/** Where the build writes the JS for a TS (or babel) source file, or null when it cannot be known. */
function compiledPath(ctx: Ctx, file: string): string | null {
  const f = stripDot(file);
  const build = ctx.pkg?.scripts.build ?? '';
  const outfile = /--outfile[= ](\S+)/.exec(build);
  if (outfile && /\b(?:esbuild|tsup)\b/.test(build)) return stripDot(outfile[1]!);
  if (/\btsup\b/.test(build) && isTs(f)) {
    const outDir = /(?:--out-dir|-d)[= ](\S+)/.exec(build)?.[1] ?? 'dist';
    return `${stripDot(outDir)}/${posix.basename(f).replace(/\.[cm]?tsx?$/, '.js')}`;
  }
  if (!isTs(f)) {
    const babel = /\bbabel\s+(\S+)\s+(?:-d|--out-dir)\s+(\S+)/.exec(build);
    if (babel) {
      const src = stripDot(babel[1]!).replace(/\/$/, '');
      if (f.startsWith(`${src}/`)) return `${stripDot(babel[2]!).replace(/\/$/, '')}/${f.slice(src.length + 1)}`;
    }
    return f;
  }
  if (ctx.ts.noEmit) return null;
  const outExt = f.endsWith('.mts') ? '.mjs' : f.endsWith('.cts') ? '.cjs' : '.js';
  const noExt = f.replace(/\.[cm]?tsx?$/, '');
  if (!ctx.ts.outDir) return noExt + outExt;
  const rootDir = ctx.ts.rootDir ?? (f.startsWith('src/') ? 'src' : '');
  const rel = rootDir && f.startsWith(`${rootDir}/`) ? noExt.slice(rootDir.length + 1) : noExt;
  return `${ctx.ts.outDir}/${rel}${outExt}`;
}

// ---------------------------------------------------------------- start command

interface Ctx {
  repo: RepoView;
  dir: string;
  pkgFile: string;
  pkg: PackageJson | null;
  pm: string;
  ts: TsInfo;
  allDeps: Record<string, string>;
  /** Set when start runs a compiled file that needs a build the scripts don't provide. */
  needsTsc: boolean;
}

interface StartResult {
  start: Fact<string[]>;
  entry: string | null;
  port?: Fact<number | null>;
}

const scriptSource = (ctx: Ctx, name: string): string =>
  locateAfter(ctx.repo, ctx.pkgFile, /"scripts"\s*:/, new RegExp(`"${escapeRe(name)}"\\s*:`)) ?? ctx.pkgFile;

const fileExists = (ctx: Ctx, rel: string): boolean => ctx.repo.exists(joinRel(ctx.dir, rel));

/** First positional argument of a runner, skipping flags (and the values of node's value flags). */
function firstFileArg(args: string[]): { index: number; file: string } | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') continue;
    if (a.startsWith('-')) {
      if (NODE_VALUE_FLAGS.has(a) || ['-w', '--watch', '-e', '--ext', '--exec', '-x', '--ignore', '-i', '--delay', '-P', '--project', '--config'].includes(a)) i++;
      continue;
    }
    if (['watch', 'start', 'run'].includes(a)) continue;
    return { index: i, file: a };
  }
  return null;
}

/** `node <flags> <file> <args>`: keeps node flags, maps a TS file to its compiled output. */
function nodeCommand(ctx: Ctx, args: string[]): { cmd: string[]; entry: string } | null {
  const arg = firstFileArg(args);
  if (!arg) return null;
  let flags = args.slice(0, arg.index);
  const rest = args.slice(arg.index + 1);
  let file = arg.file;
  if (isTs(file) || /ts-node|tsx|esbuild-register|@swc-node/.test(flags.join(' '))) {
    const out = compiledPath(ctx, file);
    if (!out) return null;
    if (isTs(file)) ctx.needsTsc = true;
    file = out;
    // Loaders that only exist to run TypeScript are not needed for the compiled file.
    const kept: string[] = [];
    for (let i = 0; i < flags.length; i++) {
      const f = flags[i]!;
      const next = flags[i + 1] ?? '';
      if (NODE_VALUE_FLAGS.has(f) && /ts-node|tsx|esbuild-register|@swc-node|tsconfig-paths/.test(next)) {
        i++;
        continue;
      }
      if (/^--(?:loader|import|require)=.*(?:ts-node|tsx|esbuild-register|@swc-node|tsconfig-paths)/.test(f)) continue;
      kept.push(f);
    }
    flags = kept;
  }
  return { cmd: ['node', ...flags, file, ...rest], entry: stripDot(file) };
}

/** Resolves a package.json script to the exec-form command it eventually runs. */
function resolveCommand(ctx: Ctx, command: string, depth: number): { cmd: string[]; entry: string | null; env: Record<string, string> } | null {
  if (depth > 4) return null;
  const { words, env } = stripEnvPrefix(splitCommand(lastSegment(command)));
  const [head, ...args] = words;
  if (!head) return null;
  const scripts = ctx.pkg?.scripts ?? {};
  const follow = (name: string | undefined, extra: string[] = []) => {
    if (!name || !(name in scripts)) return null;
    // `npm run with:env -- node server.js`: the words after `--` are appended to the script.
    const body = [scripts[name]!, ...extra.map((a) => (/[\s'"]/.test(a) ? `'${a.replace(/'/g, '')}'` : a))].join(' ');
    const r = resolveCommand(ctx, body, depth + 1);
    return r ? { ...r, env: { ...r.env, ...env } } : null;
  };

  if (head === 'npm' || head === 'pnpm' || head === 'yarn' || head === 'bun') {
    const dashes = args.indexOf('--');
    const extra = dashes >= 0 ? args.slice(dashes + 1) : [];
    const sub = (dashes >= 0 ? args.slice(0, dashes) : args).filter((a) => !a.startsWith('-'));
    if (sub[0] === 'start' || sub[0] === 'test') return follow(sub[0], extra);
    const script = sub[0] === 'run' || sub[0] === 'run-script' ? sub[1] : head !== 'npm' ? sub[0] : undefined;
    if (script && script in scripts) return follow(script, extra);
    if (head === 'bun') return { cmd: words, entry: sub[sub[0] === 'run' ? 1 : 0] ?? null, env };
    return null;
  }
  if (head === 'node' || head === 'nodejs') {
    const r = nodeCommand(ctx, args);
    return r ? { ...r, env } : null;
  }
  if (head === 'nest' && args[0] === 'start') return { ...nestStart(ctx), env };
  if ((head === 'pm2' || head === 'pm2-runtime') && /ecosystem|\.config\.|\.json$|\.ya?ml$/.test(args.join(' '))) {
    // A process file: pm2-runtime is the container-friendly way to run it.
    return { cmd: ['node_modules/.bin/pm2-runtime', ...args.filter((a) => a !== 'start')], entry: null, env };
  }
  if (DEV_RUNNERS.has(head)) {
    const arg = firstFileArg(args);
    const file = arg?.file ?? ctx.pkg?.main ?? ['index.js', 'server.js', 'app.js'].find((f) => fileExists(ctx, f));
    if (!file) return null;
    const r = nodeCommand(ctx, [file, ...(arg ? args.slice(arg.index + 1).filter((a) => !a.startsWith('-')) : [])]);
    if (r) return { ...r, env };
    // Nothing is compiled (noEmit): run the TypeScript runner itself, without watch mode.
    if (head in ctx.allDeps && ['tsx', 'ts-node', 'esno', 'jiti'].includes(head)) {
      return { cmd: [`node_modules/.bin/${head}`, stripDot(file)], entry: stripDot(file), env };
    }
    return null;
  }
  if (head === 'deno' || head === 'sh' || head === 'bash' || head.startsWith('./') || head.endsWith('.sh')) {
    return { cmd: words, entry: null, env };
  }
  if (KNOWN_BINS.has(head) || head in ctx.allDeps) {
    return { cmd: [`node_modules/.bin/${head}`, ...args], entry: null, env };
  }
  return null;
}

function nestStart(ctx: Ctx): { cmd: string[]; entry: string } {
  const cli = parseJsonc(ctx.repo.read(joinRel(ctx.dir, 'nest-cli.json')));
  const entryFile = typeof cli?.entryFile === 'string' ? cli.entryFile : 'main';
  const sourceRoot = typeof cli?.sourceRoot === 'string' ? stripDot(cli.sourceRoot) : 'src';
  ctx.needsTsc = true;
  const out = compiledPath(ctx, `${sourceRoot}/${entryFile}.ts`) ?? `dist/${entryFile}.js`;
  return { cmd: ['node', out], entry: out };
}

function portFromEnvOrFlags(env: Record<string, string>, cmd: string[], source: string): Fact<number | null> | undefined {
  const fromEnv = env.PORT && /^\d+$/.test(env.PORT) ? Number(env.PORT) : null;
  if (fromEnv) return fact(fromEnv, source);
  const bin = cmd[0] ?? '';
  if (/(?:^|\/)(?:next|nuxt|nuxi|remix-serve|serve|http-server|astro|vite)$/.test(bin)) {
    for (let i = 1; i < cmd.length - 1; i++) {
      if (['-p', '--port', '-l', '--listen'].includes(cmd[i]!) && /^\d+$/.test(cmd[i + 1]!)) return fact(Number(cmd[i + 1]), source);
    }
  }
  return undefined;
}

/** The start command from scripts (start:prod first), or null. */
function startFromScripts(ctx: Ctx): (StartResult & { script: string }) | null {
  const scripts = ctx.pkg?.scripts ?? {};
  for (const name of ['start:prod', 'start:production', 'prod', 'start']) {
    const body = scripts[name];
    if (!body) continue;
    const r = resolveCommand(ctx, body, 0);
    if (!r) continue;
    const source = scriptSource(ctx, name);
    return { start: fact(r.cmd, source), entry: r.entry, port: portFromEnvOrFlags(r.env, r.cmd, source), script: name };
  }
  return null;
}

/** Script names that run another process of the app: a queue worker, a scheduler. */
const PROCESS_SCRIPT_RE = /^(?:start:)?(worker|workers|jobs|queue|consumer|scheduler|cron)(?::(?:start|prod|production))?$|^(worker|jobs|queue|scheduler)s?:(?:start|prod|production)$/;
/** Queue libraries whose workers run as a process of their own. */
const QUEUE_DEPS = ['bullmq', 'bull', 'bee-queue', 'pg-boss', 'agenda', 'graphile-worker'];
/** Code that starts a queue worker (BullMQ's new Worker(, Bull's .process(, pg-boss' .work(, Agenda's .start(). */
const QUEUE_WORKER_RE = /\bnew\s+Worker\s*\(|\.process\s*\(\s*['"`\w]|\bboss\.work\s*\(|\bagenda\.start\s*\(|\brun\s*\(\s*\{\s*connectionString/;

/**
 * The folder's other processes: the Procfile's lines other than `web`, package.json scripts
 * named for a worker or scheduler (`worker`, `start:worker`, `jobs`...), and, for an app that
 * serves and uses a queue library (BullMQ, Bull, pg-boss...), a worker file (`worker.ts`,
 * `src/workers/email.ts`) that starts one, run as node runs it once built.
 */
function nodeProcesses(ctx: Ctx, code: string[], main: StartResult | null, serves: boolean): ProcessFacts[] {
  const mainCmd = JSON.stringify(main?.start.value ?? []);
  const out: ProcessFacts[] = [];
  const add = (name: string, cmd: string[], source: string, release = false) => {
    if (JSON.stringify(cmd) === mainCmd || out.some((p) => JSON.stringify(p.start.value) === JSON.stringify(cmd))) return;
    const free = out.some((p) => p.name === name) ? `${name}-${out.length + 1}` : name;
    out.push({ name: free, start: fact(cmd, source), release, port: fact(null, source) });
  };
  for (const p of procfileProcesses(procfileEntries(ctx.repo, ctx.dir), 'web', (cmd) => resolveCommand(ctx, cmd, 0)?.cmd ?? null)) add(p.name, p.start.value, p.start.source, p.release);
  if (!serves) return out;
  const scripts = ctx.pkg?.scripts ?? {};
  for (const name of Object.keys(scripts).sort()) {
    const m = PROCESS_SCRIPT_RE.exec(name);
    if (!m) continue;
    const r = resolveCommand(ctx, scripts[name]!, 0);
    // A dev runner left as is (nodemon without a compiled file) is not a production process.
    if (!r || DEV_RUNNERS.has(r.cmd[0] ?? '')) continue;
    add(m[1] ?? m[2]!, r.cmd, scriptSource(ctx, name));
  }
  if (out.some((p) => !p.release) || !QUEUE_DEPS.some((d) => d in (ctx.pkg?.dependencies ?? {}))) return out;
  const files = code.filter((f) => /worker|queue|jobs?\b/i.test(f.slice(ctx.dir === '.' ? 0 : ctx.dir.length + 1)) && !/\.(?:test|spec|d)\.[cm]?[jt]s$/.test(f)).sort();
  for (const f of files) {
    const src = ctx.repo.locate(f, QUEUE_WORKER_RE);
    const rel = ctx.dir === '.' ? f : f.slice(ctx.dir.length + 1);
    if (!src || rel === main?.entry) continue;
    // Only a file that runs by itself: not one the web process imports to start its workers in-process.
    const base = posix.basename(rel).replace(/\.[^.]+$/, '');
    const imported = code.some((c) => new RegExp(`(?:from\\s+|import\\s+|require\\()['"][./]+(?:[\\w./-]*/)?${escapeRe(base)}(?:\\.[cm]?[jt]s)?['"]`).test(ctx.repo.read(c) ?? ''));
    if (imported) continue;
    const r = nodeCommand(ctx, [rel]);
    if (r) {
      add('worker', r.cmd, src);
      break;
    }
  }
  return out;
}

function startFromProcfile(ctx: Ctx): StartResult | null {
  const procfile = joinRel(ctx.dir, 'Procfile');
  const text = ctx.repo.read(procfile);
  if (text === null) return null;
  const m = /^web:\s*(.+)$/m.exec(text);
  if (!m) return null;
  const r = resolveCommand(ctx, m[1]!.trim(), 0);
  if (!r) return null;
  const source = ctx.repo.locate(procfile, /^web:/) ?? procfile;
  return { start: fact(r.cmd, source), entry: r.entry, port: portFromEnvOrFlags(r.env, r.cmd, source) };
}

const WELL_KNOWN_MAINS = ['server', 'index', 'app', 'main'].flatMap((n) =>
  ['.js', '.mjs', '.cjs', '.ts'].map((e) => n + e).concat(['.js', '.mjs', '.ts'].map((e) => `src/${n}${e}`)),
);

function startFromFiles(ctx: Ctx): StartResult | null {
  const { pkg } = ctx;
  if (pkg?.main) {
    const r = nodeCommand(ctx, [stripDot(pkg.main)]);
    if (r) return { start: fact(r.cmd, ctx.repo.locate(ctx.pkgFile, /"main"\s*:/) ?? ctx.pkgFile), entry: r.entry };
  }
  if (pkg?.bin) {
    const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin)[0];
    if (bin) {
      const r = nodeCommand(ctx, [stripDot(bin)]);
      if (r) return { start: fact(r.cmd, ctx.repo.locate(ctx.pkgFile, /"bin"\s*:/) ?? ctx.pkgFile), entry: r.entry };
    }
  }
  for (const f of WELL_KNOWN_MAINS) {
    if (!fileExists(ctx, f)) continue;
    const r = nodeCommand(ctx, [f]);
    if (r) return { start: fact(r.cmd, joinRel(ctx.dir, f)), entry: r.entry };
  }
  return null;
}

// ---------------------------------------------------------------- frameworks

interface FrameworkInfo {
  name: NodeFramework;
  source: string;
  /** Static build: served from outputDir by a web server. */
  /** `outside`: the config writes the build outside the service folder (`build.outDir: '../api/static'`). */
  staticOut?: { dir: string; source: string; entry: string | null; outside?: boolean };
  /** Framework-determined start (overrides scripts). */
  start?: StartResult;
  port?: number;
}

const CONFIG_EXTS = ['.js', '.mjs', '.cjs', '.ts', '.mts'];
function findConfig(ctx: Ctx, base: string): string | null {
  for (const e of CONFIG_EXTS) {
    const f = joinRel(ctx.dir, base + e);
    if (ctx.repo.exists(f)) return f;
  }
  return null;
}

function depSource(ctx: Ctx, name: string): string {
  return ctx.repo.locate(ctx.pkgFile, new RegExp(`"${escapeRe(name)}"\\s*:`)) ?? ctx.pkgFile;
}

function firstExisting(ctx: Ctx, files: string[]): string | null {
  return files.find((f) => fileExists(ctx, f)) ?? null;
}

function angularInfo(ctx: Ctx): FrameworkInfo {
  const file = joinRel(ctx.dir, 'angular.json');
  const json = parseJsonc(ctx.repo.read(file));
  const projects = (json?.projects ?? {}) as Record<string, Json>;
  const names = Object.keys(projects);
  const defaultName = typeof json?.defaultProject === 'string' ? json.defaultProject : undefined;
  const name = (defaultName && projects[defaultName] ? defaultName : names.find((n) => projects[n]?.projectType === 'application')) ?? names[0] ?? 'app';
  const project = projects[name] ?? {};
  const build = (((project.architect ?? project.targets) as Json | undefined)?.build ?? {}) as Json;
  const builder = typeof build.builder === 'string' ? build.builder : '';
  const options = (build.options ?? {}) as Json;
  const appBuilder = /:application$/.test(builder);
  let base: string;
  let browser: string;
  const op = options.outputPath;
  if (typeof op === 'string') {
    base = stripDot(op).replace(/\/$/, '');
    browser = appBuilder ? 'browser' : '';
  } else if (op && typeof op === 'object') {
    const o = op as Json;
    base = typeof o.base === 'string' ? stripDot(o.base).replace(/\/$/, '') : `dist/${name}`;
    browser = typeof o.browser === 'string' ? o.browser : 'browser';
  } else {
    base = `dist/${name}`;
    browser = appBuilder ? 'browser' : '';
  }
  const outDir = browser ? `${base}/${browser}` : base;
  const source = ctx.repo.locate(file, /"outputPath"\s*:/) ?? file;
  const srcEntry =
    (typeof options.browser === 'string' && options.browser) || (typeof options.main === 'string' && options.main) || 'src/main.ts';
  const ssr = !!options.ssr || !!options.server || '@angular/ssr' in ctx.allDeps || '@nguniversal/express-engine' in ctx.allDeps;
  if (ssr) {
    const scripts = ctx.pkg?.scripts ?? {};
    const ssrScript = Object.keys(scripts).find((s) => /^serve:ssr/.test(s));
    const r = ssrScript ? resolveCommand(ctx, scripts[ssrScript]!, 0) : null;
    const start: StartResult = r
      ? { start: fact(r.cmd, scriptSource(ctx, ssrScript!)), entry: r.entry }
      : { start: fact(['node', `${base}/server/server.mjs`], source), entry: `${base}/server/server.mjs` };
    return { name: 'angular', source: depSource(ctx, '@angular/core'), start, port: 4000 };
  }
  return { name: 'angular', source: depSource(ctx, '@angular/core'), staticOut: { dir: outDir, source, entry: stripDot(srcEntry) } };
}

function detectFramework(ctx: Ctx): FrameworkInfo | null {
  const d = ctx.allDeps;
  const has = (n: string) => n in d;
  const hasServerDep = SERVER_FRAMEWORK_DEPS.some(has);
  const { repo } = ctx;

  if (has('next')) {
    const cfg = findConfig(ctx, 'next.config');
    const standalone = cfg ? repo.locate(cfg, /output\s*:\s*['"]standalone['"]/) : null;
    // A custom server (`node server.js`) or `next start -p N` in the scripts wins over the defaults.
    const fromScripts = startFromScripts(ctx);
    const custom = fromScripts && fromScripts.start.value[0] !== 'node_modules/.bin/next' ? fromScripts : null;
    const nextStart = fromScripts && fromScripts.start.value[0] === 'node_modules/.bin/next' ? fromScripts : null;
    const start: StartResult =
      custom ??
      (standalone
        ? { start: fact(['node', '.next/standalone/server.js'], standalone), entry: '.next/standalone/server.js', port: nextStart?.port }
        : (nextStart ?? { start: fact(['node_modules/.bin/next', 'start'], depSource(ctx, 'next')), entry: null }));
    return { name: 'next', source: depSource(ctx, 'next'), start, port: 3000 };
  }
  if (has('nuxt') || has('nuxt3')) {
    const n = has('nuxt') ? 'nuxt' : 'nuxt3';
    const build = ctx.pkg?.scripts.build ?? '';
    if (/\bnuxt\s+generate\b/.test(build)) {
      return { name: 'nuxt', source: depSource(ctx, n), staticOut: { dir: '.output/public', source: scriptSource(ctx, 'build'), entry: null } };
    }
    return {
      name: 'nuxt',
      source: depSource(ctx, n),
      start: { start: fact(['node', '.output/server/index.mjs'], depSource(ctx, n)), entry: '.output/server/index.mjs' },
      port: 3000,
    };
  }
  const remix = ['@remix-run/node', '@remix-run/serve', '@remix-run/react', '@react-router/serve'].find(has);
  if (remix) return { name: 'remix', source: depSource(ctx, remix), port: 3000 };
  if (has('astro')) {
    const cfg = findConfig(ctx, 'astro.config');
    const server = cfg ? repo.locate(cfg, /output\s*:\s*['"](?:server|hybrid)['"]/) : null;
    if (server && has('@astrojs/node')) {
      return {
        name: 'astro',
        source: depSource(ctx, 'astro'),
        start: { start: fact(['node', './dist/server/entry.mjs'], server), entry: 'dist/server/entry.mjs' },
        port: 4321,
      };
    }
    const outDir = cfg ? /outDir\s*:\s*['"]([^'"]+)['"]/.exec(repo.read(cfg) ?? '')?.[1] : undefined;
    return {
      name: 'astro',
      source: depSource(ctx, 'astro'),
      staticOut: { dir: outDir ? stripDot(outDir) : 'dist', source: (outDir && cfg && repo.locate(cfg, /outDir\s*:/)) || depSource(ctx, 'astro'), entry: null },
    };
  }
  if (has('@sveltejs/kit')) {
    if (has('@sveltejs/adapter-static')) {
      return { name: 'sveltekit', source: depSource(ctx, '@sveltejs/kit'), staticOut: { dir: 'build', source: depSource(ctx, '@sveltejs/adapter-static'), entry: null } };
    }
    if (has('@sveltejs/adapter-node')) {
      return {
        name: 'sveltekit',
        source: depSource(ctx, '@sveltejs/kit'),
        start: { start: fact(['node', 'build'], depSource(ctx, '@sveltejs/adapter-node')), entry: 'build/index.js' },
        port: 3000,
      };
    }
    return { name: 'sveltekit', source: depSource(ctx, '@sveltejs/kit') };
  }
  if (has('@angular/core') && repo.exists(joinRel(ctx.dir, 'angular.json'))) return angularInfo(ctx);
  if (has('@nestjs/core')) {
    const scripts = ctx.pkg?.scripts ?? {};
    const prod = scripts['start:prod'] ? resolveCommand(ctx, scripts['start:prod'], 0) : null;
    const ns = nestStart(ctx);
    const start: StartResult = prod
      ? { start: fact(prod.cmd, scriptSource(ctx, 'start:prod')), entry: prod.entry }
      : { start: fact(ns.cmd, repo.locate(joinRel(ctx.dir, 'nest-cli.json'), /"entryFile"|"sourceRoot"/) ?? depSource(ctx, '@nestjs/core')), entry: ns.entry };
    return { name: 'nest', source: depSource(ctx, '@nestjs/core'), start, port: 3000 };
  }
  if (has('react-scripts') && !hasServerDep) {
    return {
      name: 'cra',
      source: depSource(ctx, 'react-scripts'),
      staticOut: { dir: 'build', source: depSource(ctx, 'react-scripts'), entry: firstExisting(ctx, ['src/index.tsx', 'src/index.ts', 'src/index.jsx', 'src/index.js']) },
    };
  }
  if (has('vite') && !hasServerDep && !has('@vitejs/plugin-rsc')) {
    const startScript = ctx.pkg?.scripts.start ?? '';
    const serverStart = /\bnode\b/.test(startScript) && !/\bvite\b/.test(startScript);
    if (!serverStart) {
      const cfg = findConfig(ctx, 'vite.config');
      const outDir = cfg ? /outDir\s*:\s*['"]([^'"]+)['"]/.exec(repo.read(cfg) ?? '')?.[1] : undefined;
      // A build written outside the service folder (into another service's): the image builds into dist.
      const outside = !!outDir && (outDir.startsWith('/') || posix.normalize(stripDot(outDir)).startsWith('..'));
      return {
        name: 'vite',
        source: depSource(ctx, 'vite'),
        staticOut: {
          dir: outDir && !outside ? stripDot(outDir) : 'dist',
          source: (outDir && cfg && repo.locate(cfg, /outDir\s*:/)) || depSource(ctx, 'vite'),
          entry: firstExisting(ctx, ['index.html']),
          outside,
        },
      };
    }
  }
  for (const [dep, name] of [
    ['fastify', 'fastify'],
    ['koa', 'koa'],
    ['@hapi/hapi', 'hapi'],
    ['hapi', 'hapi'],
    ['express', 'express'],
  ] as const) {
    if (has(dep)) return { name, source: depSource(ctx, dep) };
  }
  return null;
}

// ---------------------------------------------------------------- library

function isLibrary(ctx: Ctx, serverCode: boolean, hasStartScript: boolean): boolean {
  const { pkg } = ctx;
  if (!pkg || serverCode) return false;
  const all = Object.keys(ctx.allDeps);
  const runtimeWeb = WEB_DEPS.some((d) => d in pkg.dependencies || d in pkg.optionalDependencies);
  // A desktop or mobile app (Electron, Tauri, React Native, Expo, Capacitor) runs on a device.
  if (!runtimeWeb && all.some((d) => DEVICE_APP_DEPS.includes(d))) return true;
  // An end-to-end or integration test suite: it runs a test runner, it serves nothing.
  if (!runtimeWeb && !hasStartScript && all.some((d) => TEST_RUNNERS.includes(d))) return true;
  if (pkg.bin) return false;
  // A workspace member with nothing to start (no start script, no main): tooling (email templates, configs, codegen).
  if (!hasStartScript && !pkg.main && workspaceRootOf(ctx.repo, ctx.dir) !== null) return true;
  if (isWorkspaceRoot(ctx.repo, ctx.dir)) {
    // A monorepo root: not runnable itself unless its start runs code of its own.
    const start = pkg.scripts.start;
    if (!start) return true;
    const words = stripEnvPrefix(splitCommand(lastSegment(start))).words;
    const delegates =
      WORKSPACE_TOOLS.has(words[0] ?? '') || words.some((w) => w === '--workspace' || w === '-w' || w === '--filter' || w === 'workspace' || w.startsWith('--workspace='));
    return delegates;
  }
  if (hasStartScript) return false;
  const name = pkg.name;
  const referenced =
    !!name &&
    packageIndex(ctx.repo).some(
      ({ file, pkg: other }) =>
        file !== ctx.pkgFile && (name in other.dependencies || name in other.devDependencies || name in other.peerDependencies || name in other.optionalDependencies),
    );
  const libraryShape = ['exports', 'types', 'typings', 'module'].some((k) => k in pkg.raw) || Object.keys(pkg.peerDependencies).length > 0;
  return referenced || libraryShape;
}

// ---------------------------------------------------------------- detector

function hasTopServerSource(repo: RepoView, dir: string): boolean {
  return repo
    .list(dir)
    .filter((n) => TOP_SERVER_EXTS.some((e) => n.endsWith(e)) && !n.endsWith('.d.ts') && !/\.config\.[cm]?[jt]s$/.test(n))
    .some((n) => {
      const f = joinRel(dir, n);
      if (repo.isDir(f)) return false;
      const text = repo.read(f);
      return text !== null && NODE_CODE_RE.test(text);
    });
}

export const nodeDetector: LanguageDetector = {
  language: 'node',

  matches(repo, dir) {
    const otherManifest =
      OTHER_MANIFESTS.some((m) => repo.exists(joinRel(dir, m))) || repo.list(dir).some((n) => /\.(?:csproj|fsproj|vbproj|sln)$/.test(n));
    const pkgFile = joinRel(dir, 'package.json');
    if (repo.exists(pkgFile)) {
      if (!otherManifest) return true;
      // package.json next to a Gemfile / composer.json / pyproject...: usually asset tooling
      // (vite, esbuild, tailwind) of that app. It is a Node service only when it runs a server.
      const pkg = readPackageJson(repo, pkgFile);
      return !!pkg && (!!pkg.scripts.start || WEB_DEPS.some((d) => d in pkg.dependencies));
    }
    if (otherManifest) return false;
    return hasTopServerSource(repo, dir);
  },

  detect(repo, dir): LanguageFacts {
    const pkgFile = joinRel(dir, 'package.json');
    const pkg = readPackageJson(repo, pkgFile);
    const allDeps = pkg ? { ...pkg.devDependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies, ...pkg.dependencies } : {};
    const runtimeDeps = pkg ? [...new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)])] : [];
    const { packageManager, lockfile } = detectPackageManager(repo, dir, pkg);
    const pm = packageManager.value ?? 'npm';
    const ts = readTsInfo(repo, dir, allDeps);
    const ctx: Ctx = { repo, dir, pkgFile, pkg, pm, ts, allDeps, needsTsc: false };
    const files = nodeSourceFiles(repo, dir);
    const code = files.code.map((f) => repo.read(f) ?? '');
    const serverCode = code.some((t) => SERVER_CODE_RE.test(t));

    const local = pkg ? localPackages(repo, dir, runtimeDeps) : [];
    const facts: LanguageFacts = {
      language: 'node',
      languageVersion: detectNodeVersion(repo, dir, pkg),
      packageManager,
      lockfile,
      // The clients of the workspace packages it depends on run in its process (a shared db package's Prisma).
      dependencies: [...new Set([...runtimeDeps, ...local.flatMap((l) => l.deps)])],
      sourceFiles: files.all,
    };
    if (local.length) facts.dependencyDirs = local.map((l) => l.dir);

    // Manifest-less service: a top-level ES module / CommonJS server file.
    if (!pkg) {
      const top = repo
        .list(dir)
        .filter((n) => TOP_SERVER_EXTS.some((e) => n.endsWith(e)) && !n.endsWith('.d.ts'))
        .map((n) => joinRel(dir, n))
        .filter((f) => !repo.isDir(f));
      const rank = (f: string) => {
        const b = posix.basename(f).replace(/\.[^.]+$/, '');
        const i = ['server', 'index', 'app', 'main'].indexOf(b);
        const t = repo.read(f) ?? '';
        return (SERVER_CODE_RE.test(t) ? 0 : 10) + (i < 0 ? 5 : i) + (NODE_CODE_RE.test(t) ? 0 : 100);
      };
      const main = [...top].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
      if (main) {
        const rel = posix.basename(main);
        facts.start = fact(isTs(rel) ? ['node', '--experimental-strip-types', rel] : ['node', rel], main);
        facts.entry = fact(rel, main);
      }
      facts.framework = byDefault(null);
      facts.build = byDefault(null);
      facts.outputDir = byDefault(null);
      facts.worker = !serverCode;
      facts.library = false;
      return facts;
    }

    const fw = detectFramework(ctx);
    facts.framework = fw ? fact(fw.name, fw.source) : byDefault(null);

    const scripts = pkg.scripts;
    const hasStartScript = ['start', 'start:prod', 'start:production'].some((s) => s in scripts);

    // start / entry / outputDir
    let start: StartResult | null = null;
    if (fw?.staticOut) {
      facts.start = byDefault([]);
      facts.outputDir = fact(fw.staticOut.dir, fw.staticOut.source);
      facts.entry = fw.staticOut.entry ? fact(fw.staticOut.entry, joinRel(dir, fw.staticOut.entry)) : byDefault(null);
    } else {
      start = fw?.start ?? startFromScripts(ctx) ?? startFromProcfile(ctx);
      if (!start && hasStartScript) {
        // A start script we cannot see through: run it through the package manager.
        const name = ['start:prod', 'start:production', 'start'].find((s) => s in scripts)!;
        start = { start: fact(name === 'start' ? [pm, 'start'] : [pm, 'run', name], scriptSource(ctx, name)), entry: null };
      }
      start ??= startFromFiles(ctx);
      facts.outputDir = byDefault(null);
      if (start) {
        facts.start = start.start;
        facts.entry = start.entry ? fact(start.entry, start.start.source) : byDefault(null);
      }
    }

    // The folder's other processes (before the build is decided: a TypeScript worker needs compiling too).
    const webDepHere = WEB_DEPS.some((d) => d in pkg.dependencies || d in pkg.optionalDependencies);
    facts.processes = fw?.staticOut ? [] : nodeProcesses(ctx, files.code, start, Boolean(fw) || webDepHere || serverCode);

    // build
    if (scripts.build && fw?.staticOut?.outside) {
      // The config builds outside the folder: the image's build writes dist/ instead, by giving
      // `vite build` (the script's last command) --outDir; a script that ends otherwise cannot be told.
      const last = lastSegment(scripts.build);
      const endsWithVite = /^\s*(?:npx\s+|bunx\s+)?vite\s+build\b/.test(last) && !/--outDir\b/.test(last);
      if (endsWithVite) facts.build = fact(`${runScript(pm, 'build')}${pm === 'npm' ? ' --' : ''} --outDir dist`, fw.staticOut.source);
      else {
        facts.build = fact(runScript(pm, 'build'), scriptSource(ctx, 'build'));
        facts.outputDir = byDefault(null);
        facts.start = byDefault([]);
      }
    } else if (scripts.build) {
      facts.build = fact(runScript(pm, 'build'), scriptSource(ctx, 'build'));
    } else if (ts.enabled && (ctx.needsTsc || fw?.name === 'nest') && !ts.noEmit) {
      facts.build = fact(execBin(pm, 'tsc'), ts.source ?? pkgFile);
    } else {
      facts.build = byDefault(null);
    }

    // port: manifest-derived first, then framework convention, static server default.
    if (start?.port) facts.port = start.port;
    else if (fw?.staticOut) facts.port = byDefault(8080);
    else if (fw?.port !== undefined) facts.port = byDefault(fw.port);

    // library / worker
    facts.library = !fw?.staticOut && !fw?.start && isLibrary(ctx, serverCode, hasStartScript);
    const webDep = WEB_DEPS.some((d) => d in pkg.dependencies || d in pkg.optionalDependencies);
    facts.worker = !facts.library && !fw && !webDep && !serverCode && (facts.start?.value.length ?? 0) > 0;
    return facts;
  },
};
