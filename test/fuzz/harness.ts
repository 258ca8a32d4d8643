/**
 * The property-test harness: a model through every stage and every validator
 * the other tests use, the costly ones batched.
 *
 * Per model (cheap, in process):
 *   - the model validator (lib/model/validate.ts) on a repository holding the model's folders;
 *   - every stage's files() (dockerfile, compose, dev, ci, cd, kubernetes, helm, docs) and
 *     the output checks each generator runs before writing (validateOutputs);
 *   - every Dockerfile through the Dockerfile linter and our rules (lintDockerfile, EXPOSE = the port);
 *   - compose.yaml, the dev layer and the devcontainer layer, each through the compose-spec
 *     schema, then merged through the schema and the reference checks (validateCompose; each
 *     stage already checks its own references when it renders);
 *     .env.example through checkEnvExample;
 *   - values.yaml and each environment file against the chart's values.schema.json;
 *   - `sh -n` on every shell script, `make -n` on the Makefile, the generated .md references.
 * Per batch of models (costly, one process each):
 *   - `helm lint --strict` of every chart at once;
 *   - `helm template` of an umbrella chart holding every chart as a subchart, once with
 *     values.yaml and once with each environment file (the subcharts' schemas apply);
 *   - `kubectl kustomize` of one kustomization holding every model's base (in a namespace of
 *     its own), staging and production overlays;
 *   then every rendered document of each model through the strict Kubernetes schemas
 *   (validateManifests), our rules (checkRules), the wiring's env rules (envProblems) and
 *   "no NetworkPolicy rule without peers".
 * Per batch, asynchronously (workflowChecks): actionlint over every generated workflow.
 */
import { PACK_RULES } from '../../lib/languages/index.js';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { parse, stringify } from 'yaml';
import { files as dockerfileFiles } from '../../generators/dockerfile/files.js';
import { check as composeCheck, files as composeFiles } from '../../generators/compose/files.js';
import { check as devCheck, files as devFiles } from '../../generators/dev/files.js';
import { files as ciFiles } from '../../generators/ci/files.js';
import { files as cdFiles } from '../../generators/cd/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
// The chart whatever the model's deployment tool (delivery.deployTool writes one tool's files; the fuzz covers both).
import { chartFiles as helmFiles } from '../../generators/helm/files.js';
import { files as docsFiles } from '../../generators/docs/files.js';
import { modelPlainNames, modelSecretNames, planStack } from '../../lib/render/compose-plan.js';
import { checkModel } from '../../lib/model/validate.js';
import type { StackModel } from '../../lib/model/types.js';
import type { OutputFile, StageCheck } from '../../lib/render/types.js';
import { lintDockerfile } from '../../lib/validate/dockerfile.js';
import { checkEnvExample, validateCompose } from '../../lib/validate/compose.js';
import { helm, parseManifests } from '../../lib/validate/helm.js';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import { validateOutputs } from '../../lib/validate/outputs.js';
import { kubectlPath, ruleOptions } from '../kubernetes/kustomize.js';
import { danglingDocReferences } from '../helpers/references.js';
import { envProblems } from '../helpers/wiring-checks.js';
import { REPO_ROOT, writeTree } from '../helpers/tree.js';
import type { Generated } from '../helpers/arbitraries.js';
import { runLint } from '../helpers/actionlint.js';

/** The stages' own checks, which the run loop runs after files() (lib/generator/stage.ts). */
const STAGE_CHECKS: Record<string, StageCheck> = { compose: composeCheck, dev: devCheck };

export const STAGE_FILES: Record<string, (m: StackModel) => OutputFile[]> = {
  dockerfile: dockerfileFiles,
  compose: composeFiles,
  dev: devFiles,
  ci: ciFiles,
  cd: cdFiles,
  kubernetes: kubernetesFiles,
  helm: helmFiles,
  docs: docsFiles,
};
// Every generator folder but the four that render no file of their own (doctor only reports) is a stage here.
for (const g of readdirSync(join(REPO_ROOT, 'generators'))) if (!['app', 'detect', 'service', 'doctor'].includes(g) && !(g in STAGE_FILES)) throw new Error(`stage ${g} is missing from the fuzz harness`);

/** A model under test: where its repository is and what came of it. */
export interface Case {
  id: string;
  model: StackModel;
  root: string;
  /** What the model validator said (empty: accepted). */
  refused: string[];
  files: OutputFile[];
  problems: string[];
}

/** Write a generated model's repository (its folders and the files its paths name) below `root`. */
export function writeRepo(root: string, gen: Generated): void {
  mkdirSync(root, { recursive: true });
  writeTree(root, gen.tree);
}

