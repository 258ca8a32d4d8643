/**
 * Compose validation: the compose-spec JSON schema plus the reference checks
 * the schema cannot express (depends_on targets, declared volumes, secrets and
 * networks, files that must exist, no literal secrets, loopback-only ports).
 *
 * Two entry points:
 * - `checkComposeReferences(doc, options)` needs only runtime dependencies
 *   (yaml); the compose stage runs it on every render, so a template bug can
 *   never reach the user's tree.
 * - `validateCompose(text | texts, options)` adds the schema. The schema ships
 *   in the npm package dclint, a devDependency: it is resolved lazily, on the
 *   first call, so importing this module never needs it. Tests call it on every
 *   generated Compose file of every scenario, alone and merged with the dev layer.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { hasUrlPassword, isSecretName, secretValueReason } from '../model/secrets.js';

export { hasUrlPassword };
import type { OutputFile } from '../render/types.js';

export interface ComposeCheckOptions {
  /**
   * The files rendered in the same run (paths relative to the repository root,
   * where compose.yaml lives). A file referenced by `secrets.*.file` or
   * `env_file` must be one of them, or be documented as user-created: named in
   * the README.md of its folder (e.g. secrets/README.md names secrets/db-password).
   */
  files?: OutputFile[];
  /** Env names the model marks secret, in addition to names that look secret. */
  secretNames?: Iterable<string>;
  /** `<service>.<NAME>` of variables the user insists are not secrets (--not-secret): their literal values are allowed. */
  plainNames?: Iterable<string>;
  /** Label used in messages (default: compose.yaml). */
  label?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- secrets: what counts as a literal secret ---------------------------------


/** True when an env value is a plain interpolation that carries no default: `${NAME}`, `${NAME:?msg}`, `${NAME?msg}`. */
const isBareInterpolation = (value: string): boolean => /^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?\?)[^}]*)?\}$/.test(value);

/** Interpolations in a value, with their defaults: `${X:-d}` → {name: X, fallback: d}. */
function interpolations(value: string): { name: string; fallback: string | null }[] {
  const out: { name: string; fallback: string | null }[] = [];
  const re = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}/g;
  for (const m of value.matchAll(re)) {
    const op = m[2];
    out.push({ name: m[1]!, fallback: op === '-' || op === ':-' ? (m[3] ?? '') : null });
  }
  return out;
}

/** The value with interpolations replaced by their defaults: what the container sees without a .env. */
function withDefaults(value: string): string {
  return value.replace(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}/g, (_m, _n, op, d) =>
    op === '-' || op === ':-' ? (d ?? '') : '',
  );
}

/**
 * A switch about a secret rather than a secret (MYSQL_RANDOM_ROOT_PASSWORD=yes,
 * MYSQL_ALLOW_EMPTY_PASSWORD=1): a qualifying word in the name and a flag value.
 */
const isSecretSwitch = (name: string, value: string): boolean =>
  /(?:^|_)(?:RANDOM|ALLOW|EMPTY|SKIP|GENERATE|REQUIRE|REQUIRED)(?:_|$)/.test(name.toUpperCase()) && /^(?:yes|no|true|false|1|0)$/i.test(value);

/** Problems with one `NAME: value` of a service's environment (or build args); `plain`: the user insists it is not a secret. */
function checkEnvValue(where: string, name: string, value: unknown, secretNames: Set<string>, plain = false): string[] {
  if (value === null || value === undefined || typeof value !== 'string' || value === '') return [];
  if (plain) return [];
  const problems: string[] = [];
  const secret = (secretNames.has(name) || isSecretName(name)) && !isSecretSwitch(name, value);
  if (secret && !isBareInterpolation(value)) problems.push(`${where}.${name}: literal value for a secret (use a Compose secret or an env_file)`);
  for (const i of interpolations(value)) {
    if (i.fallback && (secretNames.has(i.name) || isSecretName(i.name)) && !secret)
      problems.push(`${where}.${name}: interpolation of secret \${${i.name}} has a literal default`);
  }
  if (hasUrlPassword(withDefaults(value))) problems.push(`${where}.${name}: URL with a literal password`);
  // An identifier (Kafka's CLUSTER_ID) may look random without being a secret.
  else if (!secret && !/(?:^|_)ID$/i.test(name)) {
    const why = secretValueReason(withDefaults(value).replace(/\$\$/g, '$'));
    if (why) problems.push(`${where}.${name}: literal value that looks like a secret (${why})`);
  }
  return problems;
}

