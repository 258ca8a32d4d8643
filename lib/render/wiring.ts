/**
 * The wiring: how each service reaches its backing services, decided once
 * from the stack model and the catalog (lib/catalog), and read by Compose,
 * the kustomize manifests and the Helm chart alike, so the user, password,
 * database, host and port an app is given always match what the backing
 * service was started with. Pure: the same model gives the same wiring.
 *
 * Rules (docs/wiring.md explains them for users):
 * - Credentials, per backing service: the catalog's user; the database named
 *   by the first code default that names one (a URL's path, a DB_NAME-like
 *   default), else the app's name; auth per the catalog (`always`, `none`,
 *   or `clients`: on when every service that uses it can carry a password).
 * - A variable is wired to a backing service the service depends on when its
 *   value points at it (its hostname), or its name ties it to it (REDIS_URL,
 *   PGHOST, DB_PASSWORD, DATABASE_URL with one SQL database...) and its value
 *   is unknown or points at localhost / 127.0.0.1 / 0.0.0.0 (which inside a
 *   container is the app itself). A value naming another host is kept.
 * - What a wired variable gets depends on its role, read from its name and
 *   value: a URL (in the client family's form: libpq's postgresql://, mysql2://
 *   for Ruby, a go-sql-driver DSN for Go, authSource for MongoDB, an ADO.NET
 *   string for .NET connection strings, JDBC for jdbc: values), a host, a
 *   port, host:port, a user, a password or a database name.
 * - Framework conventions add what the framework reads by itself: Spring
 *   Boot's SPRING_DATASOURCE_* (and the Redis, MongoDB, RabbitMQ, Kafka and
 *   Elasticsearch properties), Rails' DATABASE_URL and REDIS_URL.
 * - A value holding a password is a connection (parts around the password),
 *   never a literal: each output puts the password in from its secret.
 */
import { CATALOG, envNameKind, PASSWORD, schemeKind, type BackingRecord, type ClientContext, type ServerContext } from '../catalog/index.js';
import { backingNames, serviceNames } from '../model/derive.js';
import { hasUrlPassword, secretReason, type EnvLike } from '../model/secrets.js';
import type { BackingKind, Language, ServiceModel, StackModel } from '../model/types.js';
import { CLIENT_FORMS } from '../catalog/common.js';

/** A piece of a connection value: literal text, or the password of a backing service. */
export type Part = string | { password: string };

export type WiredValue =
  /** A non-secret value (the code's default, possibly rewritten to point at a backing service). */
  | { kind: 'literal'; value: string }
  /** Not secret, value unknown: the user sets it (Compose passes it through, Kubernetes lists it to fill in). */
  | { kind: 'unset' }
  /** A value holding a backing service's password: parts around it. */
  | { kind: 'connection'; backing: string; parts: Part[] }
  /** Exactly a backing service's password. */
  | { kind: 'password'; backing: string }
  /**
   * A secret of the user's (an API key...): `random` for a fresh random value, `empty` for the
   * user to fill in, `placeholder` for the code's URL with CHANGE_ME in place of its password.
   */
  | { kind: 'secret'; generate: 'random' | 'empty' }
  | { kind: 'secret'; generate: 'placeholder'; value: string };

export interface WiredVar {
  name: string;
  value: WiredValue;
  /** Set when the variable was wired to a backing service: its name. */
  backing?: string;
  /** Added by a framework convention, not read by name in the code. */
  convention?: string;
  /** The code's default that wiring replaced (for the run summary), or null when it had none. */
  replaced?: string | null;
}

export interface BackingWiring {
  name: string;
  kind: BackingKind;
  record: BackingRecord;
  version: string;
  port: number;
  auth: boolean;
  user: string | null;
  database: string | null;
  /** The server context the catalog renders from. */
  server: ServerContext;
  /** Services that depend on it, sorted. */
  usedBy: string[];
}