/** Every stage's files, as the generators render them; a stage that throws is a problem, not a crash. */
export function renderAll(model: StackModel): { files: OutputFile[]; problems: string[] } {
  const files: OutputFile[] = [];
  const problems: string[] = [];
  for (const [stage, render] of Object.entries(STAGE_FILES)) {
    try {
      const out = render(model);
      validateOutputs(out);
      const checked = STAGE_CHECKS[stage]?.(model, out) ?? [];
      if (checked.length) throw new Error(checked.join('\n'));
      files.push(...out);
    } catch (error) {
      problems.push(`${stage}: ${(error as Error).message.split('\n').slice(0, 6).join(' | ')}`);
    }
  }
  return { files, problems };
}

const get = (files: OutputFile[], path: string) => files.find((f) => f.path === path)?.content;

/** Helm's value coalescing, enough for our files: maps merge, everything else replaces. */
export function coalesce(base: any, over: any): any {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null || Array.isArray(over)) return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? coalesce(base[k], v) : v;
  return out;
}

/** The chart's values schema does not depend on the model: compiled once. */
const validators = new Map<string, ReturnType<Ajv['compile']>>();
function valuesValidator(schema: string): ReturnType<Ajv['compile']> {
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(schema))));
  return v;
}

/** Results of the file-level checks by content: many cases render identical files (a hostile env value changes no Dockerfile). */
const memo = new Map<string, string[]>();
const once = (key: string, check: () => string[]): string[] => {
  let r = memo.get(key);
  if (!r) memo.set(key, (r = check()));
  if (memo.size > 5000) memo.clear();
  return r;
};

/** The in-process validators over one model's files. */
export function cheapChecks(model: StackModel, files: OutputFile[], dir: string): string[] {
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(model.services)) {
    // One Dockerfile per folder: its owner's (a process of its image has none of its own).
    if (svc.dockerfile || svc.imageFrom) continue;
    const path = svc.path === '.' ? 'Dockerfile' : `${svc.path}/Dockerfile`;
    const text = get(files, path);
    if (text === undefined) problems.push(`dockerfile: ${path} not rendered for ${name}`);
    else for (const p of once(`docker ${svc.port}\n${text}`, () => lintDockerfile(text, { port: svc.port }))) problems.push(`${path}: ${p}`);
  }
  const compose = get(files, 'compose.yaml');
  const override = get(files, 'compose.override.yaml');
  const devcontainer = get(files, '.devcontainer/compose.devcontainer.yaml');
  const secretNames = modelSecretNames(model);
  const plainNames = modelPlainNames(model);
  if (compose && override && devcontainer) {
    // Each file against the schema, then the three merged (schema and references); compose.yaml alone
    // and with the dev layer went through the reference checks when their stages rendered them.
    problems.push(...validateCompose([compose, override, devcontainer], { files, secretNames, plainNames, label: 'compose.yaml + override + devcontainer' }));
  } else problems.push('compose: compose.yaml, compose.override.yaml or the devcontainer layer is missing');
  const example = get(files, '.env.example');
  if (example !== undefined) {
    const plan = planStack(model);
    const plainKeys = plan.apps.flatMap((a) => a.entries.flatMap((e) => (e.kind === 'interpolated' && model.services[a.name]!.env[e.name]?.notSecret ? [e.key] : [])));
    problems.push(...checkEnvExample(example, secretNames, '.env.example', plainKeys));
  }
  // The chart's values against its schema (helm does this too, but only for the files it is given).
  const chart = `deploy/helm/${model.name}`;
  const schema = get(files, `${chart}/values.schema.json`);
  const values = get(files, `${chart}/values.yaml`);
  if (schema && values) {
    const validate = valuesValidator(schema);
    const defaults = parse(values);
    if (!validate(defaults)) problems.push(`values.yaml: ${JSON.stringify(validate.errors).slice(0, 400)}`);
    for (const env of ['values-staging.yaml', 'values-production.yaml']) {
      const merged = coalesce(defaults, parse(get(files, `${chart}/${env}`) ?? '') ?? {});
      if (!validate(merged)) problems.push(`${env}: ${JSON.stringify(validate.errors).slice(0, 400)}`);
    }
    // A production cluster's file, layered on values-production.yaml.
    for (const f of files.filter((x) => x.path.startsWith(`${chart}/values-production-`))) {
      const merged = coalesce(coalesce(defaults, parse(get(files, `${chart}/values-production.yaml`) ?? '') ?? {}), parse(f.content) ?? {});
      if (!validate(merged)) problems.push(`${f.path}: ${JSON.stringify(validate.errors).slice(0, 400)}`);
    }
  }
  // The workflows name the operations guide in both of the folders the docs stage may pick (docs/ or, beside the user's own pages, docs/containerize/).
  const fallbackPages = files.filter((f) => /^docs\/[^/]+\.md$/.test(f.path)).map((f) => ({ ...f, path: f.path.replace(/^docs\//, 'docs/containerize/') }));
  problems.push(...danglingDocReferences([...files, ...fallbackPages]).map((r) => `dangling doc reference ${r}`));
  // Shell scripts parse; the Makefile parses and every target it lists resolves.
  for (const f of files.filter((x) => x.path.endsWith('.sh'))) {
    const shell = /^#!.*\bbash\b/.test(f.content) ? 'bash' : 'sh';
    problems.push(
      ...once(`${shell}\n${f.content}`, () => {
        const r = spawnSync(shell, ['-n'], { input: f.content, encoding: 'utf8' });
        return r.status !== 0 ? [`${f.path}: ${shell} -n: ${r.stderr.trim()}`] : [];
      }),
    );
  }
  const makefile = get(files, 'Makefile');
  if (makefile !== undefined)
    problems.push(
      ...once(`make\n${makefile}`, () => {
        // -n on `help` alone: the whole Makefile is parsed, no recipe runs (recursive `$(MAKE)` lines would).
        const r = spawnSync('make', ['-n', '-f', 'Makefile', 'help'], { cwd: dir, encoding: 'utf8' });
        return r.status !== 0 ? [`Makefile: make -n: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`] : [];
      }),
    );
  return problems;
}

/** Write rendered files below `dir`. */
export function writeFiles(dir: string, files: OutputFile[]): void {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content, f.path.endsWith('.sh') ? { mode: 0o755 } : {});
  }
}

/** Split helm template output of the umbrella chart by subchart (the `# Source: umbrella/charts/<name>/...` lines). */
function splitBySubchart(text: string): Map<string, object[]> {
  const out = new Map<string, string[]>();
  for (const doc of text.split(/^---\s*$/m)) {
    const m = /^# Source: [^/]+\/charts\/([^/]+)\//m.exec(doc);
    if (!m) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), doc]);
  }
  return new Map([...out].map(([k, docs]) => [k, parseManifests(docs.join('\n---\n'))]));
}