/** Entries of an environment given as a mapping or a `NAME=value` list. */
export function envEntries(env: unknown): [string, unknown][] {
  if (isObj(env)) return Object.entries(env);
  if (Array.isArray(env))
    return env.map((e) => {
      const s = String(e);
      const eq = s.indexOf('=');
      return eq < 0 ? [s, null] : [s.slice(0, eq), s.slice(eq + 1)];
    });
  return [];
}

/** Problems in a dotenv-style file (.env.example): a secret-looking name must have an empty value. */
export function checkEnvExample(text: string, secretNames: Iterable<string> = [], label = '.env.example', plainKeys: Iterable<string> = []): string[] {
  const secrets = new Set(secretNames);
  const plain = new Set(plainKeys);
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) return;
    const [, name, value] = m as unknown as [string, string, string];
    const v = value.trim().replace(/^(['"])(.*)\1$/, '$2');
    if (plain.has(name)) return;
    if (v && (secrets.has(name) || isSecretName(name))) problems.push(`${label}:${i + 1}: ${name} is a secret and has a value`);
    if (hasUrlPassword(v)) problems.push(`${label}:${i + 1}: ${name} holds a URL with a password`);
    else if (v && secretValueReason(v)) problems.push(`${label}:${i + 1}: ${name} holds a value that looks like a secret (${secretValueReason(v)})`);
  });
  return problems;
}

// ---- ports --------------------------------------------------------------------

/** Problems with one `ports` entry: it must be published on 127.0.0.1 only. */
function checkPort(where: string, port: unknown): string[] {
  if (typeof port === 'number') return [`${where}: "${port}" publishes a random host port on every interface; bind 127.0.0.1`];
  if (typeof port === 'string') {
    // [ip:][host:]container[/proto]; IPv6 ip in brackets.
    const m = /^(?:(\[[^\]]+\]|[0-9.]+|\$\{[^}]+\}):)?(?:([^:]*):)?([^:]+)$/.exec(port);
    if (!m) return [`${where}: cannot parse "${port}"`];
    const [, ip, host] = m;
    if (host === undefined && ip === undefined) return [`${where}: "${port}" publishes on every interface; bind 127.0.0.1`];
    if (host === undefined && ip !== undefined && !/[.[]/.test(ip)) return [`${where}: "${port}" publishes on every interface; bind 127.0.0.1`];
    if (ip !== '127.0.0.1') return [`${where}: "${port}" is not bound to 127.0.0.1`];
    return [];
  }
  if (isObj(port)) {
    if (port.host_ip !== '127.0.0.1') return [`${where}: host_ip is ${JSON.stringify(port.host_ip ?? null)}, not 127.0.0.1`];
    return [];
  }
  return [`${where}: unexpected port ${JSON.stringify(port)}`];
}

// ---- files --------------------------------------------------------------------

/** Check that a file path referenced from compose.yaml is rendered or documented as user-created. */
function checkFileRef(where: string, path: unknown, files: OutputFile[] | undefined): string[] {
  if (typeof path !== 'string' || path === '') return [`${where}: missing path`];
  if (path.startsWith('/') || path.startsWith('~')) return [`${where}: "${path}" is absolute; use a path relative to the project`];
  if (!files) return [];
  const rel = posix.normalize(path);
  if (rel.startsWith('..')) return [`${where}: "${path}" is outside the project`];
  if (files.some((f) => f.path === rel)) return [];
  const readme = files.find((f) => f.path === posix.join(posix.dirname(rel), 'README.md'));
  if (readme && readme.content.includes(rel)) return [];
  return [`${where}: "${path}" is neither generated nor documented as user-created in ${posix.join(posix.dirname(rel), 'README.md')}`];
}

// ---- references ---------------------------------------------------------------

function dependsOnEntries(dep: unknown): [string, Obj][] {
  if (Array.isArray(dep)) return dep.map((d) => [String(d), { condition: 'service_started' }]);
  if (isObj(dep)) return Object.entries(dep).map(([k, v]) => [k, isObj(v) ? v : {}]);
  return [];
}

const hasHealthcheck = (svc: Obj): boolean => {
  const hc = svc.healthcheck;
  if (!isObj(hc) || hc.disable === true) return false;
  const test = hc.test;
  if (Array.isArray(test)) return test.length > 0 && test[0] !== 'NONE';
  return typeof test === 'string' && test !== '';
};

/** A named volume in a service `volumes` entry, or null for binds, anonymous volumes and tmpfs. */
function namedVolume(entry: unknown): string | null {
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    if (parts.length < 2) return null; // anonymous volume
    const src = parts[0]!;
    return /^[.~/$]/.test(src) ? null : src;
  }
  if (isObj(entry) && (entry.type ?? 'volume') === 'volume' && typeof entry.source === 'string' && entry.source !== '') return entry.source;
  return null;
}

