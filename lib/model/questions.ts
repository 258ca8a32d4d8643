/**
 * The questions, as data. Each question fills one model field and is also a
 * flag: `--name`, `--registry`, or `--set <service>.<field>=<value>` for a
 * service field. A question is asked only when its field is neither answered
 * (stored in .yo-rc.json, given in --answers/--set/flags) nor settled by
 * detection with real evidence; `--ask-answered` asks them all again with the
 * current values as defaults. `--yes` asks nothing.
 */
import { CATALOG } from '../catalog/index.js';
import { kinds } from './kinds.js';
import { checkDeliveryValue, DELIVERY_OPTIONS } from './options.js';
import { type BackingKind, PLACEMENT_ENVIRONMENTS, PLACEMENTS } from './types.js';
import { splitCommand, type Layer } from './merge.js';

export interface Question {
  type: 'input' | 'confirm' | 'checkbox';
  name: string;
  message: string;
  default?: unknown;
  choices?: { name: string; value: string; checked: boolean }[];
  validate?: (input: unknown) => true | string;
  /** How the answer lands in the model. */
  field: string;
}

interface Context {
  merged: Layer;
  answered: Layer;
  /** Where each detected service field came from (service → field → "file:line", "default" or "unknown"): detection's evidence, passed in so the model does not import detection. */
  evidence?: Record<string, Record<string, string>>;
  askAnswered: boolean;
}

type Svc = Record<string, unknown>;
const services = (l: Layer): Record<string, Svc> => (l.services ?? {}) as Record<string, Svc>;
const asValidate = (check: (v: unknown) => string | null) => (input: unknown) => check(input) ?? true;

/** A detected value is settled when it came from a file, not from a default or a guess. */
function settled(ctx: Context, service: string, field: string): boolean {
  const source = ctx.evidence?.[service]?.[field];
  return source !== undefined && source !== 'default' && source !== 'unknown';
}

const isAnswered = (ctx: Context, service: string, field: string) => services(ctx.answered)[service]?.[field] !== undefined;

const parsePort = (input: unknown): number | null | string => {
  const text = String(input ?? '').trim();
  if (text === '' || text === 'none' || text === 'null') return null;
  return Number.isInteger(Number(text)) ? Number(text) : text;
};

export function buildQuestions(ctx: Context): Question[] {
  const q: Question[] = [];
  const { merged, answered, askAnswered } = ctx;
  if (askAnswered || answered.name === undefined)
    q.push({
      type: 'input',
      name: 'name',
      field: 'name',
      message: 'Application name (chart name, Compose project):',
      default: merged.name,
      validate: asValidate(kinds.dnsLabel),
    });
  if (askAnswered || answered.registry === undefined)
    q.push({
      type: 'input',
      name: 'registry',
      field: 'registry',
      message: 'Image registry and namespace (images are <registry>/<name>-<service>):',
      default: merged.registry,
      validate: asValidate(kinds.imagePrefix),
    });

  // Delivery choices have working defaults derived from the model: asked with --ask-answered
  // (one record per field, with its flag and check: ./options.ts).
  if (askAnswered) {
    const d = (merged.delivery ?? {}) as Record<string, unknown>;
    for (const o of DELIVERY_OPTIONS) {
      if (!o.message) continue;
      const name = `delivery/${o.field}`;
      const field = `delivery.${o.field}`;
      if (o.type === 'boolean') q.push({ type: 'confirm', name, field, message: o.message, default: d[o.field] === true });
      else
        q.push({
          type: 'input',
          name,
          field,
          message: o.message,
          default: (d[o.field] as string | undefined) ?? o.fallback,
          // Empty keeps the derived default.
          validate: asValidate((v) => (String(v ?? '').trim() ? checkDeliveryValue(o, String(v).trim()) : null)),
        });
    }
  }

  // Where each backing service runs per Kubernetes environment: working defaults, asked with --ask-answered.
  if (askAnswered) {
    const backing = (merged.backing ?? {}) as Record<string, Record<string, unknown>>;
    for (const name of Object.keys(backing).sort())
      for (const env of PLACEMENT_ENVIRONMENTS)
        q.push({
          type: 'input',
          name: `backing/${name}/${env}`,
          field: `backing.${name}.${env}`,
          message: `${name}: where it runs in ${env} (cluster; external-name: outside, by DNS name; external-ip: outside, by IP address; ambassador: outside, through a proxy beside the app that may add TLS; empty: the default):`,
          default: (backing[name]![env] as string | undefined) ?? '',
          validate: asValidate((v) => kinds.oneOf(PLACEMENTS)(String(v ?? '').trim() || undefined)),
        });
    // TLS from the ambassador to the instance: only for kinds whose protocol can be wrapped (the catalog's tlsPort).
    for (const name of Object.keys(backing).sort()) {
      const record = CATALOG[backing[name]!.kind as BackingKind];
      if (!record || record.tlsPort === null) continue;
      q.push({
        type: 'confirm',
        name: `backing/${name}/ambassadorTls`,
        field: `backing.${name}.ambassadorTls`,
        message: `${name}: where an ambassador runs, does it speak TLS to the instance (port ${record.tlsPort})?`,
        default: backing[name]!.ambassadorTls === true,
      });
    }
  }

  const all = services(merged);
  const names = Object.keys(all).sort();
  const listening = names.filter((n) => all[n]!.port !== null && all[n]!.port !== undefined);
  const publicAnswered = listening.every((n) => isAnswered(ctx, n, 'public'));
  if (listening.length > 0 && (askAnswered || !publicAnswered))
    q.push({
      type: 'checkbox',
      name: 'public',
      field: 'public',
      message: 'Which services are reachable from outside (published in Compose, behind the Ingress)?',
      choices: listening.map((n) => ({ name: `${n} (port ${all[n]!.port})`, value: n, checked: all[n]!.public === true })),
    });

  for (const name of names) {
    const svc = all[name]!;
    const start = (svc.start as string[] | undefined) ?? [];
    if (askAnswered || (!isAnswered(ctx, name, 'start') && start.length === 0 && svc.language !== 'static'))
      q.push({
        type: 'input',
        name: `${name}/start`,
        field: `services.${name}.start`,
        message: `${name}: command that starts it (e.g. node server.js):`,
        default: start.join(' ') || undefined,
        validate: (input) => (String(input ?? '').trim() ? true : 'a start command is required'),
      });
    if (askAnswered || (!isAnswered(ctx, name, 'port') && !settled(ctx, name, 'port')))
      q.push({
        type: 'input',
        name: `${name}/port`,
        field: `services.${name}.port`,
        message: `${name}: port it listens on (empty for a worker with no port):`,
        default: svc.port === null || svc.port === undefined ? '' : String(svc.port),
        validate: asValidate((v) => kinds.optionalPort(parsePort(v))),
      });
    if (askAnswered)
      q.push(
        {
          type: 'input',
          name: `${name}/languageVersion`,
          field: `services.${name}.languageVersion`,
          message: `${name}: ${svc.language} version:`,
          default: svc.languageVersion,
          validate: asValidate(kinds.version),
        },
        {
          type: 'input',
          name: `${name}/healthPath`,
          field: `services.${name}.healthPath`,
          message: `${name}: HTTP health path (empty for a TCP check):`,
          default: svc.healthPath ?? '',
          validate: asValidate((v) => kinds.httpPath(String(v ?? '').trim() || null)),
        },
      );
  }
  // The repository's own Makefile and .env.example: link ours into them only if the user agrees.
  const existing = (merged.existing ?? {}) as Record<string, { path?: string; link?: boolean }>;
  const answeredExisting = (answered.existing ?? {}) as Record<string, { link?: boolean }>;
  const linkQuestions: Record<string, (path: string) => string> = {
    makefile: (path) =>
      `Your repository has its own ${path}; our make targets go to containerize.mk. Add \`include containerize.mk\` at the end of your ${path} (a marked block; a target of yours with the same name as one of ours, such as up or test, would be overridden)?`,
    envExample: (path) => `Your repository has its own ${path}; our variables go to containerize.env.example. Append them to your ${path} instead, as a marked block?`,
  };
  for (const [kind, message] of Object.entries(linkQuestions)) {
    const file = existing[kind];
    if (!file?.path || (!askAnswered && answeredExisting[kind]?.link !== undefined)) continue;
    q.push({ type: 'confirm', name: `existing/${kind}/link`, field: `existing.${kind}.link`, message: message(file.path), default: file.link === true });
  }
  return q;
}

