/**
 * Layers of answers, merged in a fixed order (later wins):
 *   detection < stored .yo-rc.json < --answers FILE < --set flags < named flags < prompts.
 * Every layer is a partial stack model, so an answers file looks like the
 * `generator-containerize` entry of .yo-rc.json.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DELIVERY_FIELDS } from './options.js';
import { CLUSTER_FIELDS, EXISTING_KINDS, OPTIONAL_SERVICE_FIELDS, type StackModel } from './types.js';
import { splitCommand } from './shell.js';
import { suggest, UsageError } from './usage.js';

export type Layer = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge; arrays and scalars replace; a `null` service or backing entry removes it. */
export function mergeLayers(...layers: Layer[]): Layer {
  const out: Layer = {};
  for (const layer of layers) deepAssign(out, layer, []);
  return out;
}

function deepAssign(target: Layer, source: Layer, path: string[]): void {
  for (const [key, value] of Object.entries(source)) {
    const removable = path.length === 1 && (path[0] === 'services' || path[0] === 'backing' || path[0] === 'existing' || path[0] === 'clusters');
    if (value === null && removable) {
      delete target[key];
    } else if (isObject(value)) {
      if (!isObject(target[key])) target[key] = {};
      deepAssign(target[key] as Layer, value, [...path, key]);
    } else {
      target[key] = Array.isArray(value) ? [...value] : value;
    }
  }
}

export { splitCommand };

/**
 * A port as a flag gives it: a number when the text is an integer (the model validator then
 * checks its range), null for none (`none`, `null`, empty: a worker), else the text itself, so
 * the validator names what was given (`"abc" is not a port`). Read by `--set <svc>.port` and
 * `containerize service --port`.
 */
export function portFromText(text: string): number | string | null {
  if (/^(none|null|)$/.test(text.trim())) return null;
  const n = Number(text);
  return Number.isInteger(n) ? n : text;
}

/** A --set mistake: the flag, what is wrong, an example of a good one (a usage error: exit status 2). */
export class SetError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'SetError';
  }
}

/**
 * The text of a flag as the type its model field has. Only the forms a command line needs
 * are read (a number, true/false, null, a command line, a comma list); anything else stays
 * text, and the model validator says what the field expects.
 */
function coerce(raw: string, field: string, text: string): unknown {
  if (text === 'null') return null;
  switch (field) {
    case 'port':
    case 'metricsPort':
      return portFromText(text);
    case 'public':
    case 'release':
    case 'secret':
    case 'previews':
    case 'blueGreen':
    case 'link':
    case 'notSecret':
    case 'ambassadorTls':
      if (text === 'true' || text === 'false') return text === 'true';
      return text;
    case 'start':
      if (!text.trim().startsWith('[')) return splitCommand(text);
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new SetError(`--set "${raw}": the start command is not a JSON list (${(error as Error).message}); give words, e.g. --set web.start="node server.js", or a JSON list, e.g. --set 'web.start=["node", "server.js"]'`);
      }
    case 'dependsOn':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return text;
  }
}

const TOP_LEVEL = ['name', 'registry'];
const BACKING_FIELDS = ['kind', 'version', 'staging', 'production', 'externalHost', 'externalIp', 'ambassadorTls'];
const EXISTING_FIELDS = ['path', 'link'];
const ENV_FIELDS = ['value', 'secret', 'notSecret'];

/**
 * The path a `--set` key addresses, checked against the model's fields: a
 * key that is not a field is an error naming the nearest one (`web.prot`:
 * did you mean "port"?). `web.port` is short for `services.web.port`.
 */
