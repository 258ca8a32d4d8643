/**
 * `yo containerize:service <name>`: add a component to the stored model, or
 * update one, then re-render every stage from the new model (aggregate files
 * such as compose.yaml are re-rendered whole, never appended to).
 */
import { OrchestratorGenerator } from '../app/orchestrator.js';
import { detectStack, toModel } from '../../lib/detect/stack.js';
import { ConfigError } from '../../lib/model/migrate.js';
import { kinds } from '../../lib/model/kinds.js';
import { splitCommand, type Layer } from '../../lib/model/merge.js';

export default class ServiceGenerator extends OrchestratorGenerator {
  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Add or update one component of the stack, then re-render every stage.';
    this.argument('service', { type: String, required: true, description: 'Service name (a DNS-1123 label; the hostname other services use)' });
    this.option('path', { type: String, description: 'Folder of the service (default: its stored path, else a folder with its name)' });
    this.option('port', { type: String, description: 'Port it listens on ("none" for a worker)' });
    this.option('start', { type: String, description: 'Command that starts it, e.g. "node server.js"' });
    this.option('public', { type: Boolean, description: 'Reachable from outside (--no-public for internal)' });
    this.option('redetect', { type: Boolean, description: 'Detect an existing service again instead of keeping its stored values' });
  }

  async initializing() {
    const name: string = this.options.service;
    const bad = kinds.dnsLabel(name);
    if (bad) throw new ConfigError(`Service name ${bad}`);
    this.stored = this.readStoredModel();
    if (!this.stored) throw new ConfigError('No stack model in .yo-rc.json: run `yo containerize` first, then add services with `yo containerize:service`.');
    const existing = this.stored.services[name];
    const path = this.options.path ?? existing?.path ?? name;
    const pathProblem = kinds.relPath(path);
    if (pathProblem) throw new ConfigError(`--path ${pathProblem}`);

    let detected: Layer = {};
    if (!existing || this.options.redetect) {
      const detection = toModel(detectStack(this.destinationRoot()));
      const svc = Object.values(detection.services).find((s) => s.path === path);
      if (!svc) {
        throw new ConfigError(
          `No service detected in "${path}"${this.options.path ? '' : ' (give its folder with --path)'}: it needs a manifest or source the detectors know (package.json, pyproject.toml, go.mod, pom.xml, ...).`,
        );
      }
      // Backing services the new service uses and the model does not have yet.
      const backing = Object.fromEntries(
        svc.dependsOn.filter((d) => d in detection.backing && !(d in this.stored!.backing)).map((d) => [d, detection.backing[d]!]),
      );
      detected = { services: { [name]: { ...svc, path } }, backing };
      this.log.info(`Detected ${name} in ${path}: ${svc.language} ${svc.languageVersion}, port ${svc.port ?? 'none'}`);
    }
    const flags: Record<string, unknown> = {};
    if (this.options.path !== undefined) flags.path = path;
    if (this.options.port !== undefined) flags.port = /^(none|null|)$/.test(this.options.port) ? null : Number(this.options.port);
    if (this.options.start !== undefined) flags.start = splitCommand(this.options.start);
    if (this.options.public !== undefined) flags.public = this.options.public;
    // --redetect: the stored entry gives way to what detection finds now.
    const stored = structuredClone(this.stored) as unknown as Layer;
    if (existing && this.options.redetect) delete (stored.services as Layer)[name];
    this.detected = detected;
    this.answered = [stored, ...this.userLayers(), { services: { [name]: flags } }];

    await this.composeStages();
  }

  end() {
    super.end();
    this.log(`Service "${this.options.service}" is in the model (.yo-rc.json); every stage was re-rendered.`);
  }
}
