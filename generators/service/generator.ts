/**
 * `yo containerize:service <name>`: add a component to the stored model,
 * update one, or remove one (`--remove`); a backing service the same way
 * (`--kind postgres`). Then every stage re-renders what it owns from the new
 * model (aggregate files such as compose.yaml are re-rendered whole, never
 * appended to), and the writer merges that into the files as the team has
 * them: a removed component's own files go (unless edited), its lines leave
 * the aggregate files, and the team's edits stay.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { OrchestratorGenerator } from '../app/orchestrator.js';
import { detectStack, toModel } from '../../lib/detect/stack.js';
import { defaultVersion } from '../../lib/catalog/index.js';
import { ConfigError } from '../../lib/model/migrate.js';
import { kinds } from '../../lib/model/kinds.js';
import { portFromText, splitCommand, type Layer } from '../../lib/model/merge.js';
import { BACKING_KINDS, LANGUAGES, type BackingKind, type Language, type ServiceModel, type StackModel } from '../../lib/model/types.js';
import { isGenerated } from '../../lib/model/marker.js';
import { suggest, UsageError } from '../../lib/model/usage.js';
import { runLog } from '../../lib/write/writer.js';

export default class ServiceGenerator extends OrchestratorGenerator {
  /** What this run did to the component, for the last line of the summary. */
  private change = '';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Add, update or remove one component of the stack (a service, or a backing service with --kind), then re-render every stage.';
    this.argument('service', { type: String, required: true, description: 'Component name (a DNS-1123 label; the hostname other services use)' });
    this.option('path', { type: String, description: 'Folder of the service (default: its stored path, else a folder with its name)' });
    this.option('port', { type: String, description: 'Port it listens on ("none" for a worker)' });
    this.option('start', { type: String, description: 'Command that starts it, e.g. "node server.js"' });
    this.option('public', { type: Boolean, description: 'Reachable from outside (--no-public for internal)' });
    this.option('redetect', { type: Boolean, description: 'Detect an existing service again instead of keeping its stored values' });
    this.option('language', { type: String, description: `For a folder detection cannot read: its language (${LANGUAGES.join(', ')})` });
    this.option('language-version', { type: String, description: 'For a folder detection cannot read: the runtime version, e.g. 22, 3.12, 1.23' });
    this.option('kind', { type: String, description: `A backing service of this kind instead of a service: ${BACKING_KINDS.join(', ')}` });
    this.option('remove', { type: Boolean, description: 'Remove the component, the files generated for it and every reference to it' });
  }

  async initializing() {
    this.startRun();
    const name: string = this.options.service;
    const bad = kinds.dnsLabel(name);
    if (bad) throw new ConfigError(`Service name ${bad}`);
    this.stored = this.readStoredModel();
    if (!this.stored) throw new ConfigError('No stack model in .yo-rc.json: run `yo containerize` first, then add services with `yo containerize:service`.');
    const stored = structuredClone(this.stored) as StackModel;
    this.detected = {};
    if (this.options.remove) this.answered = [this.removed(stored, name), ...this.userLayers()];
    else if (this.options.kind !== undefined) this.answered = [stored as unknown as Layer, ...this.userLayers(), this.backingLayer(stored, name)];
    else this.answered = [...this.serviceLayers(stored, name)];
    await this.composeStages();
  }

  /** The stored model without `name`, and without every reference to it. */
  private removed(model: StackModel, name: string): Layer {
    if (this.options.kind !== undefined || this.options.path !== undefined || this.options.port !== undefined || this.options.start !== undefined)
      throw new UsageError('--remove takes no other option: containerize service <name> --remove');
    const isService = name in model.services;
    if (!isService && !(name in model.backing)) {
      const names = [...Object.keys(model.services), ...Object.keys(model.backing)];
      throw new UsageError(`there is no service or backing service "${name}" to remove${suggest(name, names)}`);
    }
    if (isService) delete model.services[name];
    else delete model.backing[name];
    for (const svc of Object.values(model.services)) svc.dependsOn = svc.dependsOn.filter((d) => d !== name);
    this.change = `Removed ${isService ? 'service' : 'backing service'} "${name}": from the model (.yo-rc.json), its files and its references in the others`;
    return model as unknown as Layer;
  }

  /** `--kind`: a backing service, added or changed (a version set with --set backing.<name>.version=...). */
  private backingLayer(model: StackModel, name: string): Layer {
    const kind = String(this.options.kind) as BackingKind;
    if (!BACKING_KINDS.includes(kind)) throw new UsageError(`--kind "${kind}" is not a backing kind${suggest(kind, BACKING_KINDS)}`);
    if (name in model.services) throw new UsageError(`"${name}" is a service; a backing service needs a name of its own (e.g. containerize service ${kind} --kind ${kind})`);
    for (const flag of ['path', 'port', 'start', 'public', 'redetect', 'language', 'languageVersion'])
      if (this.options[flag] !== undefined) throw new UsageError(`--${flag} is for services, not for a backing service (--kind)`);
    const existing = model.backing[name];
    const version = existing?.kind === kind ? existing.version : defaultVersion(kind);
    this.change = existing ? `Updated backing service "${name}" (${kind} ${version})` : `Added backing service "${name}" (${kind} ${version})`;
    return { backing: { [name]: { kind, version } } };
  }

  /** A service, detected in its folder when new (or with --redetect), then the flags. */
  private serviceLayers(model: StackModel, name: string): Layer[] {
    if (name in model.backing) throw new UsageError(`"${name}" is a backing service (${model.backing[name]!.kind}): change it with --kind, or remove it with --remove`);
    const existing = model.services[name];
    const path = this.options.path ?? existing?.path ?? name;
    const pathProblem = kinds.relPath(path);
    if (pathProblem) throw new ConfigError(`--path ${pathProblem}`);

    if (!existing || this.options.redetect) {
      const detection = toModel(detectStack(this.destinationRoot(), { ours: new Set(this.ledger!.keys()) }));
      // The service of that folder (its image's owner), unless detection names this very process of it.
      const same = detection.services[name];
      const found = same?.path === path ? same : Object.values(detection.services).find((s) => s.path === path && !s.imageFrom);
      const svc = found ?? this.described(name, path);
      // Backing services the new service uses and the model does not have yet.
      const backing = Object.fromEntries(svc.dependsOn.filter((d) => d in detection.backing && !(d in model.backing)).map((d) => [d, detection.backing[d]!]));
      this.detected = { services: { [name]: { ...svc, path } }, backing };
      if (found) this.log.info(`Detected ${name} in ${path}: ${svc.language} ${svc.languageVersion}, port ${svc.port ?? 'none'}`);
    }
    const flags: Record<string, unknown> = {};
    if (this.options.path !== undefined) flags.path = path;
    if (this.options.port !== undefined) flags.port = portFromText(this.options.port);
    if (this.options.start !== undefined) flags.start = splitCommand(this.options.start);
    if (this.options.public !== undefined) flags.public = this.options.public;
    if (this.options.language !== undefined) flags.language = this.options.language;
    if (this.options.languageVersion !== undefined) flags.languageVersion = String(this.options.languageVersion);
    // --redetect: the stored entry gives way to what detection finds now.
    if (existing && this.options.redetect) delete model.services[name];
    this.change = existing ? `Updated service "${name}" in the model (.yo-rc.json)` : `Added service "${name}" to the model (.yo-rc.json)`;
    return [model as unknown as Layer, ...this.userLayers(), { services: { [name]: flags } }];
  }

  /**
   * A service detection cannot read, described by flags: --language and
   * --language-version at least; --start, --port, --public and --set fill the rest
   * (the whole model is validated before anything is written).
   */
  private described(name: string, path: string): ServiceModel {
    const language = this.options.language as Language | undefined;
    if (language === undefined || this.options.languageVersion === undefined)
      throw new ConfigError(
        `No service detected in "${path}"${this.options.path ? '' : ' (give its folder with --path)'}: it needs a manifest or source the detectors know (package.json, pyproject.toml, go.mod, pom.xml, ...), ` +
          `or describe it with flags: containerize service ${name} --path ${path} --language <${LANGUAGES.join('|')}> --language-version <version> --start "<command>" [--port <port>]`,
      );
    if (!LANGUAGES.includes(language)) throw new UsageError(`--language "${language}" is not a language we build${suggest(language, LANGUAGES)}`);
    const dockerfile = posix.join(path, 'Dockerfile');
    const own = existsSync(join(this.destinationRoot(), dockerfile)) && !isGenerated(readFileSync(join(this.destinationRoot(), dockerfile), 'utf8'));
    this.log.info(`Described ${name} in ${path} from flags: ${language} ${this.options.languageVersion}`);
    return {
      path,
      language,
      languageVersion: String(this.options.languageVersion),
      framework: null,
      packageManager: null,
      lockfile: null,
      port: null,
      start: [],
      build: null,
      healthPath: null,
      public: false,
      env: {},
      dependsOn: [],
      entry: null,
      outputDir: null,
      dockerfile: own ? dockerfile : null,
    };
  }

  end() {
    super.end();
    const log = runLog(this.env);
    const touched = log.actions.filter((a) => a.status !== 'identical').length;
    const files = touched ? `${touched} file${touched === 1 ? '' : 's'} touched (listed above)` : 'no file changed';
    this.log(`${log.dryRun ? 'Dry run (nothing was written): ' : ''}${this.change}; ${log.stages.length} stages re-rendered, ${files}.`);
  }
}