function setPath(raw: string, key: string): string[] {
  const parts = key.split('.');
  if (parts.some((p) => p === '')) throw new UsageError(`--set "${raw}" has an empty path segment`);
  const bad = (what: string, input: string, choices: readonly string[]) =>
    new UsageError(`--set "${raw}": "${input}" is not ${what}${suggest(input, choices)}`);
  const [head] = parts as [string, ...string[]];
  if (TOP_LEVEL.includes(head)) {
    if (parts.length > 1) throw new UsageError(`--set "${raw}": ${head} is a single value (--set ${head}=...)`);
    return parts;
  }
  if (head === 'schemaVersion') throw new UsageError(`--set "${raw}": schemaVersion is written by the generator, not set`);
  if (head === 'backing') {
    if (parts.length === 2) return parts; // backing.<name>=null
    if (parts.length !== 3) throw new UsageError(`--set "${raw}" must look like backing.<name>.<${BACKING_FIELDS.join('|')}>=<value>`);
    if (!BACKING_FIELDS.includes(parts[2]!)) throw bad('a field of a backing service', parts[2]!, BACKING_FIELDS);
    return parts;
  }
  if (head === 'clusters') {
    if (parts.length === 2) return parts; // clusters.<name>=null
    if (parts.length !== 3) throw new UsageError(`--set "${raw}" must look like clusters.<name>.<${CLUSTER_FIELDS.join('|')}>=<value>`);
    if (!(CLUSTER_FIELDS as readonly string[]).includes(parts[2]!)) throw bad('a cluster field', parts[2]!, CLUSTER_FIELDS);
    return parts;
  }
  if (head === 'delivery') {
    if (parts.length !== 2) throw new UsageError(`--set "${raw}" must look like delivery.<${DELIVERY_FIELDS.join('|')}>=<value>`);
    if (!DELIVERY_FIELDS.includes(parts[1]!)) throw bad('a delivery field', parts[1]!, DELIVERY_FIELDS);
    return parts;
  }
  if (head === 'existing') {
    if (parts.length < 2 || parts.length > 3) throw new UsageError(`--set "${raw}" must look like existing.<${EXISTING_KINDS.join('|')}>.<${EXISTING_FIELDS.join('|')}>=<value>`);
    if (!EXISTING_KINDS.includes(parts[1] as never)) throw bad('a kind of existing file', parts[1]!, EXISTING_KINDS);
    if (parts.length === 3 && !EXISTING_FIELDS.includes(parts[2]!)) throw bad('a field of an existing file', parts[2]!, EXISTING_FIELDS);
    return parts;
  }
  const path = head === 'services' ? parts : ['services', ...parts];
  if (path.length === 2) return path; // services.<name>=null
  const field = path[2]!;
  if (!SERVICE_KEY_ORDER.includes(field))
    throw bad('a service field', field, head === 'services' ? SERVICE_KEY_ORDER : [...SERVICE_KEY_ORDER, ...TOP_LEVEL, 'backing', 'existing', 'delivery', 'clusters']);
  if (field === 'env') {
    if (path.length !== 4 && path.length !== 5) throw new UsageError(`--set "${raw}" must look like ${path[1]}.env.<NAME>=<value> or ${path[1]}.env.<NAME>.<${ENV_FIELDS.join('|')}>=<value>`);
    if (path.length === 5 && !ENV_FIELDS.includes(path[4]!)) throw bad('a field of an environment variable', path[4]!, ENV_FIELDS);
    return path;
  }
  if (path.length !== 3) throw new UsageError(`--set "${raw}": ${path[1]}.${field} is a single value (--set ${path[1]}.${field}=...)`);
  return path;
}

/**
 * `--set` assignments as a layer. `web.port=3000` addresses services.web.port;
 * `backing.redis.version=7`, `registry=ghcr.io/acme`, `services.web.public=true`
 * and `existing.makefile.link=true` work too. An unknown field is an error.
 * `web.env.LOG_LEVEL=debug` sets a variable's value as plain text ({value, secret: false});
 * `web=null` removes a service.
 */