/** Checks of one model's rendered Kubernetes documents (either renderer, any scenario). */
export function manifestChecks(model: StackModel, docs: K8sObject[], label: string, kind: 'helm' | 'kustomize'): string[] {
  const problems: string[] = [];
  problems.push(...validateManifests(docs).map((p) => `${label}: ${p}`));
  problems.push(...checkRules(docs, ruleOptions(model)).map((p) => `${label}: ${p}`));
  for (const d of docs) {
    if (d.kind === 'Secret') problems.push(`${label}: renders a Secret ${d.metadata?.name} (secrets are created by the user)`);
    if (d.kind !== 'NetworkPolicy') continue;
    const spec = d.spec as { ingress?: { from?: unknown[] }[]; egress?: { to?: unknown[] }[] };
    spec.ingress?.forEach((r, i) => (r.from?.length ? null : problems.push(`${label}: NetworkPolicy/${d.metadata?.name}: ingress rule ${i} has no peers (allows all)`)));
    spec.egress?.forEach((r, i) => (r.to?.length ? null : problems.push(`${label}: NetworkPolicy/${d.metadata?.name}: egress rule ${i} has no peers (allows all)`)));
  }
  for (const name of Object.keys(model.services)) {
    // A release command's workload is a Job (a hook in the chart); every other service's a Deployment or StatefulSet.
    const kinds = model.services[name]!.release ? ['Job'] : ['Deployment', 'StatefulSet'];
    const workload = docs.find((d) => kinds.includes(d.kind ?? '') && (d.spec as any)?.template?.metadata?.labels?.['app.kubernetes.io/component'] === name);
    if (!workload) {
      problems.push(`${label}: no workload for service ${name}`);
      continue;
    }
    const c = (workload.spec as any).template.spec.containers[0];
    const cmRef = (c.envFrom ?? []).find((e: any) => e.configMapRef)?.configMapRef?.name;
    const config = (docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === cmRef)?.data ?? {}) as Record<string, string>;
    problems.push(...envProblems(model, name, c.env ?? [], config, (b) => `${model.name}-${b}`).map((p) => `${label} (${kind}): ${p}`));
  }
  return problems;
}

