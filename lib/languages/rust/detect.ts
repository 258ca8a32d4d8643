/**
 * Rust (Cargo) detector.
 *
 * Conventions (the Dockerfile renderer relies on them):
 * - Build stage: `cargo build --release --locked` in the service folder on
 *   `rust:<languageVersion>` (`--locked` only when a Cargo.lock exists; `--bin <name>`
 *   when the package has several binaries). For a workspace member the binary lands in
 *   the workspace root's target/release, not the member's.
 * - `entry` is the binary name; the runtime stage copies target/release/<entry> to
 *   /app/<entry>, WORKDIR /app, so `start = ['./<entry>']`.
 * - languageVersion: a rust-toolchain(.toml) channel pins the toolchain exactly. Without
 *   one, `rust-version` is the minimum supported version, not the one to build with: the
 *   newer of it and the default (and 1.85 for edition 2024) is used, because newer stable
 *   compilers build older code while Cargo.lock often holds crates needing a newer one.
 * - Ports: Rocket listens on 8000 (Rocket.toml `port` overrides; note Rocket binds
 *   127.0.0.1 unless ROCKET_ADDRESS / Rocket.toml `address` says 0.0.0.0). Other
 *   frameworks pick ports in code: the code scanners find them.
 * - No web framework, no server crate and no TcpListener in the code: a worker.
 *   A package without binaries is a library; a virtual workspace root ([workspace]
 *   without [package]) is a library too (its members are the services).
 */
import { tomlEntries, tomlTables, type TomlEntry } from '../../detect/toml.js';
import { isScalar, LineCounter, parseDocument } from 'yaml';
import { joinRel } from '../../detect/repo.js';
import { byDefault, fact } from '../../detect/types.js';
import type { Fact, LanguageDetector, LanguageFacts, RepoView } from '../../detect/types.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
const DEFAULT_RUST = defaultLanguageVersion('rust');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const RUST = vocabulary(['actix-web', 'axum', 'hyper', 'rocket', 'warp'] as const, ['cargo'] as const);
export type RustFramework = (typeof RUST.frameworks)[number];
export const { framework: rustFramework, packageManager: rustPackageManager } = RUST;
const ENV_AND_DOCKER = ['.env.example', '.env.sample', 'Procfile', 'Dockerfile'];
/** Web frameworks, most specific first (axum pulls hyper in, so hyper comes last). */
const FRAMEWORKS: RustFramework[] = ['axum', 'actix-web', 'rocket', 'warp', 'hyper'];
/** Crates that make the program a network server even without a web framework above. */
const SERVER_CRATES = ['tonic', 'poem', 'salvo', 'tide', 'tiny_http', 'ntex', 'gotham', 'loco-rs', 'pingora'];

const uniq = (xs: string[]): string[] => [...new Set(xs)];
/** The parent folder of a repo-relative folder ('.' stays '.'). */
const up = (d: string): string => (d === '.' || !d.includes('/') ? '.' : d.slice(0, d.lastIndexOf('/')));

/* ------------------------------------------------------------ TOML (lib/detect/toml.ts) */

type Entry = TomlEntry;
const parseToml = tomlEntries;

const stringValue = (v: string | undefined): string | null => {
  const m = v ? /^"([^"]*)"$|^'([^']*)'$/.exec(v.trim()) : null;
  return m ? (m[1] ?? m[2]!) : null;
};
const stringsIn = (v: string): string[] => [...v.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]!);

interface Cargo {
  file: string;
  entries: Entry[];
  get(table: string, key: string): Entry | undefined;
  has(table: string): boolean;
}

function cargoOf(file: string, text: string): Cargo {
  const entries = parseToml(text);
  const headers = tomlTables(text);
  return {
    file,
    entries,
    get: (table, key) => entries.find((e) => e.table === table && e.key === key),
    has: (table) => headers.has(table) || entries.some((e) => e.table === table || e.table.startsWith(`${table}.`)),
  };
}

function readCargo(repo: RepoView, file: string): Cargo | null {
  const text = repo.read(file);
  return text === null ? null : cargoOf(file, text);
}

