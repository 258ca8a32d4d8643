/**
 * Backing services (databases, caches, brokers) a service uses. A kind is
 * proven only by something that runs: a client library the service declares,
 * a connection variable its code reads (REDIS_URL, PGHOST...), or a connection
 * URL written in its code (redis://...). A name that only appears in a config
 * or env file proves nothing (templates and examples are full of them): it
 * becomes a warning so the user can add the service by hand.
 *
 * A backing service is named by the hostname the code uses to reach it
 * (redis://cache:6379 -> 'cache'), else by its kind.
 */
import { CATALOG, DEFAULT_VERSIONS, envNameKind, schemeKind } from '../catalog/index.js';
import { normalizeDependency } from '../catalog/common.js';

export { schemeKind };
import type { BackingKind, Language } from '../model/types.js';
import { isSecretName } from '../model/secrets.js';
import { joinRel } from './repo.js';
import {
  byCode,
  codeFiles,
  envExampleFiles,
  grep,
  hostsInValue,
  isServiceHost,
  manifestFiles,
  parseEnvFile,
  type EnvFact,
  type EnvRead,
} from './scan.js';
import type { RepoView } from './types.js';

/** Image tag used when nothing pins a version: derived from the image pins (lib/catalog). */
export { DEFAULT_VERSIONS };

// ---- client libraries --------------------------------------------------------

/** Go modules are matched by prefix: the path may end with /v9, /v5... (from the catalog). */
const GO_MODULES: [string, BackingKind][] = Object.values(CATALOG).flatMap((r) => r.signals.goModules.map((m) => [m, r.kind] as [string, BackingKind]));

/** Client libraries by name, across ecosystems: a name means the same kind wherever it appears (the catalog's signals). */
const LIBRARY_KIND = new Map<string, BackingKind>(Object.values(CATALOG).flatMap((r) => r.signals.libraries.map((n) => [n, r.kind] as const)));


