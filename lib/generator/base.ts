/**
 * The base of every containerize generator. It owns the first stages of the
 * pipeline, detect → model, for whichever generator is the root of a run
 * (`app`, `service`, or a stage run on its own), and the last one, write, for all.
 *
 *   initializing  reject unknown flags and arguments; read .yo-rc.json and the ledger
 *                 (clear errors if broken); detect the app if no model is stored
 *   prompting     ask only what is neither stored, given by flags/answers, nor settled by detection
 *   configuring   merge the layers, validate the whole model, store it in .yo-rc.json
 *   writing       (each stage) render its files from the model, validate them, hand them over
 *   transform     (root) decide per path: create, update, merge, keep theirs, remove
 *                 (lib/write/plan.ts); ask a terminal user about merges and conflicts
 *   commit        (root) write everything or nothing, the ledger last (lib/write/commit.ts)
 *   end           (root) print what was written and what is left to the user
 *
 * Composed stages read the model back from .yo-rc.json in `writing`: the
 * stored config is the hand-off, so a stage run alone and a stage composed by
 * `app` render from exactly the same thing.
 */
import { constants, existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Generator from 'yeoman-generator';
import { YoResolve } from '@yeoman/conflicter';
import { clearFileState, isFilePending, isFileStateDeleted, setCommittedFile } from 'mem-fs-editor/state';
import { detectStack, toModel } from '../detect/stack.js';
import type { Detection } from '../detect/types.js';
import { migrate, ConfigError } from '../model/migrate.js';
import { canonical, checkSetTargets, mergeLayers, notSecretLayer, readAnswersFile, setsToLayer, withServiceDefaults, type Layer } from '../model/merge.js';
import { assertModel, startFlag, startUnknown } from '../model/validate.js';
import { followOwners } from '../model/processes.js';
import { CONFIG_KEY, type StackModel } from '../model/types.js';
import { buildQuestions, applyAnswers } from '../model/questions.js';
import { DELIVERY_OPTIONS } from '../model/options.js';
import { PACK_RULES } from '../languages/index.js';
import { suggest, UsageError } from '../model/usage.js';
import { validateOutputs } from '../validate/outputs.js';
import { modeOf, type OutputFile } from '../render/types.js';
import { layoutOf } from '../render/layout.js';
import { wireStack } from '../render/wiring.js';
import { commitFiles, InterruptedError, withSigint } from '../write/commit.js';
import { formatLedger, LEDGER_PATH, readLedger, type Ledger } from '../write/ledger.js';
import { besideOf, conflictPath } from '../write/ownership.js';
import { planWrites, replaceAction, type Action, type Plan } from '../write/plan.js';
import { assertInsideRepo, conflictsOf, formatDryRun, formatSummary, recordOutputs, runLog, unifiedDiff, type LeftOut } from '../write/writer.js';
import { formatDetection } from '../detect/report.js';
import { GENERATOR_NAMES } from './names.js';

const { S_IFREG } = constants;

export interface ContainerizeOptions {
  yes?: boolean;
  answers?: string;
  set?: string[];
  name?: string;
  registry?: string;
  notSecret?: string[];
  askAnswered?: boolean;
  force?: boolean;
  dryRun?: boolean;
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

/** A file's text, or undefined when there is none (or a folder is there). */
function readText(abs: string): string | undefined {
  try {
    return statSync(abs).isFile() ? readFileSync(abs, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** True when `path` already holds `content` (and `mode`, if given). */
function sameOnDisk(path: string, content: Buffer, mode?: number): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && (mode === undefined || (st.mode & 0o7777) === (mode & 0o7777)) && readFileSync(path).equals(content);
  } catch {
    return false;
  }
}

/** Yeoman's own install options (--skip-install...) mean nothing here: we never install packages. */
export function hideInstallOptions(generator: { _options: Record<string, { hide?: boolean }> }): void {
  for (const name of ['skip-cache', 'skip-install', 'force-install']) {
    if (generator._options[name]) generator._options[name]!.hide = true;
  }
}

/**
 * Strict command lines: every flag must be one the generator declares, and no
 * more positional arguments than it takes (`yo containerize nosuchgen` is not
 * the app run with a stray word). Errors name the nearest valid choice.
 */
export function checkCommandLine(
  generator: { _args: readonly string[]; _initOptions: Record<string, unknown>; _options: Record<string, { name: string; alias?: string; type?: unknown; hide?: boolean }>; _arguments: readonly unknown[] },
  name: string,
): void {
  const options = Object.values(generator._options);
  // Options handed over already parsed (yo parses the command line itself; tests pass objects).
  const declared = new Set(options.flatMap((o) => [camel(o.name), ...(o.alias ? [o.alias] : [])]));
  for (const key of Object.keys(generator._initOptions ?? {})) {
    if (declared.has(camel(key)) || INTERNAL_OPTIONS.has(camel(key))) continue;
    const visibleNames = options.filter((o) => !o.hide).map((o) => o.name);
    throw new UsageError(`unknown option --${key} for ${name}${suggest(key, visibleNames, (s) => `--${s}`)} (--help lists them)`);
  }
  const takesValue = new Set(options.filter((o) => o.type !== Boolean).flatMap((o) => [o.name, ...(o.alias ? [o.alias] : [])]));
  const known = new Set(options.flatMap((o) => [o.name, ...(o.alias ? [o.alias] : []), ...(o.type === Boolean ? [`no-${o.name}`] : [])]));
  const visible = options.filter((o) => !o.hide).map((o) => o.name);
  let positional = 0;
  const args = generator._args;
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') {
      positional += args.length - i - 1;
      break;
    }
    if (token.startsWith('--')) {
      const flag = token.slice(2).split('=')[0]!;
      if (!known.has(flag)) throw new UsageError(`unknown option --${flag} for ${name}${suggest(flag, visible, (s) => `--${s}`)} (--help lists them)`);
      if (takesValue.has(flag) && !token.includes('=')) i++;
    } else if (token.startsWith('-') && token.length > 1) {
      for (const c of token.slice(1)) if (!known.has(c)) throw new UsageError(`unknown option -${c} for ${name} (--help lists them)`);
      if (takesValue.has(token.slice(-1))) i++;
    } else positional++;
  }
  if (positional > generator._arguments.length) {
    const extra = args.filter((a) => !a.startsWith('-'))[generator._arguments.length]!;
    const hint = GENERATOR_NAMES.includes(extra) ? `; to run that generator: containerize ${extra} (yo containerize:${extra})` : suggest(extra, GENERATOR_NAMES, (g) => `containerize ${g}`);
    throw new UsageError(`${name} takes ${generator._arguments.length || 'no'} argument${generator._arguments.length === 1 ? '' : 's'}, but was given "${extra}"${hint}`);
  }
}

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Options Yeoman, yeoman-test and yo hand to every generator, which are not ours to check. */
const INTERNAL_OPTIONS = new Set([
  'env',
  'resolved',
  'namespace',
  '_meta',
  'sharedData',
  'forwardErrorToEnvironment',
  'skipInstall',
  'skipCache',
  'skipLocalCache',
  'localConfigOnly',
  'forceInstall',
  'destinationRoot',
  'help',
  // yeoman-environment's commit options (yo passes them on): we commit ourselves, these mean nothing
  // here except skipYoResolve, which is honoured
  'skipYoResolve',
  'bail',
  'ignoreWhitespace',
  'skipChecks',
  'experimental',
  // yo's own flags, which it passes on
  'localOnly',
  'generators',
  'insight',
  'version',
  'debug',
  'environmentVersion',
  'updateCheck',
]);

/**
 * Services of the model that miss a required value (an unknown start command) are removed,
 * with the references other services make to them and the backing services only they use.
 * Returns them; none is removed when every service misses one (the run then fails with
 * every problem listed, nothing written).
 */
export function leaveOutIncomplete(model: StackModel): LeftOut[] {
  const names = Object.keys(model.services ?? {}).sort();
  const unknown = names.filter((n) => startUnknown(model.services[n]!));
  // The processes of a service left out go with it: they run its image.
  const incomplete = names.filter((n) => unknown.includes(n) || unknown.includes(model.services[n]!.imageFrom ?? ''));
  if (incomplete.length === 0 || incomplete.length === names.length) return [];
  const out: LeftOut[] = incomplete.map((name) => {
    const svc = model.services[name]!;
    const owner = unknown.includes(name) ? name : svc.imageFrom!;
    return { name, path: svc.path, field: 'start', flag: startFlag(owner, model.services[owner]!.language) };
  });
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
  /** The ledger of generated files, read before anything else is decided. */
  protected ledger?: Ledger;
  /** Layers: what detection found, then what the user settled (stored config, answers file, flags), lowest first. */
  protected detected: Layer = {};
  protected answered: Layer[] = [];
  protected promptLayer: Layer = {};
  /** This run's --set flags as a layer (checked against the model in configuring). */
  protected setLayer: Layer = {};

  constructor(args: string[], options: any, features?: any) {
    // customInstallTask: we never install packages; it also silences Yeoman's npm-install notice.
    // Only the root generator sets it (Yeoman wants one per run).
    super(args, options, { inheritTasks: true, ...(options?.composed ? {} : { customInstallTask: true }), ...features });
    hideInstallOptions(this);
    this.option('yes', {
      type: Boolean,
      alias: 'y',
      description: 'Accept every detected or default value; a service whose start command cannot be determined is left out (the run is partial: exit status 4, each one listed with the flag that settles it)',
    });
    this.option('answers', { type: String, description: 'YAML or JSON file of answers, shaped like the generator-containerize entry of .yo-rc.json' });
    this.option('set', {
      type: toList as any,
      description: 'Set one model value, repeatable: --set web.port=3000 --set registry=ghcr.io/acme --set backing.redis.version=7',
    });
    this.option('not-secret', {
      type: toList as any,
      description:
        'Insist that a variable is not a secret although its name or value looks like one (its value is then written as given), repeatable: --not-secret web.AUTH_MODE',
    });
    this.option('name', { type: String, description: "Application name (lower-case letters, digits and '-', starting with a letter): chart name, Compose project, image prefix" });
    this.option('registry', { type: String, description: 'Image registry and namespace, e.g. ghcr.io/acme (images are <registry>/<name>-<service>)' });
    // The delivery choices, one record each (lib/model/options.ts).
    for (const o of DELIVERY_OPTIONS) if (o.flag) this.option(o.flag, { type: o.type === 'boolean' ? Boolean : String, description: o.description });
    this.option('clusters', {
      type: String,
      description: 'Production runs in several clusters, e.g. --clusters eu,us: an overlay (or values file) per cluster and a CD deploy per cluster; each one\'s region, storageClass, ingressClass and domain by --set clusters.<name>.<field>=... (adds to those stored; --set clusters.<name>=null removes one)',
    });
    this.option('force', {
      type: Boolean,
      description: 'Overwrite generated files you edited instead of merging (and remove those no longer generated); never a file of your own',
    });
    this.option('dry-run', { type: Boolean, description: 'Print what would change, as a unified diff per file, and write nothing' });
    this.option('composed', { type: Boolean, hide: true, description: 'internal: set by app when composing stages' });
    // The root generator commits the run itself: all or nothing, the ledger last.
    if (this.isRoot) (this as { customFeatures: unknown }).customFeatures = { customCommitTask: () => this.commitRun() };
  }

  /** True when this generator acquires the model itself (it was not composed by `app`). */
  protected get isRoot(): boolean {
    return !this.options.composed;
  }

  // Our own flags only: yeoman-test runs every environment with `force` set (for Yeoman's conflicter).
  protected get force(): boolean {
    return Boolean(this.options.force);
  }

  protected get dryRun(): boolean {
    return Boolean(this.options.dryRun);
  }

  /** A terminal user is asked about each merge and conflict; --yes, --force, --dry-run and pipes are not. */
  protected get interactive(): boolean {
    return !this.options.yes && !this.force && !this.dryRun && Boolean(process.stdin.isTTY);
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

  /** Strict input and the ledger: what every root generator checks first. */
  protected startRun(): void {
    checkCommandLine(this as never, this.options.namespace?.split(':')[1] ?? 'containerize');
    this.ledger = readLedger(this.destinationRoot());
  }

  protected acquireInitializing(): void {
    this.startRun();
    const root = this.destinationRoot();
    this.stored = this.readStoredModel();
    const user = this.userLayers();
    if (!this.stored) {
      this.log.info(`Detecting the application in ${root} ...`);
      const detection = detectStack(root, { ours: new Set(this.ledger!.keys()) });
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
      const detection = detectStack(root, { ours: new Set(this.ledger!.keys()) });
      this.detection = detection;
      ({ detected: this.detected, restore } = redetected(toModel(detection), stored as StackModel, wanted));
    }
    this.answered = [stored as unknown as Layer, restore, ...user];
  }

  /** What the user said on this run, lowest priority first: --answers FILE, --set, named flags. */
  protected userLayers(): Layer[] {
    const flagLayer: Layer = {};
    if (this.options.name !== undefined) flagLayer.name = this.options.name;
    if (this.options.registry !== undefined) flagLayer.registry = this.options.registry;
    const opt = (name: string) => this.options[name] ?? this.options[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
    const deliveryFlags: Layer = {};
    for (const o of DELIVERY_OPTIONS) if (o.flag && opt(o.flag) !== undefined) deliveryFlags[o.field] = opt(o.flag);
    if (Object.keys(deliveryFlags).length > 0) flagLayer.delivery = deliveryFlags;
    if (opt('clusters') !== undefined)
      flagLayer.clusters = Object.fromEntries(
        String(opt('clusters'))
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
          .map((n) => [n, {}]),
      );
    const answersLayer = this.options.answers ? readAnswersFile(join(this.env.cwd ?? this.destinationRoot(), this.options.answers)) : {};
    this.setLayer = setsToLayer(toList(this.options.set));
    return [answersLayer, this.setLayer, notSecretLayer(toList(this.options.notSecret ?? this.options['not-secret'])), flagLayer];
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
    // A --set on a service that is not there is a typo: say so before asking anything.
    checkSetTargets(this.setLayer, mergeLayers(this.detected, ...this.answered.filter((l) => l !== this.setLayer)), toList(this.options.set));
    const answeredLayer = mergeLayers(...this.answered);
    const questions = buildQuestions({
      merged: this.mergedSoFar(),
      answered: answeredLayer,
      evidence: this.detection && Object.fromEntries(Object.entries(this.detection.services).map(([n, s]) => [n, s.evidence])),
      askAnswered: Boolean(this.options.askAnswered),
    });
    if (this.options.yes || questions.length === 0) return;
    const answers = await this.prompt(questions as any);
    this.promptLayer = applyAnswers(answers as Record<string, unknown>, this.mergedSoFar());
  }

  protected acquireConfiguring(): void {
    // A process takes its image fields (and, added by flags alone, its env and dependsOn) from its
    // owner before the other fields no layer gave are set to empty.
    const layers = followOwners(mergeLayers(this.detected, ...this.answered, this.promptLayer) as unknown as StackModel) as unknown as Layer;
    const merged = migrate(withServiceDefaults(layers), 'the merged answers');
    // With --yes nothing can be asked: a service missing a required value is left out and the
    // others are written (a partial run, exit status 4), each left-out one listed with its flag.
    const leftOut = this.options.yes ? leaveOutIncomplete(merged) : [];
    const model = canonical(assertModel(merged, this.destinationRoot(), PACK_RULES));
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
    // `leftOut` sits beside the model in .yo-rc.json (services a --yes run left out) and is never rendered.
    const { leftOut: _leftOut, ...entry } = this.config.getAll() ?? {};
    if (Object.keys(entry).length === 0)
      throw new ConfigError('No stack model in .yo-rc.json: run `yo containerize` (or `containerize`) first.');
    this.model = canonical(assertModel(migrate(entry, '.yo-rc.json'), this.destinationRoot(), PACK_RULES));
    return this.model;
  }

  /** Validate rendered files, then hand them to the writer. */
  protected writeStage(stage: string, files: OutputFile[]): void {
    validateOutputs(files);
    recordOutputs(
      this.env,
      stage,
      files.map((f) => {
        const mode = modeOf(f);
        const extra = { ...(mode !== undefined ? { mode } : {}), ...(f.block ? { block: true } : {}), ...(f.beside ? { beside: f.beside } : {}) };
        return { stage, path: f.path, content: f.content, ...extra };
      }),
      this.model,
    );
  }

  /** `.yo-resolve`'s word (skip, force) for every path the plan may touch. */
  private async resolveWords(paths: Iterable<string>): Promise<Map<string, string>> {
    const root = this.destinationRoot();
    const yoResolve = new YoResolve();
    const words = new Map<string, string>();
    if (this.options.skipYoResolve) return words;
    for (const path of new Set(paths)) {
      const word = await yoResolve.getStatusForFile(join(root, path));
      if (word) words.set(path, String(word));
    }
    return words;
  }

  /**
   * After every stage has rendered: decide what happens to each path
   * (lib/write/plan.ts), let a terminal user choose for merges and conflicts,
   * then stage the result in mem-fs (nothing reaches the disk before the commit).
   * A dry run prints the diffs instead.
   */
  protected async planRun(): Promise<void> {
    const root = this.destinationRoot();
    const log = runLog(this.env);
    const ledger = this.ledger ?? readLedger(root);
    const read = (path: string) => readText(join(root, path));
    const candidates = [...log.entries.flatMap((e) => [e.path, besideOf(e.path).path]), ...ledger.keys()];
    const words = await this.resolveWords(candidates);
    let plan = planWrites(log.entries, ledger, { force: this.force, stages: log.stages, read, resolve: (p) => words.get(p) });
    if (this.interactive) plan = await this.askPerFile(plan, ledger, read);
    // The repository is a boundary: nothing lands outside it through a symbolic link.
    assertInsideRepo(root, plan.actions.flatMap((a) => a.writes.map((w) => w.path)));
    log.actions = plan.actions;
    log.ledger = plan.ledger;
    log.dryRun = this.dryRun;
    if (this.dryRun) {
      const yoRc = join(root, '.yo-rc.json');
      const model = this.fs.exists(yoRc) ? [{ path: '.yo-rc.json', after: this.fs.read(yoRc)! }] : [];
      this.log(`Dry run: the changes this run would make, as unified diffs; nothing is written.\n${formatDryRun(log, read, model)}`);
      return;
    }
    for (const action of plan.actions)
      for (const w of action.writes) {
        const abs = join(root, w.path);
        if (w.content === null) {
          if (existsSync(abs)) this.fs.delete(abs);
        } else this.fs.write(abs, w.content, w.mode === undefined ? undefined : { stat: { mode: S_IFREG | w.mode } as never });
      }
    const ledgerAbs = join(root, LEDGER_PATH);
    if (plan.ledger.size === 0) {
      if (existsSync(ledgerAbs)) this.fs.delete(ledgerAbs);
    } else {
      const text = formatLedger(plan.ledger);
      if (read(LEDGER_PATH) !== text) this.fs.write(ledgerAbs, text);
    }
  }

  /** In a terminal: each merge and conflict, with its diff, and what to do with it. */
  private async askPerFile(plan: Plan, ledger: Ledger, read: (path: string) => string | undefined): Promise<Plan> {
    for (const action of [...plan.actions]) {
      if (!action.alternatives) continue;
      const disk = read(action.path) ?? '';
      const merged = action.status === 'merged';
      const shown = (merged ? action : action.alternatives.overwrite!).writes.find((w) => w.path === action.path)?.content ?? null;
      this.log(`\n${action.path}: ${action.note ?? action.status}\n${unifiedDiff(action.path, disk, shown).trimEnd()}`);
      const choices: { name: string; value: string }[] = merged
        ? [
            { name: 'Merge: keep your edits and take ours (the diff above)', value: 'apply' },
            { name: 'Keep yours as it is (our change is not offered again)', value: 'keep' },
            { name: 'Take ours, dropping your edits', value: 'overwrite' },
          ]
        : [
            { name: `Keep yours; write ours to ${conflictPath(action.path)} to merge by hand`, value: 'apply' },
            { name: 'Take ours, dropping your edits (the diff above)', value: 'overwrite' },
          ];
      const name = `file:${action.path}`.replace(/\./g, '_');
      const answer = ((await this.prompt([{ type: 'list', name, message: `${action.path}:`, choices, default: 'apply' }] as any)) as Record<string, string>)[name];
      const chosen: Action | undefined = answer === 'keep' ? action.alternatives.keep : answer === 'overwrite' ? action.alternatives.overwrite : undefined;
      if (chosen) plan = replaceAction(plan, action, chosen, ledger);
    }
    return plan;
  }

  /**
   * The run's commit (Yeoman's customCommitTask, root generator only): every
   * pending file of mem-fs, the model and the ledger last, all or nothing
   * (lib/write/commit.ts). A dry run writes nothing.
   */
  protected async commitRun(): Promise<void> {
    const root = this.destinationRoot();
    const sharedFs = (this.env as unknown as { sharedFs: { all(): any[] } }).sharedFs;
    const pending = sharedFs.all().filter((f) => isFilePending(f));
    if (!this.dryRun && pending.length) {
      const files = pending
        .map((f) => ({
          path: f.path as string,
          content: isFileStateDeleted(f) ? null : (f.contents as Buffer),
          ...(f.stat?.mode !== undefined ? { mode: f.stat.mode as number } : {}),
        }))
        // Same bytes and mode as on disk (.yo-rc.json on a re-run): nothing to write.
        .filter((f) => !(f.content !== null && sameOnDisk(f.path, f.content, f.mode)));
      const { interrupted } = await withSigint(() => commitFiles(files, { root, late: [join(root, '.yo-rc.json')], last: [join(root, LEDGER_PATH)] }));
      if (interrupted) throw new InterruptedError('Interrupted after every file of the run was written (the files, .yo-rc.json and the ledger agree).');
    }
    for (const f of pending) {
      setCommittedFile(f);
      clearFileState(f);
    }
  }

  protected printSummary(): void {
    const log = runLog(this.env);
    // The wiring is shown when a stage that wires (compose, kubernetes, helm) wrote this run.
    const layout = this.model ? layoutOf(this.model) : undefined;
    const wires = log.actions.some((a) => a.path === layout?.compose || a.path.startsWith('deploy/'));
    const wiring = wires && this.model ? wireStack(this.model) : undefined;
    this.log(formatSummary(log, (p) => relative(process.cwd(), join(this.destinationRoot(), p)) || '.', { wiring, layout }));
    // Scripts tell "all applied" from "conflicts left" (the containerize bin exits with the same status).
    if (conflictsOf(log).length) process.exitCode = CONFLICTS_EXIT;
  }
}

/** Exit status of a run that wrote everything but left conflicts to the user (docs/options.md). */
export const CONFLICTS_EXIT = 3;