/** The nearest enclosing workspace root Cargo.toml above `dir` (exclusive), or null. */
function workspaceRoot(repo: RepoView, dir: string): Cargo | null {
  if (dir === '.') return null;
  for (let d = up(dir); ; d = up(d)) {
    const c = readCargo(repo, joinRel(d, 'Cargo.toml'));
    if (c?.has('workspace')) return c;
    if (d === '.') return null;
  }
}

/* -------------------------------------------------------------- version */

const majorMinor = (v: string): string | null => /^(\d+\.\d+)/.exec(v.trim())?.[1] ?? null;
const versionKey = (v: string): number => Number(v.split('.')[0]) * 1000 + Number(v.split('.')[1]);

function toolchainVersion(repo: RepoView, dir: string): Fact<string> | null {
  // rustup looks for a toolchain file in the folder and its parents.
  for (let d = dir; ; d = up(d)) {
    for (const name of ['rust-toolchain.toml', 'rust-toolchain']) {
      const file = joinRel(d, name);
      const text = repo.read(file);
      if (text === null) continue;
      const channel = parseToml(text).find((e) => e.key === 'channel');
      const raw = channel ? stringValue(channel.value) : text.trim().split('\n')[0]!.trim();
      const v = raw ? majorMinor(raw) : null;
      // 'stable', 'nightly-…' pin no numbered image tag: fall through to the other sources.
      if (v) return fact(v, channel ? `${file}:${channel.line}` : `${file}:1`);
    }
    if (d === '.') return null;
  }
}

function rustVersion(repo: RepoView, dir: string, cargo: Cargo, root: Cargo | null): Fact<string> {
  const pinned = toolchainVersion(repo, dir);
  if (pinned) return pinned;
  let best: Fact<string> = byDefault(DEFAULT_RUST);
  const consider = (v: string | null, source: string) => {
    if (v && versionKey(v) > versionKey(best.value)) best = fact(v, source);
  };
  const inherit = (key: string): Entry | undefined => {
    const own = cargo.get('package', key);
    if (own) return own;
    if (cargo === root && !cargo.has('package')) return root.get('workspace.package', key);
    const ws = cargo.get('package', `${key}.workspace`);
    return ws && root ? root.get('workspace.package', key) : undefined;
  };
  const src = (e: Entry) => `${e.table === 'package' ? cargo.file : root!.file}:${e.line}`;
  const msrv = inherit('rust-version');
  if (msrv) consider(majorMinor(stringValue(msrv.value) ?? ''), src(msrv));
  const edition = inherit('edition');
  if (edition && stringValue(edition.value) === '2024') consider('1.85', src(edition));
  return best;
}

/* ---------------------------------------------------------- dependencies */

interface Dependency {
  name: string;
  line: string;
  features: string[];
}

const isDepTable = (t: string): boolean => t === 'dependencies' || /^target\..+\.dependencies$/.test(t);

function dependenciesOf(cargo: Cargo, root: Cargo | null): Dependency[] {
  const deps = new Map<string, Dependency>();
  const add = (name: string, line: number, features: string[]) => {
    const d = deps.get(name) ?? { name, line: `${cargo.file}:${line}`, features: [] };
    d.features.push(...features);
    deps.set(name, d);
  };
  for (const e of cargo.entries) {
    if (isDepTable(e.table)) {
      const name = e.key.split('.')[0]!;
      const feats = e.key.endsWith('.features') ? e.value : (/features\s*=\s*(\[[^\]]*\])/.exec(e.value)?.[1] ?? '');
      add(name, e.line, stringsIn(feats));
      if (/workspace\s*=\s*true/.test(e.value) || e.key.endsWith('.workspace')) {
        const wsDep = root?.entries.find((w) => w.table === 'workspace.dependencies' && w.key.split('.')[0] === name);
        if (wsDep) add(name, e.line, stringsIn(/features\s*=\s*(\[[^\]]*\])/.exec(wsDep.value)?.[1] ?? ''));
      }
    } else {
      const sub = /^(dependencies|target\..+\.dependencies)\.([^.]+)$/.exec(e.table);
      if (sub) add(sub[2]!, e.line, e.key === 'features' ? stringsIn(e.value) : []);
    }
  }
  return [...deps.values()];
}

/* ------------------------------------------------------------ settings */