/** Turn prompt answers into a model layer. */
export function applyAnswers(answers: Record<string, unknown>, merged: Layer): Layer {
  const layer: Layer = { services: {} };
  const svcLayer = layer.services as Record<string, Svc>;
  const touch = (name: string) => (svcLayer[name] ??= {});
  for (const [key, value] of Object.entries(answers)) {
    if (key.startsWith('backing/')) {
      const [, name, field] = key.split('/') as [string, string, string];
      const b = () => (((layer.backing ??= {}) as Record<string, Record<string, unknown>>)[name] ??= {});
      // A confirm: stored when on, or when the model already had a value (turned off).
      if (field === 'ambassadorTls') {
        const had = ((merged.backing ?? {}) as Record<string, Record<string, unknown>>)[name]?.ambassadorTls;
        if (value === true || had !== undefined) b()[field] = value === true;
        continue;
      }
      const text = String(value ?? '').trim();
      if (text) b()[field] = text;
    } else if (key.startsWith('existing/')) {
      const [, kind] = key.split('/') as [string, string];
      const existing = ((layer.existing ??= {}) as Record<string, Record<string, unknown>>);
      existing[kind] = { link: value === true };
    } else if (key === 'name' || key === 'registry') layer[key] = String(value).trim();
    else if (key.startsWith('delivery/')) {
      const field = key.slice('delivery/'.length);
      const d = (layer.delivery ??= {}) as Record<string, unknown>;
      if (DELIVERY_OPTIONS.find((o) => o.field === field)?.type === 'boolean') d[field] = Boolean(value);
      else if (String(value ?? '').trim()) d[field] = String(value).trim();
    }
    else if (key === 'public') {
      const chosen = new Set(value as string[]);
      for (const [name, svc] of Object.entries(services(merged))) {
        if (svc.port !== null && svc.port !== undefined) touch(name).public = chosen.has(name);
      }
    } else {
      const [name, field] = key.split('/') as [string, string];
      const text = String(value ?? '').trim();
      if (field === 'start') touch(name).start = splitCommand(text);
      else if (field === 'port') touch(name).port = parsePort(text);
      else if (field === 'healthPath') touch(name).healthPath = text || null;
      else touch(name)[field] = text;
    }
  }
  return layer;
}