/** The backing kind a declared dependency is a client for, or null. */
export function libraryKind(dep: string, language: Language): BackingKind | null {
  const name = normalizeDependency(dep, language);
  if (language === 'go' || name.includes('.') && name.includes('/')) {
    const hit = GO_MODULES.find(([prefix]) => name === prefix || name.startsWith(`${prefix}/`));
    if (hit) return hit[1];
  }
  // 'mongo' and 'memcache' are also generic words in some ecosystems; only trust them where they are the client.
  if (name === 'mongo' && language !== 'ruby') return null;
  if (name === 'memcache' && language !== 'rust') return null;
  if (name === 'nest' && language !== 'dotnet') return null;
  return LIBRARY_KIND.get(name) ?? null;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 'file:line' of a dependency in the service's manifests, else the first manifest, else the folder. */
export function dependencySource(repo: RepoView, dir: string, dep: string): string {
  const manifests = manifestFiles(repo, dir);
  const name = dep.replace(/[\[;<>=!~ ].*$/, '');
  const last = name.includes(':') ? name.split(':').pop()! : name;
  const re = new RegExp(`(^|[^\\w.@/-])${escapeRe(last)}([^\\w.-]|$)`, 'i');
  for (const file of manifests) {
    const hit = repo.locate(file, re);
    if (hit) return hit;
  }
  return manifests[0] ?? dir;
}

/**
 * Libraries that talk to several databases (Prisma, sqlx, diesel) say which one
 * in their own config: the Prisma schema's provider (in the service folder or a
 * workspace package it depends on), the crate's features.
 */
function multiDatabaseKinds(repo: RepoView, dir: string, deps: string[], dependencyDirs: string[]): Proof[] {
  const out: Proof[] = [];
  const lower = deps.map((d) => d.toLowerCase());
  if (lower.includes('@prisma/client') || lower.includes('prisma')) {
    for (const d of [dir, ...dependencyDirs]) {
      for (const file of [joinRel(d, 'prisma/schema.prisma'), joinRel(d, 'schema.prisma')]) {
        for (const { source, match } of grep(repo, [file], /provider\s*=\s*"(postgresql|postgres|mysql|mongodb)"/)) {
          out.push({ kind: match[1] === 'postgresql' ? 'postgres' : (match[1] as BackingKind), source, how: 'library' });
        }
      }
    }
  }
  return out;
}

/** Words in a crate feature that name the client it pulls in: sqlx's "postgres", actix-session's "redis-session". */
const FEATURE_KINDS: [RegExp, BackingKind][] = [
  [/(?:^|[-_])postgres(?:ql)?(?:$|[-_])/, 'postgres'],
  [/(?:^|[-_])mysql(?:$|[-_])/, 'mysql'],
  [/(?:^|[-_])mariadb(?:$|[-_])/, 'mariadb'],
  [/(?:^|[-_])redis(?:$|[-_])/, 'redis'],
  [/(?:^|[-_])mongodb(?:$|[-_])/, 'mongodb'],
  [/(?:^|[-_])(?:amqp|rabbitmq|lapin)(?:$|[-_])/, 'rabbitmq'],
  [/(?:^|[-_])(?:kafka|rdkafka)(?:$|[-_])/, 'kafka'],
  [/(?:^|[-_])nats(?:$|[-_])/, 'nats'],
];

/**
 * Clients a Rust crate pulls in through a feature (`crate:feature` dependencies of the Rust
 * detector, read whole even when the table spans lines): sqlx/diesel/sea-orm's database,
 * actix-session's or apalis' redis...
 */
function crateFeatureKinds(repo: RepoView, dir: string, deps: string[]): Proof[] {
  const out: Proof[] = [];
  const cargo = joinRel(dir, 'Cargo.toml');
  for (const dep of deps) {
    const [crate, feature] = dep.split(':');
    if (!crate || !feature) continue;
    for (const [re, kind] of FEATURE_KINDS) {
      if (re.test(feature.toLowerCase())) out.push({ kind, source: repo.locate(cargo, new RegExp(`["']${escapeRe(feature)}["']`)) ?? cargo, how: 'library' });
    }
  }
  return out;
}

// ---- connection variables and URLs -------------------------------------------

/** Generic database locations whose kind comes from their URL scheme (or the one SQL client declared). */
const GENERIC_DB_VAR = /^(DATABASE|DB)_(URL|URI|HOST|DSN|ADDR)$|^(SQLALCHEMY_DATABASE_URI|CELERY_BROKER_URL|BROKER_URL|CELERY_RESULT_BACKEND)$/;

/** The kind a variable's name ties it to: REDIS_URL, PGHOST, MONGODB_URI, AMQP_URL, KAFKA_BROKERS... (the catalog's signals). */
export const varKind = envNameKind;

// ---- result ------------------------------------------------------------------

/** Why we believe a service uses a kind. */
interface Proof {
  kind: BackingKind;
  source: string;
  how: 'library' | 'env' | 'url';
}

/** One backing service a service uses: its kind, the hostname (its name) and the evidence. */
export interface BackingUse {
  kind: BackingKind;
  name: string;
  /** 'file:line' that proved the kind. */
  source: string;
  /** True when the code named the host; false when the name is only the kind (nothing named it). */
  named: boolean;
}

export interface BackingInput {
  /** Service name, for messages. */
  service: string;
  dir: string;
  language: Language;
  dependencies: string[];
  sourceFiles: string[];
  reads: EnvRead[];
  env: Record<string, EnvFact>;
  /** Folders of local packages the service depends on (workspace packages): their Prisma schema counts. */
  dependencyDirs?: string[];
}

/** The backing services one service uses, plus warnings for names seen only in config files. */
export function detectBacking(repo: RepoView, input: BackingInput): { uses: BackingUse[]; warnings: string[] } {
  const warnings: string[] = [];
  const code = codeFiles(input.sourceFiles).sort();
  const examples = exampleValues(repo, input.dir);
  const proofs: Proof[] = [];
  const hosts = new Map<BackingKind, { host: string; source: string; rank: number }[]>();
  const addHost = (kind: BackingKind, value: string, bare: boolean, source: string, rank: number) => {
    for (const h of hostsInValue(value, bare)) {
      if (schemeKind(h.scheme) && schemeKind(h.scheme) !== kind) continue;
      const list = hosts.get(kind) ?? [];
      if (!list.some((x) => x.host === h.host)) list.push({ host: h.host, source, rank });
      hosts.set(kind, list);
    }
  };

  // 1. Client libraries.
  for (const dep of [...input.dependencies].sort()) {
    const kind = libraryKind(dep, input.language);
    if (kind) proofs.push({ kind, source: dependencySource(repo, input.dir, dep), how: 'library' });
  }
  proofs.push(...multiDatabaseKinds(repo, input.dir, input.dependencies, input.dependencyDirs ?? []));
  if (input.language === 'rust') proofs.push(...crateFeatureKinds(repo, input.dir, input.dependencies));
  const libraryKinds = new Set(proofs.map((p) => p.kind));
  const sqlLibraries = [...libraryKinds].filter((k) => k === 'postgres' || k === 'mysql' || k === 'mariadb' || k === 'mongodb');

  // 2. Connection variables read in code; their defaults (in code or an example env file) name the host.
  for (const r of input.reads) {
    const fromExample = examples.get(r.name);
    const value = typeof r.value === 'string' ? r.value : (fromExample?.value ?? null);
    const bare = /(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|SERVERS)$/.test(r.name);
    const schemeOfValue = value ? schemeKindOf(value) : null;
    let kind = varKind(r.name);
    if (!kind && (GENERIC_DB_VAR.test(r.name) || schemeOfValue)) {
      kind = schemeOfValue ?? (sqlLibraries.length === 1 ? sqlLibraries[0]! : null);
      if (!kind && GENERIC_DB_VAR.test(r.name)) {
        warnings.push(`${input.service}: ${r.name} is read at ${r.source} but the database kind is unknown (no URL scheme, no single client library); add it under backing by hand`);
        continue;
      }
    }
    if (!kind) continue;
    proofs.push({ kind, source: r.source, how: 'env' });
    if (value) addHost(kind, value, bare, typeof r.value === 'string' ? r.source : fromExample!.source, typeof r.value === 'string' ? 0 : 1);
  }

  // 3. Connection URLs and driver names written in code.
  for (const { source, match } of grep(repo, code, /\b([a-z][a-z0-9+.-]*):\/\/(?:[^\s'"`/?#]*@)?([A-Za-z0-9_.-]+)?/)) {
    const kind = schemeKind(match[1]!);
    if (!kind) continue;
    proofs.push({ kind, source, how: 'url' });
    if (match[2] && isServiceHost(match[2])) addHost(kind, match[0], false, source, 0);
  }
  for (const { source, match } of grep(repo, code, /django\.db\.backends\.(postgresql|mysql)|\bdjango_redis\b|\bchannels_redis\b/)) {
    proofs.push({ kind: match[1] === 'mysql' ? 'mysql' : match[1] ? 'postgres' : 'redis', source, how: 'url' });
  }
  for (const { source, match } of grep(repo, code, /https?:\/\/(elasticsearch|es)(?::(\d+))?\b|https?:\/\/[a-z][\w-]*:9200\b/)) {
    proofs.push({ kind: 'elasticsearch', source, how: 'url' });
    addHost('elasticsearch', match[0], false, source, 0);
  }

  // ADO.NET connection strings ("Server=db;Username=app;..."): the host of the one SQL kind the service uses.
  for (const { source, match } of grep(repo, code, ADO_NET)) {
    const kind = adoKind(sqlLibraries);
    if (kind) addHost(kind, match[1]!, true, source, 0);
  }

  // 4. Config files may name the host of a proven kind (spring.data.redis.host=cache, jdbc:postgresql://db/app).
  for (const { kind, host, source } of configHosts(repo, input.dir)) addHost(kind, host, true, source, 2);
  for (const { source, match } of grep(repo, serviceConfigFiles(repo, input.dir), ADO_NET)) {
    const kind = adoKind(sqlLibraries);
    if (kind) addHost(kind, match[1]!, true, source, 2);
  }

  const proven = new Map<BackingKind, string>();
  for (const p of proofs) if (!proven.has(p.kind)) proven.set(p.kind, p.source);

  warnings.push(...configOnlyWarnings(repo, input, new Set(proven.keys())));

  const uses: BackingUse[] = [];
  for (const [kind, source] of [...proven].sort(([a], [b]) => byCode(a, b))) {
    const named = (hosts.get(kind) ?? []).sort((a, b) => a.rank - b.rank);
    // Hosts the code itself uses win; a config file only names the service when the code names none.
    const best = named.filter((h) => h.rank === named[0]?.rank);
    const names = best.length ? [...new Set(best.map((h) => h.host))] : [kind];
    for (const name of names) uses.push({ kind, name, source, named: best.length > 0 });
  }
  return { uses, warnings };
}

/** An ADO.NET-style connection string: a server key naming a host, with a user, password or database key beside it. */
const ADO_NET = /\b(?:Server|Host|Data Source|Address|Addr)\s*=\s*(?:tcp:)?([A-Za-z][\w.-]*)[^"'\n]*?;\s*(?:User ?Id|Username|Uid|User|Password|Pwd|Database|Initial Catalog)\s*=/i;

/** The kind an ADO.NET connection string is for: the one SQL client library the service declares. */
function adoKind(sqlKinds: BackingKind[]): BackingKind | null {
  const sql = sqlKinds.filter((k) => k !== 'mongodb');
  return sql.length === 1 ? sql[0]! : null;
}

/** Kind named by the scheme a value starts with: "postgres://...", "jdbc:mysql://...", "amqp://...". */
function schemeKindOf(value: string): BackingKind | null {
  const m = /^\s*(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\//.exec(value);
  return m ? schemeKind(m[1]!) : null;
}

/** NAME -> value from the example env files of a service. */
function exampleValues(repo: RepoView, dir: string): Map<string, { value: string; source: string }> {
  const out = new Map<string, { value: string; source: string }>();
  for (const file of envExampleFiles(repo, dir)) {
    for (const kv of parseEnvFile(repo, file)) if (!out.has(kv.name) && kv.value && !isSecretName(kv.name)) out.set(kv.name, kv);
  }
  return out;
}

/** Configuration files of a service: its folder, config/ and Spring's resources (never code). */
function serviceConfigFiles(repo: RepoView, dir: string): string[] {
  const folders = [dir, joinRel(dir, 'config'), joinRel(dir, 'src/main/resources')];
  const skip = /^(package(-lock)?\.json|composer\.(json|lock)|tsconfig.*\.json|Cargo\.(toml|lock)|pyproject\.toml|poetry\.lock|yarn\.lock|pnpm-lock\.yaml|Pipfile(\.lock)?|.*\.lock)$/;
  const isConfig = (n: string) => /^\.env/.test(n) || /\.(env|ya?ml|json|toml|ini|cfg|conf|properties)$/.test(n);
  return folders.flatMap((f) => repo.list(f).filter((n) => isConfig(n) && !skip.test(n)).map((n) => joinRel(f, n))).filter((f) => !repo.isDir(f));
}

/** Host names given for a backing kind in config files: URLs with its scheme and `<kind>.host=` keys. */
function configHosts(repo: RepoView, dir: string): { kind: BackingKind; host: string; source: string }[] {
  const out: { kind: BackingKind; host: string; source: string }[] = [];
  for (const { source, match } of grep(repo, serviceConfigFiles(repo, dir), /\b([a-z][a-z0-9+.-]*):\/\/(?:[^\s'"`/?#]*@)?([a-z][a-z0-9-]*)\b/)) {
    const kind = schemeKind(match[1]!);
    if (kind && isServiceHost(match[2]!)) out.push({ kind, host: match[2]!, source });
  }
  for (const { source, match } of grep(repo, serviceConfigFiles(repo, dir), /\b(redis|rabbitmq|mongodb|elasticsearch|memcached|nats|kafka)\.host\s*[=:]\s*['"]?([a-z][a-z0-9-]*)\b/)) {
    out.push({ kind: match[1] as BackingKind, host: match[2]!, source });
  }
  return out;
}

/** Warnings for kinds named in config files (env names, URLs) that nothing in the code uses. */
function configOnlyWarnings(repo: RepoView, input: BackingInput, proven: Set<BackingKind>): string[] {
  const seen = new Map<BackingKind, { what: string; source: string }>();
  const note = (kind: BackingKind | null, what: string, source: string) => {
    if (kind && !proven.has(kind) && !seen.has(kind)) seen.set(kind, { what, source });
  };
  const files = serviceConfigFiles(repo, input.dir);
  for (const { source, match } of grep(repo, files, /\b([A-Z][A-Z0-9]*_[A-Z0-9_]+|PG[A-Z]+)\b/)) note(varKind(match[1]!), match[1]!, source);
  for (const { source, match } of grep(repo, files, /\b([a-z][a-z0-9+.-]*):\/\//)) note(schemeKind(match[1]!), `${match[1]}://`, source);
  for (const { source, match } of grep(repo, files, /\b(redis|rabbitmq|mongodb|kafka|elasticsearch|memcached|nats)\.(host|url|uri|bootstrap-servers|addresses)\b/)) {
    note(match[1] as BackingKind, match[0], source);
  }
  return [...seen]
    .sort(([a], [b]) => byCode(a, b))
    .map(
      ([kind, { what, source }]) =>
        `${input.service}: ${what} is named in ${source}, but no ${kind} client library is declared and no code reads it; no ${kind} service added (add one under backing if it is needed)`,
    );
}