/** The kustomize folders every model is rendered from. */
export const ALL_KUSTOMIZATIONS = ['base', 'overlays/staging', 'overlays/production'] as const;
/** A kustomize folder below deploy/kubernetes: the base, an overlay, or a production cluster's overlay. */
export type Kustomization = string;

/** Every kustomize folder of a model: the base, both overlays, and each production cluster's overlay. */
export const kustomizationsOfModel = (model: StackModel): Kustomization[] => [...ALL_KUSTOMIZATIONS, ...Object.keys(model.clusters ?? {}).sort().map((c) => `overlays/production-${c}`)];

/**
 * The costly validators over a batch of rendered models (each with its files written below
 * its root). `kustomizations`: which kustomize folders to render (kubectl kustomize costs
 * about a quarter of a second per folder on this machine, the base and both overlays by default).
 */
export function costlyChecks(cases: Case[], work: string, kustomizationsOf: (c: Case, i: number) => readonly Kustomization[] = (c) => kustomizationsOfModel(c.model)): void {
  const rendered = cases.filter((c) => c.refused.length === 0);
  const has = (path: (c: Case) => string) => rendered.filter((c) => c.files.some((f) => f.path === path(c)));
  helmChecks(has((c) => `deploy/helm/${c.model.name}/Chart.yaml`), work);
  kustomizeChecks(has(() => 'deploy/kubernetes/base/kustomization.yaml'), work, (c) => kustomizationsOf(c, cases.indexOf(c)));
}

function helmChecks(ok: Case[], work: string): void {
  if (!ok.length) return;
  const add = (c: Case, p: string) => c.problems.push(p);
  // ---- helm lint, every chart in one process
  const charts = ok.map((c) => join(c.root, 'deploy', 'helm', c.model.name));
  const lint = helm(['lint', '--strict', ...charts]);
  if (!lint.ok) {
    // Which chart failed: helm prints "==> Linting <dir>" sections.
    for (const section of lint.stdout.split(/^==> Linting /m).slice(1)) {
      if (!/\[ERROR\]|\[WARNING\]|Error:/.test(section)) continue;
      const c = ok.find((x) => section.startsWith(join(x.root, 'deploy', 'helm', x.model.name)));
      if (c) add(c, `helm lint --strict: ${section.split('\n').filter((l) => /\[(ERROR|WARNING)\]|Error/.test(l)).join(' | ').slice(0, 600)}`);
    }
    if (!ok.some((c) => c.problems.some((p) => p.startsWith('helm lint')))) for (const c of ok) add(c, `helm lint --strict failed: ${(lint.stderr || lint.stdout).slice(0, 400)}`);
  }
  // ---- helm template of an umbrella chart, per values file
  const umbrella = join(work, 'umbrella');
  rmSync(umbrella, { recursive: true, force: true });
  mkdirSync(join(umbrella, 'charts'), { recursive: true });
  writeFileSync(join(umbrella, 'Chart.yaml'), 'apiVersion: v2\nname: umbrella\nversion: 0.1.0\n');
  for (const c of ok) cpSync(join(c.root, 'deploy', 'helm', c.model.name), join(umbrella, 'charts', c.model.name), { recursive: true });
  for (const vf of ['values.yaml', 'values-staging.yaml', 'values-production.yaml']) {
    const args = ['template', 'umbrella', umbrella, '--namespace', 'fuzz'];
    if (vf !== 'values.yaml') {
      const nested = Object.fromEntries(ok.map((c) => [c.model.name, parse(get(c.files, `deploy/helm/${c.model.name}/${vf}`) ?? '') ?? {}]));
      writeFileSync(join(umbrella, vf), stringify(nested));
      args.push('-f', join(umbrella, vf));
    }
    const r = helm(args);
    if (!r.ok) {
      // One chart's failure fails the whole run: find it by rendering the failing ones alone.
      for (const c of ok) {
        const alone = helm(['template', c.model.name, join(c.root, 'deploy', 'helm', c.model.name), ...(vf === 'values.yaml' ? [] : ['-f', join(c.root, 'deploy', 'helm', c.model.name, vf)])]);
        if (!alone.ok) add(c, `helm template (${vf}): ${alone.stderr.trim().split('\n').slice(0, 4).join(' | ')}`);
      }
      continue;
    }
    let byChart: Map<string, object[]>;
    try {
      byChart = splitBySubchart(r.stdout);
    } catch (error) {
      for (const c of ok) add(c, `helm template (${vf}): ${(error as Error).message.slice(0, 300)}`);
      continue;
    }
    for (const c of ok) problemsInto(c, manifestChecks(c.model, (byChart.get(c.model.name) ?? []) as K8sObject[], `helm ${vf}`, 'helm'));
  }
}

