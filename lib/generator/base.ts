/**
 * The base of every containerize generator. It owns the first stages of the
 * pipeline, detect → model, for whichever generator is the root of a run
 * (`app`, or a stage run on its own), and the last one, write, for all.
 *
 *   initializing  read .yo-rc.json (clear error if broken), detect the app if no model is stored
 *   prompting     ask only what is neither stored, given by flags/answers, nor settled by detection
 *   configuring   merge the layers, validate the whole model, store it in .yo-rc.json
 *   writing       (each stage) render its files from the model, validate them, write them
 *   end           (root) print what was written
 *
 * Composed stages read the model back from .yo-rc.json in `writing`: the
 * stored config is the hand-off, so a stage run alone and a stage composed by
 * `app` render from exactly the same thing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Generator from 'yeoman-generator';
import { detectStack, toModel } from '../detect/stack.js';
import type { Detection } from '../detect/types.js';
import { migrate, ConfigError } from '../model/migrate.js';
import { canonical, mergeLayers, readAnswersFile, setsToLayer, type Layer } from '../model/merge.js';
import { assertModel, startFlag, startUnknown } from '../model/validate.js';
import { CONFIG_KEY, type StackModel } from '../model/types.js';
import { buildQuestions, applyAnswers } from '../model/questions.js';
import { validateOutputs } from '../validate/outputs.js';
import type { OutputFile } from '../render/types.js';
import { wireStack } from '../render/wiring.js';
import { runLog, writeOutputs, formatSummary, settleStatuses, type LeftOut } from '../write/writer.js';
import { formatDetection } from '../detect/report.js';

export interface ContainerizeOptions {
  yes?: boolean;
  answers?: string;
  set?: string[];
  name?: string;
  registry?: string;
  askAnswered?: boolean;
  /** Set by `app` when it composes a stage: the stage reads the model `app` stored. */
  composed?: boolean;
}

/** The parsed .yo-rc.json, undefined when absent; a clear ConfigError when it is not a JSON object. */
function readConfigFile(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON (${(error as Error).message}). Fix or delete it; nothing was written.`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${file} must hold a JSON object; nothing was written.`);
  return raw as Record<string, unknown>;
}

export class ConflictError extends Error {
  constructor(readonly paths: string[]) {
    super(
      `These files differ from what this run renders, and a run with --yes or without a terminal does not overwrite them:\n` +
        paths.map((p) => `  - ${p}`).join('\n') +
        `\nNothing was written. Run in a terminal without --yes to review each change, or pass --force to overwrite them.`,
    );
    this.name = 'ConflictError';
  }
}

/** Yeoman's own install options (--skip-install...) mean nothing here: we never install packages. */
export function hideInstallOptions(generator: { _options: Record<string, { hide?: boolean }> }): void {
  for (const name of ['skip-cache', 'skip-install', 'force-install']) {
    if (generator._options[name]) generator._options[name]!.hide = true;
  }
}

/**
 * Services of the model that miss a required value (an unknown start command) are removed,
 * with the references other services make to them and the backing services only they use.
 * Returns them; none is removed when every service misses one (the run then fails with
 * every problem listed, nothing written).
 */
export function leaveOutIncomplete(model: StackModel): LeftOut[] {
  const names = Object.keys(model.services ?? {}).sort();
  const incomplete = names.filter((n) => startUnknown(model.services[n]!));
  if (incomplete.length === 0 || incomplete.length === names.length) return [];
  const out: LeftOut[] = incomplete.map((name) => ({ name, path: model.services[name]!.path, field: 'start', flag: startFlag(name, model.services[name]!.language) }));
  const dropped = new Set(incomplete);
  const theirBacking = new Set(incomplete.flatMap((n) => model.services[n]!.dependsOn ?? []));
  for (const name of incomplete) delete model.services[name];
  for (const svc of Object.values(model.services)) svc.dependsOn = (svc.dependsOn ?? []).filter((d) => !dropped.has(d));
  const stillUsed = new Set(Object.values(model.services).flatMap((s) => s.dependsOn));
  for (const b of theirBacking) if (b in (model.backing ?? {}) && !stillUsed.has(b)) delete model.backing[b];
  return out;
}

/**
 * Layers that bring back services the stored model lacks: each wanted service as detection
 * sees it (with the backing services it uses that the model lacks), and the dependsOn entries
 * stored services have on it by detection.
 */