/** Folders and base names where apps keep the settings the `config` crate layers (base first). */
const SETTINGS_DIRS = ['configuration', 'config', 'settings', '.'];
const SETTINGS_NAMES = ['base', 'default', 'settings', 'config', 'application', 'app'];
/** Where a listening port sits in such a file. */
const PORT_PATHS = [['application', 'port'], ['server', 'port'], ['http', 'port'], ['app', 'port'], ['web', 'port'], ['port']];

/** The port a settings file declares (YAML, TOML or JSON), with its line. */
function settingsPort(repo: RepoView, dir: string): Fact<number> | null {
  for (const folder of SETTINGS_DIRS) {
    for (const base of SETTINGS_NAMES) {
      for (const ext of ['yaml', 'yml', 'toml', 'json']) {
        const file = joinRel(dir, folder, `${base}.${ext}`);
        const text = repo.read(file);
        if (text === null) continue;
        const hit = ext === 'toml' ? tomlPort(text) : yamlPort(text);
        if (hit) return fact(hit.port, `${file}:${hit.line}`);
      }
    }
  }
  return null;
}

/** JSON is YAML: one parser for both. */
function yamlPort(text: string): { port: number; line: number } | null {
  const counter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: counter });
  } catch {
    return null;
  }
  for (const path of PORT_PATHS) {
    const node = doc.getIn(path, true);
    if (isScalar(node) && node.range && /^\d{2,5}$/.test(String(node.value))) return { port: Number(node.value), line: counter.linePos(node.range[0]).line };
  }
  return null;
}

function tomlPort(text: string): { port: number; line: number } | null {
  const entries = parseToml(text);
  for (const path of PORT_PATHS) {
    const e = entries.find((x) => x.key === path[path.length - 1] && x.table === path.slice(0, -1).join('.'));
    if (e && /^\d{2,5}$/.test(e.value)) return { port: Number(e.value), line: e.line };
  }
  return null;
}

/* ------------------------------------------------------------- detector */

/** .rs files under `rel` (walk() skips folders named bin, which Cargo uses for src/bin). */
function rustFiles(repo: RepoView, rel: string, depth = 0): string[] {
  if (depth > 10) return [];
  const out: string[] = [];
  for (const name of repo.list(rel)) {
    const child = joinRel(rel, name);
    if (repo.isDir(child)) {
      if (!name.startsWith('.') && name !== 'target') out.push(...rustFiles(repo, child, depth + 1));
    } else if (name.endsWith('.rs')) out.push(child);
  }
  return out;
}

interface Binary {
  name: string;
  source: string;
}

function binariesOf(repo: RepoView, dir: string, cargo: Cargo, pkgName: string | null): Binary[] {
  const bins: Binary[] = [];
  const declared = new Map<number, { name?: string; path?: string; line: number }>();
  for (const e of cargo.entries.filter((x) => x.table === 'bin')) {
    const b = declared.get(e.index) ?? { line: e.line };
    if (e.key === 'name') b.name = stringValue(e.value) ?? undefined;
    if (e.key === 'path') b.path = stringValue(e.value) ?? undefined;
    declared.set(e.index, b);
  }
  for (const b of declared.values()) if (b.name) bins.push({ name: b.name, source: `${cargo.file}:${b.line}` });
  const mainRs = joinRel(dir, 'src/main.rs');
  const mainDeclared = [...declared.values()].some((b) => b.path === 'src/main.rs');
  if (repo.exists(mainRs) && !mainDeclared && pkgName && !bins.some((b) => b.name === pkgName)) bins.push({ name: pkgName, source: mainRs });
  const binDir = joinRel(dir, 'src/bin');
  for (const name of repo.list(binDir)) {
    const p = joinRel(binDir, name);
    const binName = name.endsWith('.rs') && !repo.isDir(p) ? name.slice(0, -3) : repo.exists(joinRel(p, 'main.rs')) ? name : null;
    if (binName && !bins.some((b) => b.name === binName)) bins.push({ name: binName, source: p });
  }
  return bins;
}

const relativeTo = (from: string, to: string): string => {
  const a = from === '.' ? [] : from.split('/');
  const b = to.split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
};

