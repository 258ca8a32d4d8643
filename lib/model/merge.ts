/**
 * Layers of answers, merged in a fixed order (later wins):
 *   detection < stored .yo-rc.json < --answers FILE < --set flags < named flags < prompts.
 * Every layer is a partial stack model, so an answers file looks like the
 * `generator-containerize` entry of .yo-rc.json.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { StackModel } from './types.js';

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
    const removable = path.length === 1 && (path[0] === 'services' || path[0] === 'backing');
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

/** Split a command line into exec-form words, honouring single and double quotes. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]!));
  return words;
}

/** Coerce a flag's text to the type its model field has. */
function coerce(field: string, text: string): unknown {
  if (text === 'null') return null;
  switch (field) {
    case 'port': {
      const n = Number(text);
      return Number.isInteger(n) ? n : text; // validation reports a non-number later
    }
    case 'public':
    case 'secret':
    case 'previews':
      if (text === 'true' || text === 'false') return text === 'true';
      return text;
    case 'start':
      return text.trim().startsWith('[') ? JSON.parse(text) : splitCommand(text);
    case 'dependsOn':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return text;
  }
}

const TOP_LEVEL = new Set(['name', 'registry', 'schemaVersion', 'delivery']);

/**
 * `--set` assignments as a layer. `web.port=3000` addresses services.web.port;
 * `backing.redis.version=7`, `registry=ghcr.io/acme` and `services.web.public=true` work too.
 */
export function setsToLayer(assignments: string[]): Layer {
  const layer: Layer = {};
  for (const raw of assignments) {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new Error(`--set "${raw}" must look like <path>=<value>, e.g. web.port=3000`);
    let path = raw.slice(0, eq).split('.');
    const text = raw.slice(eq + 1);
    if (path.some((p) => p === '')) throw new Error(`--set "${raw}" has an empty path segment`);
    if (!TOP_LEVEL.has(path[0]!) && path[0] !== 'services' && path[0] !== 'backing') path = ['services', ...path];
    const value = path.length === 2 && text === 'null' ? null : coerce(path[path.length - 1]!, text);
    let node = layer;
    for (const seg of path.slice(0, -1)) {
      if (!isObject(node[seg])) node[seg] = {};
      node = node[seg] as Layer;
    }
    node[path[path.length - 1]!] = value;
  }
  return layer;
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
        for (const key of SERVICE_KEY_ORDER) if (key in svc) ordered[key] = key === 'env' ? sortKeys(svc.env as Record<string, unknown>) : svc[key];
        for (const key of Object.keys(svc).sort()) if (!(key in ordered)) ordered[key] = svc[key];
        return [name, ordered];
      }),
  ) as unknown as StackModel['services'];
  return {
    schemaVersion: model.schemaVersion,
    name: model.name,
    registry: model.registry,
    services,
    backing: sortKeys(model.backing),
    ...(model.delivery && Object.keys(model.delivery).length > 0 ? { delivery: sortKeys(model.delivery as Record<string, unknown>) } : {}),
  };
}
