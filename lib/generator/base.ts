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
import { assertModel } from '../model/validate.js';
import { CONFIG_KEY, type StackModel } from '../model/types.js';
import { buildQuestions, applyAnswers } from '../model/questions.js';
import { validateOutputs } from '../validate/outputs.js';
import type { OutputFile } from '../render/types.js';
import { wireStack } from '../render/wiring.js';
import { runLog, writeOutputs, formatSummary, settleStatuses } from '../write/writer.js';
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
    this.option('yes', { type: Boolean, alias: 'y', description: 'Accept every detected or default value; fail if something required cannot be determined' });
    this.option('answers', { type: String, description: 'YAML or JSON file of answers, shaped like the generator-containerize entry of .yo-rc.json' });
    this.option('set', {
      type: toList as any,
      description: 'Set one model value, repeatable: --set web.port=3000 --set registry=ghcr.io/acme --set backing.redis.version=7',
    });
    this.option('name', { type: String, description: "Application name (lower-case letters, digits and '-', starting with a letter): chart name, Compose project, image prefix" });
    this.option('registry', { type: String, description: 'Image registry and namespace, e.g. ghcr.io/acme (images are <registry>/<name>-<service>)' });
    this.option('registry-kind', { type: String, description: 'How CI logs in to the registry: ghcr, dockerhub, ecr, gar, acr or generic (default: from the registry host; docs/ci-cd.md)' });
    this.option('deploy-tool', { type: String, description: 'What the CD workflows deploy with: kustomize (default) or helm' });
    this.option('previews', { type: Boolean, description: 'A preview namespace pr-<number> per pull request, torn down when it closes (default: off; --no-previews turns it off again)' });
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
    if (!this.stored) {
      this.log.info(`Detecting the application in ${root} ...`);
      const detection = detectStack(root);
      this.detection = detection;
      this.log(formatDetection(detection));
    }
    this.detected = this.detectedLayer();
    this.answered = [(this.stored ?? {}) as unknown as Layer, ...this.userLayers()];
  }

  /** What the user said on this run, lowest priority first: --answers FILE, --set, named flags. */
  protected userLayers(): Layer[] {
    const flagLayer: Layer = {};
    if (this.options.name !== undefined) flagLayer.name = this.options.name;
    if (this.options.registry !== undefined) flagLayer.registry = this.options.registry;
    const opt = (name: string) => this.options[name] ?? this.options[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
    const deliveryFlags: Layer = {};
    if (opt('registry-kind') !== undefined) deliveryFlags.registryKind = opt('registry-kind');
    if (opt('deploy-tool') !== undefined) deliveryFlags.deployTool = opt('deploy-tool');
    if (opt('previews') !== undefined) deliveryFlags.previews = opt('previews');
    if (Object.keys(deliveryFlags).length > 0) flagLayer.delivery = deliveryFlags;
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
    const merged = mergeLayers(this.detected, ...this.answered, this.promptLayer) as unknown as StackModel;
    const model = canonical(assertModel(migrate(merged, 'the merged answers'), this.destinationRoot()));
    this.config.set(model as unknown as Record<string, unknown>);
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