export const rustDetector: LanguageDetector = {
  language: 'rust',
  matches: (repo, dir) => repo.exists(joinRel(dir, 'Cargo.toml')),
  detect(repo, dir) {
    const rel = (f: string) => joinRel(dir, f);
    const manifest = rel('Cargo.toml');
    const cargo = readCargo(repo, manifest) ?? cargoOf(manifest, '');
    const root = cargo.has('workspace') ? cargo : workspaceRoot(repo, dir);
    const extra = ['Cargo.toml', 'build.rs', 'Rocket.toml', ...ENV_AND_DOCKER].map(rel).filter((f) => repo.exists(f));

    // Lockfile: the package's own, else the workspace root's (relative to the service folder).
    const ownLock = rel('Cargo.lock');
    const rootDir = root ? root.file.replace(/\/?Cargo\.toml$/, '') || '.' : null;
    const rootLock = rootDir ? joinRel(rootDir, 'Cargo.lock') : null;
    const lockPath = repo.exists(ownLock) ? ownLock : rootLock && repo.exists(rootLock) ? rootLock : null;
    const lockfile: Fact<string | null> = lockPath ? fact(relativeTo(dir, lockPath), lockPath) : byDefault(null);
    const locked = lockPath ? ' --locked' : '';

    const base = {
      language: 'rust' as const,
      languageVersion: rustVersion(repo, dir, cargo, root),
      packageManager: fact<string | null>('cargo', manifest),
      lockfile,
    };
    if (!cargo.has('package')) {
      // Virtual workspace root: the members are the services.
      const members = cargo.get('workspace', 'members');
      return {
        ...base,
        framework: byDefault(null),
        build: fact(`cargo build --release${locked}`, members ? `${manifest}:${members.line}` : manifest),
        entry: byDefault(null),
        dependencies: [],
        sourceFiles: extra,
        library: true,
      };
    }

    const pkgName = stringValue(cargo.get('package', 'name')?.value);
    const deps = dependenciesOf(cargo, root);
    const dependencies = uniq(deps.flatMap((d) => [d.name, ...d.features.map((f) => `${d.name}:${f}`)]));
    const code = uniq([...rustFiles(repo, rel('src')), ...(repo.exists(rel('build.rs')) ? [rel('build.rs')] : [])]);
    const sourceFiles = uniq([...code, ...extra]);

    const fwDep = FRAMEWORKS.map((f) => deps.find((d) => d.name === f)).find(Boolean);
    const framework: Fact<string | null> = fwDep ? fact(fwDep.name, fwDep.line) : byDefault(null);

    const bins = binariesOf(repo, dir, cargo, pkgName);
    const facts: LanguageFacts = { ...base, framework, dependencies, sourceFiles };
    if (bins.length === 0) {
      facts.library = true;
      facts.build = byDefault(null);
      facts.entry = byDefault(null);
      return facts;
    }
    const defaultRun = stringValue(cargo.get('package', 'default-run')?.value);
    const bin = bins.find((b) => b.name === defaultRun) ?? bins.find((b) => b.name === pkgName) ?? bins[0]!;
    const binSource = defaultRun === bin.name ? `${manifest}:${cargo.get('package', 'default-run')!.line}` : bin.source;
    facts.entry = fact(bin.name, binSource);
    facts.start = fact([`./${bin.name}`], binSource);
    facts.build = fact(`cargo build --release${locked}${bins.length > 1 ? ` --bin ${bin.name}` : ''}`, lockPath ?? manifest);

    if (framework.value === 'rocket') {
      const rocketToml = rel('Rocket.toml');
      const text = repo.read(rocketToml);
      const entries = text ? parseToml(text).filter((e) => e.key === 'port') : [];
      const pick = ['release', 'global', 'default'].map((t) => entries.find((e) => e.table === t)).find(Boolean);
      facts.port = pick && /^\d+$/.test(pick.value) ? fact(Number(pick.value), `${rocketToml}:${pick.line}`) : byDefault(8000);
    } else if (framework.value) {
      // Settings files read through the `config` crate (or figment): configuration/base.yaml...
      const configured = deps.some((d) => d.name === 'config' || d.name === 'figment') ? settingsPort(repo, dir) : null;
      if (configured) facts.port = configured;
    } else if (!framework.value) {
      const server = deps.find((d) => SERVER_CRATES.includes(d.name));
      const listener = code.map((f) => repo.locate(f, /\b(TcpListener|UdpSocket)\b/)).find(Boolean);
      if (!server && !listener) {
        facts.worker = true;
        facts.port = fact(null, binSource);
      }
    }
    return facts;
  },
};