function kustomizeChecks(ok: Case[], work: string, kustomizationsOf: (c: Case) => readonly Kustomization[]): void {
  if (!ok.length) return;
  const add = (c: Case, p: string) => c.problems.push(p);
  // ---- kubectl kustomize of every base and overlay at once
  const top = join(work, 'kustomize');
  rmSync(top, { recursive: true, force: true });
  mkdirSync(top, { recursive: true });
  const resources: string[] = [];
  const dirsOf = new Map(ok.map((c) => [c, kustomizationsOf(c)]));
  // Each folder in a namespace of its own (a wrapper sets it), so that models, and production
  // and its clusters (the same namespace, the same objects), do not collide, and each
  // folder's documents are found again by their namespace.
  const nsOf = (c: Case, dir: string) => `${c.model.name}-${dir.replace('overlays/', '')}`;
  for (const c of ok) {
    for (const dir of dirsOf.get(c)!) {
      const wrap = join(top, nsOf(c, dir));
      mkdirSync(wrap, { recursive: true });
      writeFileSync(join(wrap, 'kustomization.yaml'), `namespace: ${nsOf(c, dir)}\nresources:\n  - ${join(c.root, 'deploy', 'kubernetes', dir)}\n`);
      resources.push(wrap);
    }
  }
  writeFileSync(join(top, 'kustomization.yaml'), `resources:\n${resources.map((r) => `  - ${r}`).join('\n')}\n`);
  const k = spawnSync(kubectlPath(), ['kustomize', top], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (k.status !== 0) {
    for (const c of ok)
      for (const dir of dirsOf.get(c)!) {
        const alone = spawnSync(kubectlPath(), ['kustomize', join(c.root, 'deploy', 'kubernetes', dir)], { encoding: 'utf8' });
        if (alone.status !== 0) add(c, `kubectl kustomize ${dir}: ${alone.stderr.trim().split('\n').slice(0, 4).join(' | ')}`);
      }
    return;
  }
  const docs = parseManifests(k.stdout) as K8sObject[];
  for (const c of ok) {
    for (const scenario of dirsOf.get(c)!) {
      const ns = nsOf(c, scenario);
      const mine = docs.filter((d) => d.metadata?.namespace === ns || (d.kind === 'Namespace' && d.metadata?.name === ns));
      // A folder that rendered nothing would pass every check below: it is a problem of its own.
      if (!mine.some((d) => d.kind === 'Deployment' || d.kind === 'Job')) problemsInto(c, [`kustomize ${scenario}: no workload found in the render (namespace ${ns})`]);
      problemsInto(c, manifestChecks(c.model, mine, `kustomize ${scenario}`, 'kustomize'));
    }
  }
}

const problemsInto = (c: Case, ps: string[]) => c.problems.push(...ps);

/** actionlint (WebAssembly, asynchronous) over every workflow the cases rendered; identical workflows are linted once. */
export async function workflowChecks(cases: Case[]): Promise<void> {
  const seen = new Map<string, string[]>();
  for (const c of cases)
    for (const f of c.files.filter((x) => x.path.startsWith('.github/workflows/'))) {
      let found = seen.get(f.content);
      if (!found) seen.set(f.content, (found = (await runLint(f.content, f.path)).map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)));
      c.problems.push(...found.map((p) => `actionlint ${f.path}: ${p}`));
    }
}

/** A scratch folder for a run. */
export const scratch = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/**
 * A batch of generated models through everything: each written as a repository, validated,
 * rendered, checked. Models whose names repeat within the batch get a suffix (the umbrella
 * chart and the kustomization need one chart and one namespace per model).
 */
export function runBatch(gens: Generated[], work: string, idPrefix: string, kustomizationsOf?: (c: Case, i: number) => readonly Kustomization[]): Case[] {
  const used = new Set<string>();
  const cases: Case[] = gens.map((g, i) => {
    let name = g.model.name;
    for (let n = 2; used.has(name); n++) name = `${g.model.name.slice(0, 50)}-${n}`;
    used.add(name);
    const model = { ...g.model, name };
    const root = join(work, `m${i}`);
    writeRepo(root, g);
    const refused = checkModel(model, root, PACK_RULES);
    const c: Case = { id: `${idPrefix}${i}`, model, root, refused, files: [], problems: [] };
    if (refused.length) return c;
    const { files, problems } = renderAll(model);
    c.files = files;
    c.problems.push(...problems);
    writeFiles(root, files);
    c.problems.push(...cheapChecks(model, files, root));
    return c;
  });
  costlyChecks(cases, work, kustomizationsOf);
  return cases;
}
