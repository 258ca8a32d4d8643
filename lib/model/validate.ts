/**
 * Whole-model validation, run after detection, stored config, answers files,
 * flags and prompts are merged. It reports every problem at once, each naming
 * the field, so a CI user can fix them in one go.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { portInCommand } from './commands.js';
import { existingDir, kinds } from './kinds.js';
import { BACKING_KINDS, DEPLOY_TOOLS, EXISTING_KINDS, LANGUAGES, LINKABLE, LINKINGS, REGISTRY_KINDS, SCHEMA_VERSION, type StackModel } from './types.js';

export class ModelError extends Error {
  constructor(readonly problems: string[]) {
    super(`The stack model is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ModelError';
  }
}

/** Fields every service must have, with the kind that checks each. */
const SERVICE_FIELDS = {
  language: (v: unknown) => (LANGUAGES.includes(v as never) ? null : `${JSON.stringify(v)} is not one of ${LANGUAGES.join(', ')}`),
  languageVersion: kinds.version,
  port: kinds.optionalPort,
  start: kinds.command,
  healthPath: kinds.httpPath,
  public: (v: unknown) => (typeof v === 'boolean' ? null : 'must be true or false'),
  framework: (v: unknown) => (v === null || (typeof v === 'string' && v !== '') ? null : 'must be a name or null'),
  packageManager: (v: unknown) => (v === null || (typeof v === 'string' && v !== '') ? null : 'must be a name or null'),
  build: (v: unknown) => (v === null || (typeof v === 'string' && v !== '') ? null : 'must be a command or null'),
  // Optional (Go only): absent is static.
  linking: (v: unknown) => (v === undefined || LINKINGS.includes(v as never) ? null : `${JSON.stringify(v)} is not one of ${LINKINGS.join(', ')}`),
} as const;

/**
 * Check a merged model. `root` is the repository folder, used to check that
 * service paths exist. Returns the problems; empty means valid.
 */
export function checkModel(model: StackModel, root: string): string[] {
  const problems: string[] = [];
  const add = (where: string, msg: string | null) => {
    if (msg) problems.push(`${where} ${msg}`);
  };

  if (model.schemaVersion !== SCHEMA_VERSION) add('schemaVersion', `is ${model.schemaVersion}, expected ${SCHEMA_VERSION}`);
  add('name', kinds.dnsLabel(model.name));
  add('registry', kinds.imagePrefix(model.registry));

  const services = model.services ?? {};
  const backing = model.backing ?? {};
  const names = Object.keys(services);
  if (names.length === 0) problems.push('services: there is no service to containerize (none detected and none given)');

  for (const [name, svc] of Object.entries(services)) {
    const at = `services.${name}`;
    add(at, kinds.dnsLabel(name));
    if (name in backing) add(at, `has the same name as a backing service; hostnames must be unique`);
    add(`${at}.path`, existingDir(root, svc.path));
    for (const [field, check] of Object.entries(SERVICE_FIELDS)) {
      add(`${at}.${field}`, check((svc as unknown as Record<string, unknown>)[field]));
    }
    if (startUnknown(svc)) add(`${at}.start`, `is unknown: give the command that starts the service (${startFlag(name, svc.language)})`);
    const commandPort = Array.isArray(svc.start) ? portInCommand(svc.start) : null;
    if (commandPort !== null && svc.port !== null && commandPort !== svc.port)
      add(`${at}.start`, `listens on port ${commandPort} but the service's port is ${svc.port}: change both together`);
    if (svc.port === null && svc.public) add(`${at}.public`, 'is true but the service has no port (a worker cannot be public)');
    if (svc.port === null && svc.healthPath) add(`${at}.healthPath`, 'is set but the service has no port');
    for (const [envName, env] of Object.entries(svc.env ?? {})) {
      add(`${at}.env`, kinds.envName(envName));
      if (env.secret && env.value !== null) add(`${at}.env.${envName}`, 'is a secret and must not have a value in the model');
    }
    for (const dep of svc.dependsOn ?? []) {
      if (dep === name) add(`${at}.dependsOn`, 'names the service itself');
      else if (!(dep in services) && !(dep in backing))
        add(`${at}.dependsOn`, `names "${dep}", which is neither a service nor a backing service`);
    }
    if (svc.dockerfile && !existsSync(join(root, svc.dockerfile))) add(`${at}.dockerfile`, `"${svc.dockerfile}" does not exist`);
  }

  // Public services are published on the same host port as their container port: they must not clash.
  const published = new Map<number, string>();
  for (const [name, svc] of Object.entries(services)) {
    if (!svc.public || svc.port === null) continue;
    const other = published.get(svc.port);
    if (other) add(`services.${name}.port`, `${svc.port} clashes with public service "${other}" (both would be published on that host port)`);
    else published.set(svc.port, name);
  }

  const paths = new Map<string, string>();
  for (const [name, svc] of Object.entries(services)) {
    const other = paths.get(svc.path);
    if (other) add(`services.${name}.path`, `"${svc.path}" is also the path of "${other}"`);
    else paths.set(svc.path, name);
  }

  for (const [name, b] of Object.entries(backing)) {
    const at = `backing.${name}`;
    add(at, kinds.dnsLabel(name));
    if (!BACKING_KINDS.includes(b.kind)) add(`${at}.kind`, `${JSON.stringify(b.kind)} is not one of ${BACKING_KINDS.join(', ')}`);
    add(`${at}.version`, kinds.version(b.version));
  }
  if (model.delivery !== undefined) {
    const d = model.delivery as Record<string, unknown>;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) add('delivery', 'must be an object (registryKind, deployTool, previews)');
    else {
      for (const key of Object.keys(d))
        if (!['registryKind', 'deployTool', 'previews'].includes(key)) add(`delivery.${key}`, 'is not a field (registryKind, deployTool, previews)');
      add('delivery.registryKind', kinds.oneOf(REGISTRY_KINDS)(d.registryKind));
      add('delivery.deployTool', kinds.oneOf(DEPLOY_TOOLS)(d.deployTool));
      if (d.previews !== undefined && typeof d.previews !== 'boolean') add('delivery.previews', 'must be true or false');
    }
  }

  const existing = model.existing ?? {};
  if (typeof existing !== 'object' || existing === null || Array.isArray(existing)) problems.push('existing must be an object');
  else
    for (const [kind, file] of Object.entries(existing)) {
      const at = `existing.${kind}`;
      if (!EXISTING_KINDS.includes(kind as never)) {
        add(at, `is not one of ${EXISTING_KINDS.join(', ')}`);
        continue;
      }
      if (typeof file !== 'object' || file === null) {
        add(at, 'must be an object with a path');
        continue;
      }
      add(`${at}.path`, kinds.relPath(file.path));
      if (file.link !== undefined && typeof file.link !== 'boolean') add(`${at}.link`, 'must be true or false');
      if (file.link && !LINKABLE.includes(kind as never)) add(`${at}.link`, `only ${LINKABLE.join(' and ')} can be linked`);
      for (const key of Object.keys(file)) if (key !== 'path' && key !== 'link') add(`${at}.${key}`, 'is not a field (path, link)');
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

export function assertModel(model: StackModel, root: string): StackModel {
  const problems = checkModel(model, root);
  if (problems.length) throw new ModelError(problems);
  return model;
}