export interface Wiring {
  backing: Record<string, BackingWiring>;
  /** Per service, its variables sorted by name (PORT not included: it is the model's port). */
  services: Record<string, WiredVar[]>;
  /** What could not be wired, each with the flag that fixes it. */
  notes: string[];
}

// ---- reading names and values ---------------------------------------------------------

type Role = 'url' | 'jdbc' | 'host' | 'port' | 'user' | 'password' | 'database' | 'address';

const words = (name: string) => name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '::1', '[::1]']);
/** A host that inside a container is the app itself; '' is a URL without one (`postgres:///db`: libpq's local socket). */
const isLocalHost = (host: string | null | undefined): boolean => host === '' || (!!host && LOCAL_HOSTS.has(host));
const GENERIC_HINTS = new Set(['DB', 'DATABASE', 'SQL', 'BROKER', 'MQ', 'CACHE', 'SEARCH']);
/** libpq's own single-word variables. */
const PG_ROLES: Record<string, Role> = { PGHOST: 'host', PGPORT: 'port', PGUSER: 'user', PGPASSWORD: 'password', PGDATABASE: 'database' };

function roleOf(name: string, value: string | null): Role | null {
  const upper = name.toUpperCase();
  if (PG_ROLES[upper]) return PG_ROLES[upper]!;
  if (value && /^jdbc:/i.test(value)) return 'jdbc';
  if (value && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'url';
  const w = words(name);
  const last = w[w.length - 1] ?? '';
  const before = w[w.length - 2] ?? '';
  if (['URL', 'URI', 'DSN', 'CONNECTIONSTRING'].includes(last) || (last === 'STRING' && before === 'CONNECTION')) return 'url';
  if (name.startsWith('ConnectionStrings__')) return 'url';
  if (['HOST', 'HOSTNAME', 'SERVER'].includes(last)) return 'host';
  if (last === 'PORT') return 'port';
  if (['USER', 'USERNAME', 'LOGIN'].includes(last)) return 'user';
  if (['PASSWORD', 'PASS', 'PASSWD', 'PWD'].includes(last)) return 'password';
  if (['DATABASE', 'DB', 'DBNAME'].includes(last) || (last === 'NAME' && ['DB', 'DATABASE'].includes(before))) return 'database';
  if (['ADDR', 'ADDRESS', 'HOSTPORT', 'BROKERS', 'SERVERS', 'NODES', 'HOSTS'].includes(last)) return 'address';
  return null;
}

interface ParsedValue {
  scheme: string | null;
  host: string | null;
  /** The URL's path without the leading '/', '' when none. */
  path: string;
  search: string;
}

/** The host a value points at: a URL's hostname, a `host:port`'s host, or a bare host. */
function parseValue(value: string | null): ParsedValue | null {
  // A value over several lines, or with control characters, is text, not an address.
  if (value === null || value === '' || /[\u0000-\u001f\u007f]/.test(value)) return null;
  const url = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::\d+)?(\/[^?#]*)?(\?[^#]*)?/i.exec(value);
  if (url) return { scheme: url[1]!.toLowerCase(), host: url[2]!.toLowerCase(), path: (url[3] ?? '').replace(/^\//, ''), search: url[4] ?? '' };
  const hostPort = /^([A-Za-z0-9_.-]+|\[[^\]]+\])(?::\d+)?$/.exec(value.trim());
  if (hostPort) return { scheme: null, host: hostPort[1]!.toLowerCase(), path: '', search: '' };
  return null;
}

const SAFE_DATABASE = /^[A-Za-z0-9_-]{1,63}$/;

// ---- choosing the backing service a variable belongs to -------------------------------------

interface Candidate {
  name: string;
  role: Role;
  backing: string;
  /** The code's default, or null. */
  value: string | null;
}

/**
 * The backing service (among those the service depends on) a variable is about, or null.
 * A value naming a backing service's host wins; else the name's words must name one (a
 * specific hint such as MYSQL beats a generic one such as DB), and its value must be unknown
 * or local.
 */
function targetOf(model: StackModel, svc: ServiceModel, name: string, value: string | null, role: Role): string | null {
  const deps = [...new Set(svc.dependsOn)].filter((d) => d in model.backing).sort();
  if (!deps.length) return null;
  const parsed = parseValue(role === 'host' || role === 'address' || role === 'url' || role === 'jdbc' ? value : null);
  if (parsed?.host && deps.includes(parsed.host)) return parsed.host;
  if (value !== null && value !== '' && (role === 'host' || role === 'address' || role === 'url' || role === 'jdbc') && !isLocalHost(parsed?.host)) return null;
  const schemeTarget = parsed ? schemeKind(parsed.scheme) : null;
  const pool = schemeTarget ? deps.filter((d) => model.backing[d]!.kind === schemeTarget) : deps;
  if (schemeTarget && pool.length === 1) return pool[0]!;
  const w = new Set(words(name));
  if (PG_ROLES[name.toUpperCase()]) w.add('PG');
  const hints = (d: string) => new Set([...words(d), ...CATALOG[model.backing[d]!.kind].signals.hints]);
  const named = pool.filter((d) => [...w].some((x) => hints(d).has(x)));
  if (named.length === 1) return named[0]!;
  // ASP.NET Core's ConnectionStrings__<Name>: the one backing service a .NET client has a connection string for.
  if (!named.length && name.startsWith('ConnectionStrings__')) {
    const ado = pool.filter((d) => CATALOG[model.backing[d]!.kind].adoNet);
    return ado.length === 1 ? ado[0]! : null;
  }
  if (named.length > 1) {
    const specific = named.filter((d) => [...w].some((x) => hints(d).has(x) && !GENERIC_HINTS.has(x)));
    if (specific.length === 1) return specific[0]!;
    // DB_PASSWORD with postgres and redis: the one kind with databases.
    const databases = named.filter((d) => CATALOG[model.backing[d]!.kind].databases);
    return databases.length === 1 ? databases[0]! : null;
  }
  return null;
}

// ---- credentials -----------------------------------------------------------------------

/** Roles whose value carries the password. */
const carriesPassword = (r: BackingRecord, role: Role, language: Language) =>
  role === 'password' || (role === 'url' && (r.url !== undefined || CLIENT_FORMS[language]?.adoNet === true));

function candidates(model: StackModel, service: string): Candidate[] {
  const svc = model.services[service]!;
  const out: Candidate[] = [];
  for (const name of Object.keys(svc.env).sort()) {
    if (name === 'PORT' && svc.port !== null) continue;
    const value = svc.env[name]!.value;
    const role = roleOf(name, value);
    if (!role) continue;
    const backing = targetOf(model, svc, name, value, role);
    if (backing) out.push({ name, role, backing, value });
  }
  return out;
}

/** The names a framework reads by convention, per backing service the service depends on. */
function conventions(model: StackModel, svc: ServiceModel): { backing: string; framework: string }[] {
  const fw = svc.framework;
  if (!fw) return [];
  return [...new Set(svc.dependsOn)]
    .filter((d) => d in model.backing && CATALOG[model.backing[d]!.kind].framework?.[fw])
    .sort()
    .map((backing) => ({ backing, framework: fw }));
}

function decideBacking(model: StackModel, cands: Map<string, Candidate[]>): Record<string, BackingWiring> {
  const out: Record<string, BackingWiring> = {};
  for (const name of backingNames(model)) {
    const b = model.backing[name]!;
    const r = CATALOG[b.kind];
    const usedBy = serviceNames(model).filter((s) => model.services[s]!.dependsOn.includes(name));
    let auth = r.auth === 'always';
    if (r.auth === 'clients' && usedBy.length) {
      auth = usedBy.every((s) => {
        const svc = model.services[s]!;
        const own = (cands.get(s) ?? []).some((c) => c.backing === name && carriesPassword(r, c.role, svc.language));
        const byConvention = conventions(model, svc).some((c) => c.backing === name && conventionCarries(r, c.framework, name, b.version, svc));
        return own || byConvention;
      });
    }
    let database: string | null = null;
    if (r.databases) {
      for (const s of usedBy) {
        for (const c of cands.get(s) ?? []) {
          if (c.backing !== name || database) continue;
          if ((c.role === 'url' || c.role === 'jdbc') && c.value) {
            const p = parseValue(c.value.replace(/^jdbc:/i, ''));
            const db = p?.path.split('/')[0] ?? '';
            if (SAFE_DATABASE.test(db)) database = db;
          } else if (c.role === 'database' && c.value && SAFE_DATABASE.test(c.value)) database = c.value;
        }
      }
      database ??= model.name.replace(/-/g, '_');
    }
    const user = auth ? r.user : null;
    const server: ServerContext = { name, version: b.version, auth, user, database };
    out[name] = { name, kind: b.kind, record: r, version: b.version, port: r.port, auth, user, database, server, usedBy };
  }
  return out;
}

function ctxFor(r: BackingRecord, name: string, version: string, auth: boolean, svc: ServiceModel): ClientContext {
  return { name, version, auth, user: auth ? r.user : null, database: null, port: r.port, language: svc.language, framework: svc.framework };
}

function conventionCarries(r: BackingRecord, framework: string, name: string, version: string, svc: ServiceModel): boolean {
  const vars = r.framework![framework]!(ctxFor(r, name, version, true, svc));
  return Object.values(vars).some((v) => v.includes(PASSWORD));
}

// ---- values ------------------------------------------------------------------------------

/** Split a value holding PASSWORD into parts; a value without it stays literal. */
function toValue(text: string, backing: string): WiredValue {
  if (!text.includes(PASSWORD)) return { kind: 'literal', value: text };
  if (text === PASSWORD) return { kind: 'password', backing };
  const parts: Part[] = [];
  text.split(PASSWORD).forEach((piece, i) => {
    if (i > 0) parts.push({ password: backing });
    if (piece) parts.push(piece);
  });
  return { kind: 'connection', backing, parts };
}

function client(b: BackingWiring, svc: ServiceModel): ClientContext {
  return { ...b.server, port: b.port, language: svc.language, framework: svc.framework };
}

/** The URL a client gets: the client family's form, keeping the code's scheme, query and (for kinds without databases) path. */
function urlFor(b: BackingWiring, svc: ServiceModel, name: string, value: string | null): string {
  const r = b.record;
  const c = client(b, svc);
  const code = parseValue(value);
  if ((CLIENT_FORMS[svc.language]?.adoNet || name.startsWith('ConnectionStrings__')) && !code?.scheme && r.adoNet) return r.adoNet(c);
  if (CLIENT_FORMS[svc.language]?.mysqlDsn && !code?.scheme && (b.kind === 'mysql' || b.kind === 'mariadb')) return `${b.auth ? `${b.user}:${PASSWORD}@` : ''}tcp(${b.name}:${b.port})/${b.database}`;
  const scheme = code?.scheme && schemeKind(code.scheme) === b.kind ? code.scheme : null;
  const built = r.url(c, scheme);
  if (built === null) return r.address(c);
  let url = built;
  if (code) {
    if (!r.databases && code.path && !url.includes('/', url.indexOf('//') + 2)) url += `/${code.path}`;
    const extra = code.search.replace(/^\?/, '').split('&').filter((kv) => kv && !url.includes(kv.split('=')[0]! + '='));
    if (extra.length) url += `${url.includes('?') ? '&' : '?'}${extra.join('&')}`;
  }
  return url;
}

function valueFor(cand: Candidate, b: BackingWiring, svc: ServiceModel): string | null {
  const r = b.record;
  const c = client(b, svc);
  switch (cand.role) {
    case 'url':
      return urlFor(b, svc, cand.name, cand.value);
    case 'jdbc':
      return r.jdbcUrl ? r.jdbcUrl(c) : null;
    case 'host':
      return b.name;
    case 'port':
      return String(b.port);
    case 'address':
      return b.kind === 'elasticsearch' ? r.url(c, null) : r.address(c);
    case 'user':
      return b.user;
    case 'password':
      return b.auth ? PASSWORD : null;
    case 'database':
      return b.database;
  }
}

// ---- the whole wiring ----------------------------------------------------------------------

/** Names a developer's shell sets by itself: never passed through from it, never defaulted from it. */
export const SHELL_NAMES = new Set(['HOST', 'HOSTNAME', 'USER', 'USERNAME', 'HOME', 'PATH', 'PWD', 'OLDPWD', 'SHELL', 'LANG', 'TERM', 'LOGNAME', 'TMPDIR', 'EDITOR', 'DISPLAY', 'SHLVL', 'MAIL']);

export function wireStack(model: StackModel): Wiring {
  const cands = new Map(serviceNames(model).map((s) => [s, candidates(model, s)] as const));
  const backing = decideBacking(model, cands);
  const services: Record<string, WiredVar[]> = {};
  const notes: string[] = [];

  for (const service of serviceNames(model)) {
    const svc = model.services[service]!;
    const byName = new Map((cands.get(service) ?? []).map((c) => [c.name, c]));
    const vars: WiredVar[] = [];
    for (const name of Object.keys(svc.env).sort()) {
      if (name === 'PORT' && svc.port !== null) continue;
      const env = svc.env[name]!;
      const cand = byName.get(name);
      const b = cand ? backing[cand.backing]! : null;
      const wired = cand && b ? valueFor(cand, b, svc) : null;
      if (cand && b && wired !== null) {
        vars.push({ name, value: toValue(wired, b.name), backing: b.name, replaced: env.value });
        continue;
      }
      if (cand && b && cand.role === 'password' && !b.auth) {
        // The backing service runs without a password: an empty one is what the client must send.
        vars.push({ name, value: { kind: 'literal', value: '' }, backing: b.name, replaced: env.value });
        continue;
      }
      const role = roleOf(name, env.value);
      const among = role && (env.value === null || isLocal(env.value)) ? ambiguous(model, svc, name) : [];
      if (among.length > 1)
        notes.push(`${service}: ${name} could be about ${among.join(' or ')}, so it is not wired; give it its value yourself (secrets/${service}.env for Compose, the Secret or ConfigMap of ${service} on Kubernetes), or name the backing service in the variable (e.g. ${among[0]!.toUpperCase().replace(/-/g, '_')}_${words(name).pop()})`);
      const linkedKind = kindNamedBy(name, env.value);
      if (among.length <= 1 && role && linkedKind && (env.value === null || isLocal(env.value)) && !svc.dependsOn.some((d) => d in model.backing && backingMatches(model.backing[d]!.kind, linkedKind))) {
        const kind = linkedKind === 'sql' ? 'postgres' : linkedKind;
        notes.push(
          `${service}: ${name} names a ${linkedKind === 'sql' ? 'database' : kind} but ${service} depends on no such backing service, so it is not wired; add one: --set backing.${kind}.kind=${kind} --set ${service}.dependsOn=${[...svc.dependsOn, kind].join(',')}`,
        );
      }
      // A connection URL to a database that could not be wired will hold a password: a secret to fill in, never a ConfigMap value.
      const unwiredUrl = role === 'url' && env.value === null && linkedKind !== null;
      vars.push({ name, value: unwiredUrl && env.notSecret !== true ? { kind: 'secret', generate: 'empty' } : plainValue(name, env) });
    }
    for (const { backing: bn, framework } of conventions(model, svc)) {
      const b = backing[bn]!;
      const added = b.record.framework![framework]!(client(b, svc));
      for (const [name, text] of Object.entries(added).sort(([a], [c]) => (a < c ? -1 : 1))) {
        if (vars.some((v) => v.name === name)) continue;
        if (!b.auth && text.includes(PASSWORD)) continue;
        vars.push({ name, value: toValue(text, bn), backing: bn, convention: framework, replaced: null });
      }
    }
    vars.sort((a, c) => (a.name < c.name ? -1 : a.name > c.name ? 1 : 0));
    services[service] = vars;
  }
  return { backing, services, notes };
}

/** The backing services a variable's name could be about when it names more than one. */
function ambiguous(model: StackModel, svc: ServiceModel, name: string): string[] {
  const deps = [...new Set(svc.dependsOn)].filter((d) => d in model.backing).sort();
  const w = words(name);
  return deps.filter((d) => w.some((x) => CATALOG[model.backing[d]!.kind].signals.hints.includes(x) || words(d).includes(x)));
}

const isLocal = (value: string) => {
  const p = parseValue(value);
  return isLocalHost(p?.host);
};

/** The kind (or 'sql' for a generic database name) a variable's name or value ties it to. */
function kindNamedBy(name: string, value: string | null): BackingKind | 'sql' | null {
  const p = parseValue(value);
  const byScheme = p ? schemeKind(p.scheme) : null;
  if (byScheme) return byScheme;
  const byName = envNameKind(name.toUpperCase());
  if (byName) return byName;
  return /^(DATABASE|DB)_(URL|URI|HOST|DSN)$/.test(name.toUpperCase()) ? 'sql' : null;
}

const backingMatches = (kind: BackingKind, named: BackingKind | 'sql') =>
  named === 'sql' ? CATALOG[kind].databases : kind === named || (named === 'mysql' && kind === 'mariadb') || (named === 'mariadb' && kind === 'mysql');

/**
 * A variable not wired to a backing service: secret or not, by the one secret rule
 * (lib/model/secrets.ts: the flag, the name, the value), which Compose, kustomize and Helm
 * all follow because they all read this. A secret never keeps its value: a URL with a
 * password becomes a placeholder with CHANGE_ME in its place (the host is worth keeping),
 * anything else a random value or an empty one for the user to fill in. A variable the user
 * insists is not a secret (--not-secret) keeps its value.
 */
function plainValue(name: string, env: EnvLike): WiredValue {
  const value = env.value;
  if (!secretReason(name, env)) return value === null ? { kind: 'unset' } : { kind: 'literal', value };
  if (value !== null && hasUrlPassword(value) && !/[\s\u0000-\u001f]/.test(value)) {
    return { kind: 'secret', generate: 'placeholder', value: value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:)[^\s/@]+@/i, '$1CHANGE_ME@') };
  }
  const w = words(name);
  const last = w[w.length - 1] ?? '';
  // A value with parts (a URL, a connection string, a webhook) cannot be made up: the user fills it in.
  const urlLike = ['URL', 'URI', 'DSN', 'CONNSTR', 'CONNECTIONSTRING', 'WEBHOOK'].includes(last) || (w.includes('CONNECTION') && w.includes('STRING')) || (w.includes('CONN') && w.includes('STR')) || name.startsWith('ConnectionStrings__') || w.includes('WEBHOOK');
  return { kind: 'secret', generate: urlLike || value !== null ? 'empty' : 'random' };
}

/** The text of a value with each password written by `password(backing)`. */
export function joinParts(parts: Part[], password: (backing: string) => string, literal: (text: string) => string = (t) => t): string {
  return parts.map((p) => (typeof p === 'string' ? literal(p) : password(p.password))).join('');
}

/** True when a wired value holds a password or is a secret: it never goes into a tracked file. */
export const isSecretValue = (v: WiredValue) => v.kind === 'connection' || v.kind === 'password' || v.kind === 'secret';