/**
 * Reference checks on a parsed (and, for several files, merged) Compose
 * document. Returns problems, empty when all is well.
 */
export function checkComposeReferences(doc: unknown, options: ComposeCheckOptions = {}): string[] {
  const label = options.label ?? 'compose.yaml';
  const secretNames = new Set(options.secretNames ?? []);
  const plainNames = new Set(options.plainNames ?? []);
  if (!isObj(doc)) return [`${label}: not a mapping`];
  const problems: string[] = [];
  const services = isObj(doc.services) ? doc.services : {};
  const volumes = isObj(doc.volumes) ? doc.volumes : {};
  const secrets = isObj(doc.secrets) ? doc.secrets : {};
  const networks = isObj(doc.networks) ? doc.networks : {};
  const usedVolumes = new Set<string>();
  const usedSecrets = new Set<string>();

  for (const [name, raw] of Object.entries(services)) {
    const at = `${label}: services.${name}`;
    if (!isObj(raw)) {
      problems.push(`${at}: not a mapping`);
      continue;
    }
    const svc = raw;
    if (svc.image === undefined && svc.build === undefined) problems.push(`${at}: has neither image nor build`);

    for (const [target, dep] of dependsOnEntries(svc.depends_on)) {
      const other = services[target];
      if (!isObj(other)) {
        problems.push(`${at}.depends_on: "${target}" is not a service`);
        continue;
      }
      if (dep.condition === 'service_healthy' && !hasHealthcheck(other))
        problems.push(`${at}.depends_on.${target}: condition service_healthy, but "${target}" has no healthcheck`);
      if (Array.isArray(other.profiles) && other.profiles.length && !(Array.isArray(svc.profiles) && svc.profiles.length))
        problems.push(`${at}.depends_on: "${target}" only runs under a profile`);
    }

    for (const [i, v] of (Array.isArray(svc.volumes) ? svc.volumes : []).entries()) {
      const vol = namedVolume(v);
      if (vol === null) continue;
      usedVolumes.add(vol);
      if (!(vol in volumes)) problems.push(`${at}.volumes[${i}]: named volume "${vol}" is not declared under top-level volumes`);
    }

    for (const [i, s] of (Array.isArray(svc.secrets) ? svc.secrets : []).entries()) {
      const ref = typeof s === 'string' ? s : isObj(s) ? s.source : undefined;
      if (typeof ref !== 'string') {
        problems.push(`${at}.secrets[${i}]: no source`);
        continue;
      }
      usedSecrets.add(ref);
      if (!(ref in secrets)) problems.push(`${at}.secrets[${i}]: secret "${ref}" is not declared under top-level secrets`);
    }

    const nets = Array.isArray(svc.networks) ? svc.networks.map(String) : isObj(svc.networks) ? Object.keys(svc.networks) : [];
    for (const n of nets) if (n !== 'default' && !(n in networks)) problems.push(`${at}.networks: network "${n}" is not declared under top-level networks`);

    const envFiles = svc.env_file === undefined ? [] : Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file];
    for (const [i, f] of envFiles.entries()) {
      if (isObj(f) && f.required === false) continue;
      problems.push(...checkFileRef(`${at}.env_file[${i}]`, isObj(f) ? f.path : f, options.files));
    }

    for (const [k, v] of envEntries(svc.environment)) problems.push(...checkEnvValue(`${at}.environment`, k, v, secretNames, plainNames.has(`${name}.${k}`)));
    if (isObj(svc.build)) for (const [k, v] of envEntries(svc.build.args)) problems.push(...checkEnvValue(`${at}.build.args`, k, v, secretNames));

    for (const [i, p] of (Array.isArray(svc.ports) ? svc.ports : []).entries()) problems.push(...checkPort(`${at}.ports[${i}]`, p));
  }

  for (const [name, s] of Object.entries(secrets)) {
    const at = `${label}: secrets.${name}`;
    if (!isObj(s)) continue;
    if (typeof s.file === 'string') problems.push(...checkFileRef(`${at}.file`, s.file, options.files));
    if (!usedSecrets.has(name)) problems.push(`${at}: declared but used by no service`);
  }
  for (const name of Object.keys(volumes)) if (!usedVolumes.has(name)) problems.push(`${label}: volumes.${name}: declared but used by no service`);

  problems.push(...dependencyCycles(services).map((c) => `${label}: depends_on cycle ${c.join(' → ')}`));
  return problems;
}

