/**
 * The files the ci stage owns, as a pure function of the stack model:
 *
 *   .github/workflows/ci.yml   changes → lint, build (matrix over the images) → smoke
 *   .github/dependabot.yml     actions, base images, backing images and each service's packages
 *                              (written beside the user's own as dependabot.containerize.yml)
 *   ci/changes.sh              which images a run builds (the build matrix)
 *   ci/lint.sh                 Dockerfiles, Compose, the chart and the manifests
 *   ci/smoke.sh                the Compose stack from the built images, answered
 *   ci/tag.sh                  on the default branch: sha-<commit> on every image (CD resolves it)
 *
 * The workflow's steps call the scripts, so what CI does is run and tested here
 * (test/ci/scripts.test.ts) with fake docker, helm and kubectl. docs/ci-cd.md.
 */
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContext, serviceNames } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { uses } from '../../lib/render/actions.js';
import { renderFile } from '../../lib/render/ejs.js';
import { image } from '../../lib/catalog/images.js';
import { CI_DIR, CI_WORKFLOW, planPipeline, type Pipeline } from '../../lib/render/pipeline.js';
import type { OutputFile } from '../../lib/render/types.js';
import { shq } from '../compose/files.js';
import { ENVIRONMENTS } from '../kubernetes/plan.js';
import { KUBERNETES_DIR } from '../kubernetes/files.js';
import { chartDir } from '../helm/files.js';
import { memoByModel } from '../../lib/render/memo.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** Dependabot's ecosystem for a package manager. */
const ECOSYSTEM: Record<string, string> = {
  npm: 'npm',
  yarn: 'npm',
  pnpm: 'npm',
  pip: 'pip',
  poetry: 'pip',
  pipenv: 'pip',
  uv: 'uv',
  go: 'gomod',
  maven: 'maven',
  gradle: 'gradle',
  bundler: 'bundler',
  composer: 'composer',
  dotnet: 'nuget',
  cargo: 'cargo',
};

export interface DependabotUpdate {
  ecosystem: string;
  directory: string;
  group?: string;
}

const dir = (p: string) => (p === '.' ? '/' : `/${p}`);

export function dependabotUpdates(model: StackModel): DependabotUpdate[] {
  const out = new Map<string, DependabotUpdate>();
  const add = (u: DependabotUpdate) => out.set(`${u.ecosystem} ${u.directory}`, u);
  add({ ecosystem: 'github-actions', directory: '/', group: 'actions' });
  add({ ecosystem: 'docker-compose', directory: '/' });
  for (const name of serviceNames(model)) {
    const svc = model.services[name]!;
    add({ ecosystem: 'docker', directory: dir(posix.dirname(buildContext(svc).dockerfile)) });
    const eco = svc.packageManager ? ECOSYSTEM[svc.packageManager] : undefined;
    // A workspace member's packages are updated at the workspace root, where its lockfile is.
    if (eco) add({ ecosystem: eco, directory: dir(svc.lockfile ? posix.normalize(posix.join(svc.path, posix.dirname(svc.lockfile))) : svc.path) });
  }
  return [...out.values()];
}

/** Where each public service answers on the CI runner (Compose publishes it on its own port). */
export function smokeRoutes(p: Pipeline): { service: string; url: string }[] {
  return p.images.filter((i) => i.public && i.port !== null).map((i) => ({ service: i.service, url: `http://127.0.0.1:${i.port}${i.healthPath ?? '/'}` }));
}

/** What every workflow and ci/ script template reads, for the ci stage and the cd stage alike. */
export function workflowData(model: StackModel, p: Pipeline = planPipeline(model)) {
  return { p, uses, shq, ciDir: CI_DIR, ciWorkflow: CI_WORKFLOW, chartDir: chartDir(model), kubernetesDir: KUBERNETES_DIR };
}

/** Every file this stage owns, rendered from the model (memoized: see lib/render/memo.ts). */
export const files = memoByModel(function files(model: StackModel): OutputFile[] {
  const p = planPipeline(model);
  const data = {
    ...workflowData(model, p),
    environments: ENVIRONMENTS,
    hadolint: image('hadolint'),
    kubeconform: image('kubeconform'),
    routes: smokeRoutes(p),
    updates: dependabotUpdates(model),
  };
  const render = (template: string) => renderFile(join(TEMPLATES, template), data);
  return [
    { path: '.github/workflows/ci.yml', content: render('github/ci.yml.ejs') },
    { path: '.github/dependabot.yml', content: render('github/dependabot.yml.ejs') },
    { path: `${CI_DIR}/changes.sh`, content: render('ci/changes.sh.ejs') },
    { path: `${CI_DIR}/lint.sh`, content: render('ci/lint.sh.ejs') },
    { path: `${CI_DIR}/smoke.sh`, content: render('ci/smoke.sh.ejs') },
    { path: `${CI_DIR}/tag.sh`, content: render('ci/tag.sh.ejs') },
  ];
});
