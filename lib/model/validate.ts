/**
 * Whole-model validation, run after detection, stored config, answers files,
 * flags and prompts are merged, and again by every stage before it renders.
 * It reports every problem at once, each as `<field>: <value> <what is wrong>;
 * expected <what>, e.g. <example>`, so a CI user can fix them in one go.
 *
 * What it accepts, every stage renders and every validator passes (the
 * property tests in test/fuzz check this on random models); what a stage
 * cannot render is refused here first. In particular:
 * - every field has its type and its kind (./kinds.ts): a wrong type is an
 *   error, never coerced; no field but an env value holds a line break;
 * - an unknown field is an error (a misspelt `prot:` would otherwise be ignored);
 * - paths lead inside the repository, symbolic links resolved: the repository is a boundary;
 * - a value given as plain (`secret: false`) that looks like a secret (./secrets.ts) is
 *   refused unless the user insists it is not one (`notSecret`, the --not-secret flag).
 */
import { existsSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { portInCommand } from './commands.js';
import { CATALOG } from '../catalog/index.js';
import { binaryName } from './derive.js';
import { boundaryProblem, existingDir, kinds, show, type Check } from './kinds.js';
import { processProblems } from './processes.js';
import { secretNameReason, secretValueReason } from './secrets.js';
import { checkDeliveryValue, DELIVERY_FIELDS, DELIVERY_OPTIONS } from './options.js';
import { BACKING_KINDS, CLUSTER_FIELDS, EXISTING_KINDS, LANGUAGES, LINKABLE, LINKINGS, OPTIONAL_SERVICE_FIELDS, PLACEMENT_ENVIRONMENTS, PLACEMENTS, SCHEMA_VERSION, type ServiceModel, type StackModel } from './types.js';

export class ModelError extends Error {
  constructor(readonly problems: string[]) {
    super(`The stack model is not valid (nothing was written):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ModelError';
  }
}

const oneOf = (list: readonly string[], example: string): Check => (v) =>
  typeof v === 'string' && list.includes(v) ? null : `${show(v)} is not one of them; expected one of ${list.join(', ')}, e.g. ${example}`;

/** Every field of a service, with the kind that checks it (env and dependsOn are checked below). */
const SERVICE_FIELDS: Record<Exclude<keyof ServiceModel, (typeof OPTIONAL_SERVICE_FIELDS)[number]>, Check | null> = {
  path: kinds.relPath,
  language: oneOf(LANGUAGES, 'node'),
  languageVersion: kinds.version,
  framework: kinds.name,
  packageManager: kinds.name,
  lockfile: kinds.lockfile,
  port: kinds.optionalPort,
  start: kinds.command,
  build: kinds.shellLine,
  healthPath: kinds.httpPath,
  public: kinds.boolean,
  env: null,
  dependsOn: null,
  entry: kinds.entry,
  outputDir: kinds.outputDir,
  dockerfile: kinds.dockerfile,
};
/** Fields that may be absent, checked when present (types.ts says what absent means). */
const OPTIONAL_FIELDS: Record<(typeof OPTIONAL_SERVICE_FIELDS)[number], Check> = {
  metricsPath: kinds.httpPath,
  metricsPort: kinds.optionalPort,
  // Their type here; what they name, with the rules of processes (./processes.ts), which need the other services.
  imageFrom: (v) => (v === null || (typeof v === 'string' && kinds.dnsLabel(v) === null) ? null : `${show(v)} is not a service name; expected the service whose image this one runs, e.g. web`),
  release: (v) => (v === null || typeof v === 'boolean' ? null : `${show(v)} is not a boolean; expected true (a release command) or false, e.g. true`),
  linking: (v) => (v === null || (typeof v === 'string' && (LINKINGS as readonly string[]).includes(v)) ? null : `${show(v)} is not one of them; expected one of ${LINKINGS.join(', ')}, e.g. static`),
};
const ALL_SERVICE_FIELDS = [...Object.keys(SERVICE_FIELDS), ...OPTIONAL_SERVICE_FIELDS];
const ENV_FIELDS = new Set(['value', 'secret', 'notSecret']);
const BACKING_FIELDS = new Set(['kind', 'version', 'staging', 'production', 'externalHost', 'externalIp', 'ambassadorTls']);
const TOP_FIELDS = new Set(['schemaVersion', 'name', 'registry', 'services', 'backing', 'existing', 'delivery', 'clusters']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The message for a field that is absent: what is expected, from the kind's own message. */
function missing(check: Check): string {
  const msg = check(undefined) ?? '';
  const i = msg.indexOf('expected');
  return `is missing; ${i >= 0 ? msg.slice(i) : 'give it a value'}`;
}

/** A value shown in a message, unless it may be a secret: its first three characters, escaped. */
const shownValue = (value: string) => (value.length > 3 ? `${show(value.slice(0, 3)).slice(0, -1)}…" (not shown in full)` : '(not shown)');

/**
 * A map key as a segment of a field's path: `.web`, or `["x\ny"]` for a key that is no plain
 * name, so a message never prints a raw line break from a key.
 */
/** A name for the examples of a message (`--set <name>.port=...`): the name, or `<name>` when it is no plain name. */
const safeName = (name: string): string => (/^[A-Za-z0-9_-]{1,80}$/.test(name) ? name : '<name>');

export const seg = (key: string): string => (/^[A-Za-z0-9_-]{1,80}$/.test(key) ? `.${key}` : `[${show(key)}]`);

/**
 * A rule on one service that another layer owns (the language packs' rules: lib/languages/index.ts
 * packProblems), run on each service whose own fields are valid: problems as `<field>: <message>`.
 */
export type ServiceRule = (name: string, svc: ServiceModel) => string[];

/**
 * Check a merged model. `root` is the repository folder, used to check that
 * paths exist and lead inside it. `rules`: the language packs' rules, which this layer
 * cannot import (the run loop passes them). Returns the problems; empty means valid.
 */
export function checkModel(model: StackModel, root: string, rules: readonly ServiceRule[] = []): string[] {
  const problems: string[] = [];
  const add = (where: string, msg: string | null) => {
    if (msg) problems.push(`${where}: ${msg}`);
  };
  const raw = model as unknown as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!TOP_FIELDS.has(key)) add(key, `is not a field of the stack model; expected one of ${[...TOP_FIELDS].join(', ')}, e.g. registry`);

  if (model.schemaVersion !== SCHEMA_VERSION) add('schemaVersion', `is ${show(model.schemaVersion)}; expected ${SCHEMA_VERSION}`);
  add('name', kinds.dnsLabel(model.name));
  add('registry', kinds.imagePrefix(model.registry));

  const services = isObject(model.services) ? model.services : {};
  const backing = isObject(model.backing) ? model.backing : {};
  if (!isObject(model.services)) add('services', `is ${show(model.services)}; expected a mapping of service name to service, e.g. {web: {path: web, ...}}`);
  if (!isObject(model.backing)) add('backing', `is ${show(model.backing)}; expected a mapping of backing service name to {kind, version}, e.g. {redis: {kind: redis, version: "7"}}`);
  const names = Object.keys(services);
  if (names.length === 0) problems.push('services: there is no service to containerize (none detected and none given); add one, e.g. --set web.path=web --set web.language=node ...');

  const valid = new Map<string, ServiceModel>();
  for (const [name, svcRaw] of Object.entries(services)) {
    const at = `services${seg(name)}`;
    add(at, kinds.dnsLabel(name));
    if (name in backing) add(at, `has the same name as a backing service; expected a hostname of its own, e.g. ${safeName(name)}-app`);
    if (!isObject(svcRaw)) {
      add(at, `is ${show(svcRaw)}; expected a mapping of the service's fields (path, language, ...)`);
      continue;
    }
    const svc = svcRaw as unknown as ServiceModel;
    const fields = svcRaw as Record<string, unknown>;
    for (const key of Object.keys(fields))
      if (!ALL_SERVICE_FIELDS.includes(key)) add(`${at}.${key}`, `is not a field of a service; expected one of ${ALL_SERVICE_FIELDS.join(', ')}, e.g. port`);
    for (const [field, check] of Object.entries(SERVICE_FIELDS)) {
      if (!check) continue;
      if (fields[field] === undefined) add(`${at}.${field}`, missing(check));
      else add(`${at}.${field}`, check(fields[field]));
    }
    for (const [field, check] of Object.entries(OPTIONAL_FIELDS)) if (fields[field] !== undefined) add(`${at}.${field}`, check(fields[field]));
    if (typeof svc.path === 'string' && !kinds.relPath(svc.path)) add(`${at}.path`, existingDir(root, svc.path));
    checkEnv(at, safeName(name), svc, typeof model.name === 'string' && !kinds.dnsLabel(model.name) ? model.name : '<app>', add);
    checkDependsOn(at, name, svc, services, backing, add);
    // Rules across fields, each on the fields it reads when those have their kinds (every problem at once).
    const ok = (field: keyof typeof SERVICE_FIELDS) => fields[field] !== undefined && SERVICE_FIELDS[field]!(fields[field]) === null;
    checkService(at, name, svc, root, add, ok);
    const optionalOk = Object.entries(OPTIONAL_FIELDS).every(([f, check]) => fields[f] === undefined || check(fields[f]) === null);
    if ((Object.keys(SERVICE_FIELDS) as (keyof typeof SERVICE_FIELDS)[]).every((f) => SERVICE_FIELDS[f] === null || ok(f)) && optionalOk) {
      valid.set(name, svc);
      for (const rule of rules) for (const p of rule(name, svc)) problems.push(`${at}.${p}`);
    }
  }

  // Public services are published on the same host port as their container port: they must not clash.
  const published = new Map<number, string>();
  for (const [name, svc] of valid) {
    if (!svc.public || svc.port === null) continue;
    const other = published.get(svc.port);
    if (other) add(`services${seg(name)}.port`, `${svc.port} clashes with public service "${other}" (both would be published on that host port); expected another port or a private service, e.g. --set ${safeName(name)}.public=false`);
    else published.set(svc.port, name);
  }

  problems.push(...processProblems(model));

  // One image per folder: a second service of a folder is a process of the first (imageFrom).
  const paths = new Map<string, string>();
  for (const [name, svc] of valid) {
    if (svc.imageFrom) continue;
    const p = posix.normalize(svc.path).replace(/\/$/, '');
    const other = paths.get(p);
    if (other) add(`services${seg(name)}.path`, `"${svc.path}" is also the path of "${other}"; expected a folder of its own, e.g. --set ${safeName(name)}.path=${safeName(name)}, or another process of that folder, running its image: --set ${safeName(name)}.imageFrom=${safeName(other)}`);
    else paths.set(p, name);
  }

  for (const [name, b] of Object.entries(backing)) {
    const at = `backing${seg(name)}`;
    add(at, kinds.dnsLabel(name));
    if (!isObject(b)) {
      add(at, `is ${show(b)}; expected {kind, version}, e.g. {kind: redis, version: "7"}`);
      continue;
    }
    for (const key of Object.keys(b))
      if (!BACKING_FIELDS.has(key)) add(`${at}.${key}`, `is not a field of a backing service; expected one of ${[...BACKING_FIELDS].join(', ')}, e.g. --set backing.redis.version=7`);
    add(`${at}.kind`, oneOf(BACKING_KINDS, 'postgres')(b.kind));
    add(`${at}.version`, b.version === undefined ? missing(kinds.version) : kinds.version(b.version));
    for (const env of PLACEMENT_ENVIRONMENTS) if (b[env] !== undefined) add(`${at}.${env}`, oneOf(PLACEMENTS, 'external-name')(b[env]));
    if (b.externalHost !== undefined) add(`${at}.externalHost`, kinds.dnsName(b.externalHost));
    if (b.externalIp !== undefined) add(`${at}.externalIp`, kinds.ipAddress(b.externalIp));
    else {
      const byIp = PLACEMENT_ENVIRONMENTS.filter((env) => b[env] === 'external-ip');
      if (byIp.length) add(`${at}.externalIp`, `is missing, but ${byIp.join(' and ')} place${byIp.length > 1 ? '' : 's'} it outside the cluster by IP address; expected an IPv4 or IPv6 address, e.g. --set backing.${name}.externalIp=10.0.0.5`);
    }
    // The ambassador's pods carry the component label <name>-ambassador: a label value has at most 63 characters.
    if (PLACEMENT_ENVIRONMENTS.some((env) => b[env] === 'ambassador') && name.length > 63 - '-ambassador'.length)
      add(at, `is ${name.length} characters long, but its ambassador's label ${name}-ambassador would pass the 63 of a label value; expected at most ${63 - '-ambassador'.length} characters, or another placement`);
    if (b.ambassadorTls !== undefined) {
      add(`${at}.ambassadorTls`, kinds.boolean(b.ambassadorTls));
      const record = (BACKING_KINDS as readonly string[]).includes(b.kind) ? CATALOG[b.kind] : undefined;
      if (b.ambassadorTls === true && record && record.tlsPort === null)
        add(`${at}.ambassadorTls`, `is true, but ${b.kind} negotiates TLS inside its own protocol (after a plain-text exchange), so a TCP proxy cannot wrap it in TLS; expected false, with TLS set in the client's connection options instead, e.g. --set backing.${name}.ambassadorTls=false`);
      else if (b.ambassadorTls === true && !PLACEMENT_ENVIRONMENTS.some((env) => b[env] === 'ambassador'))
        add(`${at}.ambassadorTls`, `is true, but no environment places ${name} behind an ambassador; expected a placement ambassador, e.g. --set backing.${name}.production=ambassador`);
    }
  }
  if (model.delivery !== undefined) {
    const d = model.delivery as Record<string, unknown>;
    if (!isObject(d)) add('delivery', `is ${show(d)}; expected a mapping of ${DELIVERY_FIELDS.join(', ')}, e.g. {deployTool: helm}`);
    else {
      for (const key of Object.keys(d))
        if (!DELIVERY_FIELDS.includes(key)) add(`delivery.${key}`, `is not a delivery field; expected one of ${DELIVERY_FIELDS.join(', ')}, e.g. --set delivery.deployTool=helm`);
      // Each field's own check (lib/model/options.ts); the rules across fields follow.
      for (const o of DELIVERY_OPTIONS) if (d[o.field] !== undefined) add(`delivery.${o.field}`, checkDeliveryValue(o, d[o.field]));
      if (d.blueGreen === true && (d.deployTool ?? 'kustomize') !== 'kustomize')
        add('delivery.blueGreen', `is true with delivery.deployTool ${show(d.deployTool)}, but blue/green is generated for kustomize only; expected false or deployTool kustomize, e.g. --no-blue-green`);
      if (d.blueGreen === true && !Object.values(model.services ?? {}).some((s) => s.public && s.port !== null))
        add('delivery.blueGreen', 'is true, but no service is public: the switch moves public traffic from one stack to the other; expected a public service, e.g. --set web.public=true');
      if (d.rootService !== undefined) {
        const s = (model.services ?? {})[d.rootService as string];
        if (typeof d.rootService !== 'string' || !s || !s.public || s.port === null)
          add('delivery.rootService', `${show(d.rootService)} is not a public service with a port; expected one of ${Object.entries(model.services ?? {}).filter(([, x]) => x.public && x.port !== null).map(([n]) => n).join(', ') || '(none: no service is public)'}, e.g. --set delivery.rootService=web`);
      }
    }
  }

  if (model.clusters !== undefined) {
    if (!isObject(model.clusters)) add('clusters', `is ${show(model.clusters)}; expected a mapping of cluster name to {region, storageClass, ingressClass, domain}, e.g. {eu: {region: europe-west1}}`);
    else {
      for (const [name, c] of Object.entries(model.clusters)) {
        const at = `clusters${seg(name)}`;
        // production-<name> names an overlay, a values file and a GitHub environment.
        if (kinds.dnsLabel(name) || name.length > 40) add(at, `${show(name)} is not a cluster name; expected a DNS label of at most 40 characters, e.g. eu-west`);
        if (!isObject(c)) {
          add(at, `is ${show(c)}; expected {region, storageClass, ingressClass, domain} (each optional), e.g. {region: europe-west1}`);
          continue;
        }
        for (const key of Object.keys(c)) if (!(CLUSTER_FIELDS as readonly string[]).includes(key)) add(`${at}.${key}`, `is not a cluster field; expected one of ${CLUSTER_FIELDS.join(', ')}, e.g. --set clusters.${name}.region=europe-west1`);
        if (c.region !== undefined && (typeof c.region !== 'string' || !/^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/i.test(c.region) || c.region.length > 63))
          add(`${at}.region`, `${show(c.region)} is not a region; expected a label value (letters, digits, '-', '_', '.'; at most 63), e.g. europe-west1`);
        if (c.storageClass !== undefined) add(`${at}.storageClass`, kinds.dnsName(c.storageClass));
        if (c.ingressClass !== undefined) add(`${at}.ingressClass`, kinds.dnsName(c.ingressClass));
        if (c.domain !== undefined) add(`${at}.domain`, kinds.dnsName(c.domain));
      }
      if (Object.keys(model.clusters).length && model.delivery?.blueGreen === true)
        add('clusters', 'are set with delivery.blueGreen: blue/green is generated for one production cluster; expected one of them, e.g. --no-blue-green');
    }
  }

  const existing = model.existing ?? {};
  if (!isObject(existing)) add('existing', `is ${show(existing)}; expected a mapping of kind to {path, link}, e.g. {makefile: {path: Makefile}}`);
  else
    for (const [kind, file] of Object.entries(existing)) {
      const at = `existing.${kind}`;
      if (!EXISTING_KINDS.includes(kind as never)) {
        add(at, `is not a kind of existing file; expected one of ${EXISTING_KINDS.join(', ')}, e.g. existing.makefile`);
        continue;
      }
      if (!isObject(file)) {
        add(at, `is ${show(file)}; expected {path, link}, e.g. {path: Makefile}`);
        continue;
      }
      add(`${at}.path`, kinds.relPath(file.path));
      if (file.link !== undefined) add(`${at}.link`, kinds.boolean(file.link));
      if (file.link === true && !LINKABLE.includes(kind as never)) add(`${at}.link`, `is true, but only ${LINKABLE.join(' and ')} can be linked; expected false, e.g. --set existing.${kind}.link=false`);
      for (const key of Object.keys(file)) if (key !== 'path' && key !== 'link') add(`${at}.${key}`, 'is not a field of an existing file; expected path or link, e.g. existing.makefile.path=Makefile');
    }
  return problems;
}

/** True when a service needs a start command and has none (static sites and builds are served by the image's web server). */
export const startUnknown = (svc: { start?: unknown; language?: unknown; outputDir?: unknown }): boolean =>
  Array.isArray(svc.start) && svc.start.length === 0 && svc.language !== 'static' && !svc.outputDir;

/** An example start command per language, for messages. */
const START_EXAMPLES: Record<string, string> = {
  node: 'node server.js',
  python: 'python main.py',
  go: './app',
  java: 'java -jar app.jar',
  ruby: 'bundle exec ruby app.rb',
  php: 'php worker.php',
  dotnet: 'dotnet App.dll',
  rust: './app',
};

/** The flag that gives a service its start command, with an example for its language. */
export const startFlag = (name: string, language: unknown): string => `--set ${name}.start="${START_EXAMPLES[String(language)] ?? 'the command that starts it'}"`;

function checkEnv(at: string, service: string, svc: ServiceModel, app: string, add: (where: string, msg: string | null) => void): void {
  const env = (svc as unknown as Record<string, unknown>).env;
  if (env === undefined) return add(`${at}.env`, 'is missing; expected a mapping of variable name to {value, secret}, e.g. {LOG_LEVEL: {value: info, secret: false}}');
  if (!isObject(env)) return add(`${at}.env`, `is ${show(env)}; expected a mapping of variable name to {value, secret}, e.g. {LOG_LEVEL: {value: info, secret: false}}`);
  for (const [envName, e] of Object.entries(env)) {
    const where = `${at}.env${seg(envName)}`;
    const nameProblem = kinds.envName(envName);
    if (nameProblem) add(`${at}.env`, nameProblem);
    if (!isObject(e)) {
      add(where, `is ${typeof e === 'string' ? 'a string' : show(e)}; expected {value, secret}, e.g. {value: "info", secret: false} (on the command line: --set ${service}.env.${nameProblem ? 'NAME' : envName}=info)`);
      continue;
    }
    for (const key of Object.keys(e)) if (!ENV_FIELDS.has(key)) add(`${where}.${key}`, 'is not a field of a variable; expected value, secret or notSecret, e.g. {value: "info", secret: false}');
    const value = e.value;
    const valueProblem = value === undefined ? 'is missing; expected a string, or null when the code gives no default' : kinds.envValue(value);
    add(`${where}.value`, valueProblem && typeof value === 'string' && (secretNameReason(envName) || secretValueReason(value)) ? valueProblem.replace(show(value), shownValue(value)) : valueProblem);
    add(`${where}.secret`, e.secret === undefined ? 'is missing; expected true or false, e.g. false' : kinds.boolean(e.secret));
    if (e.notSecret !== undefined) add(`${where}.notSecret`, kinds.boolean(e.notSecret));
    if (valueProblem || typeof e.secret !== 'boolean') continue;
    const v = value as string | null;
    if (e.secret && e.notSecret === true) add(where, `is marked both secret and notSecret; expected one of them, e.g. secret: false (--not-secret ${service}.${envName} says it is not a secret)`);
    else if (e.secret && v !== null)
      add(where, `is a secret and must not have a value in the model (${shownValue(v)}): the model is stored in .yo-rc.json; expected no value, e.g. --set ${service}.env.${envName}=null, and the value given at run time: secrets/${service}.env for Compose, the Secret ${app}-${service} on Kubernetes`);
    else if (!e.secret && e.notSecret !== true && v !== null) {
      const why = secretNameReason(envName) ?? secretValueReason(v);
      if (why)
        add(
          where,
          `is given the value ${shownValue(v)} as plain text, but it looks like a secret (${why}); a secret's value never goes into a generated file or .yo-rc.json. Expected no value, e.g. --set ${service}.env.${envName}=null: it then comes from secrets/${service}.env in Compose and from the Secret ${app}-${service} on Kubernetes; or, if it is not a secret, say so: --not-secret ${service}.${envName}`,
        );
    }
  }
}

function checkDependsOn(at: string, name: string, svc: ServiceModel, services: Record<string, unknown>, backing: Record<string, unknown>, add: (where: string, msg: string | null) => void): void {
  const deps = (svc as unknown as Record<string, unknown>).dependsOn;
  const example = `e.g. [redis, api] (on the command line: --set ${safeName(name)}.dependsOn=redis,api)`;
  if (deps === undefined) return add(`${at}.dependsOn`, `is missing; expected a list of service and backing service names, ${example}`);
  if (!Array.isArray(deps)) return add(`${at}.dependsOn`, `${show(deps)} is ${typeof deps === 'string' ? 'a string' : 'not a list'}; expected a list of service and backing service names, ${example}`);
  for (const dep of deps) {
    if (typeof dep !== 'string') add(`${at}.dependsOn`, `${show(dep)} is not a name; expected a list of service and backing service names, ${example}`);
    else if (dep === name) add(`${at}.dependsOn`, `names the service itself; expected other services and backing services, ${example}`);
    else if (!(dep in services) && !(dep in backing))
      add(
        `${at}.dependsOn`,
        `names ${show(dep)}, which is neither a service nor a backing service; expected one of ${[...Object.keys(services).filter((s) => s !== name), ...Object.keys(backing)].filter((s) => !kinds.dnsLabel(s)).join(', ') || 'them (there is none: add a backing service with --set backing.<name>.kind=<kind>)'}, e.g. --set ${safeName(name)}.dependsOn=${Object.keys(backing).find((b) => !kinds.dnsLabel(b)) ?? 'redis'}`,
      );
  }
}

/** Rules across fields of one service whose fields each have the right type and kind. */
function checkService(at: string, name: string, svc: ServiceModel, root: string, add: (where: string, msg: string | null) => void, ok: (field: keyof typeof SERVICE_FIELDS) => boolean): void {
  if (svc.metricsPort != null && svc.metricsPath == null) add(`${at}.metricsPort`, `is set but the service serves no metrics; expected a metricsPath too, e.g. --set ${safeName(name)}.metricsPath=/metrics (or --set ${safeName(name)}.metricsPort=null)`);
  if (svc.metricsPath != null && svc.metricsPort == null && ok('port') && svc.port === null)
    add(`${at}.metricsPath`, `is set but the service has no port to serve it on; expected a metricsPort, e.g. --set ${safeName(name)}.metricsPort=9100 (or --set ${safeName(name)}.metricsPath=null)`);
  if (ok('start') && startUnknown(svc)) add(`${at}.start`, `is unknown; expected the command that starts the service, e.g. ${startFlag(safeName(name), svc.language)}`);
  const commandPort = ok('start') ? portInCommand(svc.start) : null;
  if (commandPort !== null && ok('port') && svc.port !== null && commandPort !== svc.port)
    add(`${at}.start`, `listens on port ${commandPort} but the service's port is ${svc.port}; expected the same port in both, e.g. --set ${safeName(name)}.port=${commandPort}`);
  if (ok('port') && svc.port === null && svc.public === true) add(`${at}.public`, `is true but the service has no port (a worker cannot be public); expected a port or false, e.g. --set ${safeName(name)}.port=8080 or --set ${safeName(name)}.public=false`);
  if (ok('port') && svc.port === null && svc.healthPath) add(`${at}.healthPath`, `is set but the service has no port; expected a port or no health path, e.g. --set ${safeName(name)}.port=8080 or --set ${safeName(name)}.healthPath=null`);
  if (!(['language', 'start', 'build', 'entry', 'path', 'lockfile', 'outputDir', 'dockerfile'] as const).every(ok)) return;
  const bin = binaryName(svc);
  if (bin !== null) {
    const problem = kinds.fileName(bin);
    if (problem) add(svc.language === 'rust' && svc.entry ? `${at}.entry` : `${at}.start`, `names the ${svc.language === 'go' ? 'Go' : 'Rust'} binary ${problem}`);
    // A Go build that names its output must write the program the start command runs (a
    // process of another service's image runs its own command and builds nothing).
    const out = svc.language === 'go' && !svc.imageFrom ? /-o\s+\/out\/(\S+)/.exec(svc.build ?? '')?.[1] : undefined;
    if (!problem && out !== undefined && out !== bin) {
      const why = `the build command writes /out/${show(out).slice(1, -1)} but the start command runs ${show(bin).slice(1, -1)}; expected the same program in both`;
      add(`${at}.build`, `${why}, e.g. --set ${safeName(name)}.build="go build -o /out/${bin} ./..."`);
      add(`${at}.start`, `${why}, e.g. --set ${safeName(name)}.start=./${kinds.fileName(out) ? 'app' : out}`);
    }
  }
  // The repository is a boundary: every path leads inside it, symbolic links resolved.
  const svcDir = svc.path;
  if (svc.lockfile !== null) {
    const lock = posix.normalize(posix.join(svcDir, svc.lockfile));
    if (lock === '..' || lock.startsWith('../')) add(`${at}.lockfile`, `${show(svc.lockfile)} leads outside the repository (to ${lock}); expected a lockfile inside it, e.g. package-lock.json`);
    else add(`${at}.lockfile`, boundaryProblem(root, lock));
  }
  if (svc.outputDir !== null) add(`${at}.outputDir`, boundaryProblem(root, posix.join(svcDir, svc.outputDir)));
  if (svc.entry !== null && !svc.entry.includes('*') && !svc.entry.includes(':')) add(`${at}.entry`, boundaryProblem(root, posix.join(svcDir, svc.entry)));
  if (svc.dockerfile !== null) {
    const abs = join(root, svc.dockerfile);
    if (!existsSync(abs)) add(`${at}.dockerfile`, `${show(svc.dockerfile)} does not exist (looked for ${abs}); expected your Dockerfile's path from the repository root, or null to generate one, e.g. --set ${safeName(name)}.dockerfile=null`);
    else if (!statSync(abs).isFile()) add(`${at}.dockerfile`, `${show(svc.dockerfile)} is not a file; expected your Dockerfile's path from the repository root, or null to generate one, e.g. --set ${safeName(name)}.dockerfile=null`);
    else add(`${at}.dockerfile`, boundaryProblem(root, svc.dockerfile));
  }
}

export function assertModel(model: StackModel, root: string, rules: readonly ServiceRule[] = []): StackModel {
  const problems = checkModel(model, root, rules);
  if (problems.length) throw new ModelError(problems);
  return model;
}