export function setsToLayer(assignments: string[]): Layer {
  const layer: Layer = {};
  for (const raw of assignments) {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set "${raw}" must look like <path>=<value>, e.g. --set web.port=3000`);
    const path = setPath(raw, raw.slice(0, eq));
    const text = raw.slice(eq + 1);
    if (path[0] === 'clusters' && path.length === 2 && text !== 'null')
      throw new SetError(`--set "${raw}" names no field of cluster "${path[1]}"; e.g. --set clusters.${path[1]}.region=europe-west1 (--clusters ${path[1]} adds it with its defaults, --set clusters.${path[1]}=null removes it)`);
    const group = path[0] === 'services' ? 'service' : path[0] === 'backing' ? 'backing service' : null;
    if (path.length === 2 && group && text !== 'null')
      throw new SetError(`--set "${raw}" names no field of ${group} "${path[1]}"; e.g. --set ${group === 'service' ? `${path[1]}.port=3000` : `backing.${path[1]}.version=7`} (or --set ${group === 'service' ? '' : 'backing.'}${path[1]}=null to remove it)`);
    let value: unknown;
    if (path.length === 2 && text === 'null') value = null;
    else if (path[0] === 'services' && path.length === 4 && path[2] === 'env') value = { value: text === 'null' ? null : text, secret: false };
    else value = coerce(raw, path[path.length - 1]!, text);
    let node = layer;
    for (const seg of path.slice(0, -1)) {
      if (!isObject(node[seg])) node[seg] = {};
      node = node[seg] as Layer;
    }
    node[path[path.length - 1]!] = value;
  }
  return layer;
}

/**
 * A `--set` on a service or backing service that is neither in the model nor
 * created by the same flags is a typo: an error naming the nearest one.
 * (A new service needs at least its path: `--set admin.path=admin ...`; a new
 * backing service its kind. Adding one is what `containerize service` is for.)
 */
export function checkSetTargets(sets: Layer, model: Layer, raw: string[] = []): void {
  for (const group of ['services', 'backing'] as const) {
    const known = Object.keys((model[group] ?? {}) as Layer);
    const creates = group === 'services' ? 'path' : 'kind';
    for (const [name, value] of Object.entries((sets[group] ?? {}) as Layer)) {
      // A new process of a folder is created by its imageFrom (its path and image are its owner's).
      if (known.includes(name) || (isObject(value) && (value[creates] !== undefined || (group === 'services' && value.imageFrom !== undefined)))) continue;
      const what = group === 'services' ? 'service' : 'backing service';
      const prefixes = group === 'services' ? [`${name}.`, `${name}=`, `services.${name}.`, `services.${name}=`] : [`backing.${name}.`, `backing.${name}=`];
      const flag = raw.find((r) => prefixes.some((p) => r.startsWith(p))) ?? `${group}.${name}...`;
      throw new UsageError(
        `--set ${flag}: there is no ${what} "${name}"${suggest(name, known)}` +
          ` (to add one: containerize service ${name}${group === 'backing' ? ' --kind <kind>' : ''})`,
      );
    }
  }
}

/**
 * `--not-secret <service>.<NAME>` flags as a layer: the user insists those variables are not
 * secrets although their names or values look like ones, so their values are written as given.
 */
export function notSecretLayer(flags: string[]): Layer {
  const services: Record<string, Layer> = {};
  for (const raw of flags) {
    const m = /^([^.=\s]+)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(raw);
    if (!m) throw new SetError(`--not-secret "${raw}" must name a service and a variable, e.g. --not-secret web.AUTH_MODE`);
    const env = ((services[m[1]!] ??= { env: {} }).env as Layer);
    env[m[2]!] = { secret: false, notSecret: true };
  }
  return Object.keys(services).length ? { services } : {};
}

/** Read an answers file (YAML or JSON; YAML is a superset). */
export function readAnswersFile(file: string): Layer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`--answers ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new Error(`--answers ${file}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isObject(parsed)) throw new Error(`--answers ${file}: must hold a mapping like the generator-containerize entry of .yo-rc.json`);
  const layer = { ...parsed };
  // Accept the whole .yo-rc.json too.
  if (isObject(layer['generator-containerize'])) return normaliseLayer(layer['generator-containerize']);
  return normaliseLayer(layer);
}

/** Let humans write `start: node server.js` in answers files. */
function normaliseLayer(layer: Layer): Layer {
  const services = layer.services;
  if (isObject(services)) {
    for (const svc of Object.values(services)) {
      if (isObject(svc) && typeof svc.start === 'string') svc.start = splitCommand(svc.start);
    }
  }
  return layer;
}

/** The service fields that may be empty, with their empty values. */
const OPTIONAL_FIELDS: Record<string, () => unknown> = {
  framework: () => null,
  packageManager: () => null,
  lockfile: () => null,
  build: () => null,
  healthPath: () => null,
  public: () => false,
  env: () => ({}),
  dependsOn: () => [],
  entry: () => null,
  outputDir: () => null,
  dockerfile: () => null,
};

/**
 * A merged layer with every service's optional fields that no layer gave set to empty (a
 * service added with --set alone names its path, language, version, port and start). Fields
 * given with the wrong type are left for the model validator to refuse.
 */
export function withServiceDefaults(layer: Layer): Layer {
  if (!isObject(layer.services)) return layer;
  const services = Object.fromEntries(
    Object.entries(layer.services).map(([name, svc]) => {
      if (!isObject(svc)) return [name, svc];
      const filled = { ...svc };
      for (const [field, empty] of Object.entries(OPTIONAL_FIELDS)) if (filled[field] === undefined) filled[field] = empty();
      return [name, filled];
    }),
  );
  return { ...layer, services };
}

/** Key order of a stored model, so .yo-rc.json reads the same every time. */
const SERVICE_KEY_ORDER = [
  'path',
  'language',
  'languageVersion',
  'framework',
  'packageManager',
  'lockfile',
  'port',
  'start',
  'build',
  'healthPath',
  'public',
  'env',
  'dependsOn',
  'entry',
  'outputDir',
  'dockerfile',
  ...OPTIONAL_SERVICE_FIELDS,
];

const sortKeys = <T>(obj: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]!]));

/** The model with deterministic key order (services and backing sorted by name). */
export function canonical(model: StackModel): StackModel {
  const services = Object.fromEntries(
    Object.keys(model.services)
      .sort()
      .map((name) => {
        const svc = model.services[name] as unknown as Record<string, unknown>;
        const ordered: Record<string, unknown> = {};
        // An optional field that is null is absent: it is not stored.
        for (const key of SERVICE_KEY_ORDER) if (key in svc && !(svc[key] == null && (OPTIONAL_SERVICE_FIELDS as readonly string[]).includes(key))) ordered[key] = key === 'env' ? sortKeys(svc.env as Record<string, unknown>) : svc[key];
        for (const key of Object.keys(svc).sort()) if (!(key in ordered) && !(OPTIONAL_SERVICE_FIELDS as readonly string[]).includes(key)) ordered[key] = svc[key];
        return [name, ordered];
      }),
  ) as unknown as StackModel['services'];
  const existing = Object.fromEntries(
    Object.keys(model.existing ?? {})
      .sort()
      .map((kind) => {
        const file = (model.existing as Record<string, { path: string; link?: boolean }>)[kind]!;
        return [kind, { path: file.path, ...(file.link !== undefined ? { link: file.link } : {}) }];
      }),
  );
  return {
    schemaVersion: model.schemaVersion,
    name: model.name,
    registry: model.registry,
    services,
    backing: sortKeys(model.backing),
    ...(model.delivery && Object.keys(model.delivery).length > 0 ? { delivery: sortKeys(model.delivery as Record<string, unknown>) } : {}),
    ...(Object.keys(existing).length ? { existing } : {}),
    ...(model.clusters && Object.keys(model.clusters).length ? { clusters: Object.fromEntries(Object.keys(model.clusters).sort().map((n) => [n, sortKeys(model.clusters![n] as Record<string, unknown>)])) } : {}),
  };
}