function redetected(detected: StackModel, stored: StackModel, wanted: string[]): { detected: Layer; restore: Layer } {
  const services: Layer = {};
  const backing: Layer = {};
  const restore: Record<string, Layer> = {};
  for (const name of wanted) {
    const svc = detected.services[name];
    if (!svc) continue;
    services[name] = svc;
    for (const dep of svc.dependsOn) if (dep in detected.backing && !(dep in stored.backing)) backing[dep] = detected.backing[dep];
    for (const [other, o] of Object.entries(stored.services)) {
      const deps = (restore[other]?.dependsOn as string[] | undefined) ?? o.dependsOn;
      if (detected.services[other]?.dependsOn.includes(name) && !deps.includes(name)) restore[other] = { dependsOn: [...deps, name].sort() };
    }
  }
  return { detected: { services, backing }, restore: { services: restore } };
}

const toList = (v: unknown): string[] => (v === undefined ? [] : ([] as unknown[]).concat(v).map(String));

export abstract class ContainerizeGenerator extends Generator<Record<string, any>, ContainerizeOptions & Record<string, any> & Generator['options']> {
  /** The run's model once configured (root) or loaded (composed stage). */
  protected model?: StackModel;
  protected detection?: Detection;
  protected stored?: StackModel;
  /** Layers: what detection found, then what the user settled (stored config, answers file, flags), lowest first. */
  protected detected: Layer = {};
  protected answered: Layer[] = [];
  protected promptLayer: Layer = {};

  constructor(args: string[], options: any, features?: any) {
    // customInstallTask: we never install packages; it also silences Yeoman's npm-install notice.
    // Only the root generator sets it (Yeoman wants one per run).
    super(args, options, { inheritTasks: true, ...(options?.composed ? {} : { customInstallTask: true }), ...features });
    hideInstallOptions(this);
    this.option('yes', {
      type: Boolean,
      alias: 'y',
      description: 'Accept every detected or default value; a service whose start command cannot be determined is left out (the run is partial: exit status 3, each one listed with the flag that settles it)',
    });
    this.option('answers', { type: String, description: 'YAML or JSON file of answers, shaped like the generator-containerize entry of .yo-rc.json' });
    this.option('set', {
      type: toList as any,
      description: 'Set one model value, repeatable: --set web.port=3000 --set registry=ghcr.io/acme --set backing.redis.version=7',
    });
    this.option('name', { type: String, description: "Application name (lower-case letters, digits and '-', starting with a letter): chart name, Compose project, image prefix" });
    this.option('registry', { type: String, description: 'Image registry and namespace, e.g. ghcr.io/acme (images are <registry>/<name>-<service>)' });
    this.option('force', {
      type: Boolean,
      description: 'Overwrite files that differ from what this run renders (without it: asked per file in a terminal; an error with --yes or no terminal)',
    });
    this.option('composed', { type: Boolean, hide: true, description: 'internal: set by app when composing stages' });
  }

  /** True when this generator acquires the model itself (it was not composed by `app`). */
  protected get isRoot(): boolean {
    return !this.options.composed;
  }

  // ---- detect ---------------------------------------------------------------

  /**
   * Yeoman reads .yo-rc.json while constructing a generator (for `this.config`);
   * check it first so a broken file is our clear error rather than a parser's.
   */
  createStorage(storePath: string, options?: any) {
    const file = this.destinationPath(storePath);
    if (storePath.endsWith('.yo-rc.json')) readConfigFile(file);
    return super.createStorage(storePath, options);
  }

  /** Read and migrate the stored model; a malformed .yo-rc.json is a clear error, before anything is written. */
  protected readStoredModel(): StackModel | undefined {
    const file = join(this.destinationRoot(), '.yo-rc.json');
    const raw = readConfigFile(file);
    if (raw === undefined) return undefined;
    const entry = raw[CONFIG_KEY];
    if (entry === undefined) return undefined;
    return migrate(entry, file);
  }

  protected acquireInitializing(): void {
    const root = this.destinationRoot();
    this.stored = this.readStoredModel();
    const user = this.userLayers();
    if (!this.stored) {
      this.log.info(`Detecting the application in ${root} ...`);
      const detection = detectStack(root);
      this.detection = detection;
      this.log(formatDetection(detection));
      this.detected = this.detectedLayer();
      this.answered = [{}, ...user];
      return;
    }
    // A service the stored model lacks but that a partial run left out, or that a flag names
    // (`--set worker.start=...` after a partial run), is detected again and joins the model.
    const { leftOut, ...stored } = this.stored as StackModel & { leftOut?: Record<string, unknown> };
    const named = user.flatMap((l) => Object.entries((l.services ?? {}) as Layer).filter(([, v]) => v !== null).map(([n]) => n));
    const wanted = [...new Set([...Object.keys(leftOut ?? {}), ...named])].filter((n) => !(n in stored.services)).sort();
    let restore: Layer = {};
    this.detected = {};
    if (wanted.length) {
      const detection = detectStack(root);
      this.detection = detection;
      ({ detected: this.detected, restore } = redetected(toModel(detection), stored, wanted));
    }
    this.answered = [stored as unknown as Layer, restore, ...user];
  }