function dependencyCycles(services: Obj): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(name)), name]);
      return;
    }
    state.set(name, 'visiting');
    const svc = services[name];
    for (const [dep] of isObj(svc) ? dependsOnEntries(svc.depends_on) : []) if (dep in services) visit(dep, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(services).sort()) visit(name, []);
  return cycles;
}

// ---- merging several files (compose.yaml + compose.override.yaml) ---------------

/** Keys whose sequence value is replaced, not merged, by a later file. */
const REPLACED = new Set(['command', 'entrypoint', 'test']);
/** Service keys given as a list or a mapping, normalised to a mapping before merging. */
const MAPPING_LIKE = new Set(['environment', 'labels', 'depends_on', 'annotations']);

function normaliseService(svc: Obj): Obj {
  const out: Obj = { ...svc };
  for (const key of MAPPING_LIKE) {
    if (!Array.isArray(out[key])) continue;
    out[key] =
      key === 'depends_on'
        ? Object.fromEntries(dependsOnEntries(out[key]))
        : Object.fromEntries(envEntries(out[key]));
  }
  return out;
}

const volumeTarget = (v: unknown): string => {
  if (typeof v === 'string') {
    const parts = v.split(':');
    return parts.length === 1 ? parts[0]! : parts[1]!;
  }
  return isObj(v) ? String(v.target) : JSON.stringify(v);
};

function mergeValue(key: string, base: unknown, over: unknown): unknown {
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeValue(k, base[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    if (REPLACED.has(key)) return over;
    if (key === 'volumes') {
      const targets = new Set(over.map(volumeTarget));
      return [...base.filter((v) => !targets.has(volumeTarget(v))), ...over];
    }
    const seen = new Set(base.map((v) => JSON.stringify(v)));
    return [...base, ...over.filter((v) => !seen.has(JSON.stringify(v)))];
  }
  return over;
}

/** Merge Compose documents the way `docker compose -f a -f b` does, for the keys our files use. */
export function mergeCompose(...docs: unknown[]): Obj {
  let out: Obj = {};
  for (const doc of docs) {
    if (!isObj(doc)) continue;
    const d: Obj = { ...doc };
    if (isObj(d.services))
      d.services = Object.fromEntries(Object.entries(d.services).map(([k, v]) => [k, isObj(v) ? normaliseService(v) : v]));
    out = mergeValue('', out, d) as Obj;
  }
  return out;
}

// ---- the schema -----------------------------------------------------------------

let schemaValidator: ValidateFunction | undefined;

/** Path of the compose-spec schema shipped by dclint (a devDependency: tests only). */
export function composeSchemaPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
}

function validator(): ValidateFunction {
  if (schemaValidator) return schemaValidator;
  const schema = JSON.parse(readFileSync(composeSchemaPath(), 'utf8')) as Obj;
  // The schema is draft-07 (Ajv's default draft; Ajv also knows its `deprecated`
  // annotation) but names its meta-schema with https and no '#', which Ajv does not resolve.
  delete schema.$schema;
  // strictSchema rejects unknown keywords; the type-strictness checks are lint for schema authors, which this schema does not follow.
  // Ajv is loaded here, on the first schema check (tests), never by a run of the generator
  // (the compose and dev stages import this module for the reference checks only).
  const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
  const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
  schemaValidator = ajv.compile(schema);
  return schemaValidator;
}

/** The schema's errors for one document, one line each. */
export function schemaProblems(doc: unknown, label = 'compose.yaml'): string[] {
  const validate = validator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
    return `${label}: ${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}

/**
 * Validate one Compose file, or several merged in order (base first), against
 * the compose-spec schema and the reference checks. Each file is also checked
 * against the schema on its own. Returns problems, empty when valid.
 */
export function validateCompose(yamlText: string | string[], options: ComposeCheckOptions = {}): string[] {
  const texts = Array.isArray(yamlText) ? yamlText : [yamlText];
  const label = options.label ?? 'compose.yaml';
  const problems: string[] = [];
  const docs: unknown[] = [];
  texts.forEach((text, i) => {
    const fileLabel = texts.length > 1 ? `${label}[${i}]` : label;
    let doc: unknown;
    try {
      doc = parse(text, { uniqueKeys: true });
    } catch (error) {
      problems.push(`${fileLabel}: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    problems.push(...schemaProblems(doc, fileLabel));
    docs.push(doc);
  });
  if (problems.length) return problems;
  const merged = docs.length === 1 ? docs[0] : mergeCompose(...docs);
  if (docs.length > 1) problems.push(...schemaProblems(merged, `${label} (merged)`));
  problems.push(...checkComposeReferences(merged, options));
  return problems;
}