  /** What the user said on this run, lowest priority first: --answers FILE, --set, named flags. */
  protected userLayers(): Layer[] {
    const flagLayer: Layer = {};
    if (this.options.name !== undefined) flagLayer.name = this.options.name;
    if (this.options.registry !== undefined) flagLayer.registry = this.options.registry;
    const answersLayer = this.options.answers ? readAnswersFile(join(this.env.cwd ?? this.destinationRoot(), this.options.answers)) : {};
    return [answersLayer, setsToLayer(toList(this.options.set)), flagLayer];
  }

  protected detectedLayer(): Layer {
    return this.detection ? (toModel(this.detection) as unknown as Layer) : {};
  }

  /** The layers merged so far (before prompts): what a question's default and "answered" test read. */
  protected mergedSoFar(): Layer {
    return mergeLayers(this.detected, ...this.answered);
  }

  // ---- model ------------------------------------------------------------------

  protected async acquirePrompting(): Promise<void> {
    const answeredLayer = mergeLayers(...this.answered);
    const questions = buildQuestions({
      merged: this.mergedSoFar(),
      answered: answeredLayer,
      detection: this.detection,
      askAnswered: Boolean(this.options.askAnswered),
    });
    if (this.options.yes || questions.length === 0) return;
    const answers = await this.prompt(questions as any);
    this.promptLayer = applyAnswers(answers as Record<string, unknown>, this.mergedSoFar());
  }

  protected acquireConfiguring(): void {
    const merged = migrate(mergeLayers(this.detected, ...this.answered, this.promptLayer), 'the merged answers');
    // With --yes nothing can be asked: a service missing a required value is left out and the
    // others are written (a partial run, exit status 3), each left-out one listed with its flag.
    const leftOut = this.options.yes ? leaveOutIncomplete(merged) : [];
    const model = canonical(assertModel(merged, this.destinationRoot()));
    this.config.set(model as unknown as Record<string, unknown>);
    if (leftOut.length) this.config.set('leftOut', Object.fromEntries(leftOut.map((l) => [l.name, { path: l.path, missing: l.field }])));
    else this.config.delete('leftOut');
    runLog(this.env).leftOut = leftOut;
    this.model = model;
  }

  // ---- render → validate → write -------------------------------------------

  /** The model this run renders from: the stored config (app stored it in configuring). */
  protected loadModel(): StackModel {
    if (this.model) return this.model;
    const entry = this.config.getAll();
    if (!entry || Object.keys(entry).length === 0)
      throw new ConfigError('No stack model in .yo-rc.json: run `yo containerize` (or `containerize`) first.');
    this.model = canonical(assertModel(migrate(entry, '.yo-rc.json'), this.destinationRoot()));
    return this.model;
  }

  /** Validate rendered files, then hand them to the writer (through this.fs, so the conflicter sees them). */
  protected writeStage(stage: string, files: OutputFile[]): void {
    validateOutputs(files);
    writeOutputs(this, stage, files, this.model);
  }

  /**
   * After every stage has rendered and before anything reaches the disk: a run
   * that cannot ask (--yes, or no terminal) must not overwrite a file that
   * differs from what it renders, because that may be the team's own edit.
   * It fails, listing them, and writes nothing, unless --force says to overwrite.
   */
  protected refuseSilentOverwrites(): void {
    const interactive = !this.options.yes && Boolean(process.stdin.isTTY);
    const force = Boolean(this.options.force || (this.env as { options?: { force?: boolean } }).options?.force);
    const changed = runLog(this.env).entries.filter((e) => e.status === 'update');
    if (interactive || force || changed.length === 0) return;
    throw new ConflictError(changed.map((e) => e.path));
  }

  protected printSummary(): void {
    const log = runLog(this.env);
    settleStatuses(log, this.destinationRoot());
    // The wiring is shown when a stage that wires (compose, kubernetes, helm) wrote this run.
    const wires = log.entries.some((e) => e.path === 'compose.yaml' || e.path.startsWith('deploy/'));
    const wiring = wires && this.model ? wireStack(this.model) : undefined;
    this.log(formatSummary(log, (p) => relative(process.cwd(), join(this.destinationRoot(), p)) || '.', wiring));
  }
}
