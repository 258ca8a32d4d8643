/**
 * The files the dockerfile stage owns, as a pure function of the stack model:
 * `<service>/Dockerfile` and `<service>/.dockerignore` for every service that
 * has no Dockerfile of its own (`svc.dockerfile` null). A service whose
 * model records a Dockerfile gets nothing: that file is kept and later stages
 * build with it (`--set <svc>.dockerfile=null` replaces it).
 *
 * Each language's pack (lib/languages/<lang>/) computes everything its template
 * needs (commands, image references, the healthcheck, the dev command) and owns
 * the template, which only lays out the stages; the shared pieces are the
 * Dockerfile kit (lib/render/dockerfile-kit.ts). See docs/dockerfiles.md for the
 * per-language choices.
 *
 * Every Dockerfile has the same shape, which the Compose, dev and Kubernetes
 * stages rely on:
 * - global `ARG <LANG>_VERSION=<detected version>` (overridable), base images
 *   from templates/images.Dockerfile (the tag suffix comes from the pin);
 * - a stage named `dev` (toolchain + every dependency, WORKDIR /app, USER
 *   10001:10001, a hot-reload CMD, the source bind-mounted at /app);
 * - the last stage is named `runtime`: the production image, running as
 *   USER 10001:10001 (CONTAINER_UID/GID), exec-form CMD, able to run with a
 *   read-only root filesystem (only /tmp written).
 */
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContext, imageServices, isWorkspaceMember, pathInContext } from '../../lib/model/derive.js';
import type { ServiceModel, StackModel } from '../../lib/model/types.js';
import { lockInContext } from '../../lib/render/dockerfile-kit.js';
import { tidy } from '../../lib/render/ejs.js';
import { renderFile } from '../../lib/render/ejs.js';
import { GENERATED_MARKER } from '../../lib/model/marker.js';
import { memoByModel } from '../../lib/render/memo.js';
import type { OutputFile } from '../../lib/render/types.js';
import { packOf } from '../../lib/languages/index.js';

export const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/**
 * In the header of every generated Dockerfile: detection can tell our file (re-render it)
 * from one the user wrote (keep it).
 */
export { GENERATED_MARKER };

/** Every file this stage owns, rendered from the model (memoized: see lib/render/memo.ts). */
export const files = memoByModel(function files(model: StackModel): OutputFile[] {
  const out: OutputFile[] = [];
  // One Dockerfile per folder: the other processes of a folder (imageFrom) run its image.
  for (const name of imageServices(model)) {
    const svc = model.services[name]!;
    if (svc.dockerfile) continue; // the user's own Dockerfile is kept and used
    out.push({ path: inService(svc, 'Dockerfile'), content: renderDockerfile(model, name) });
    // A workspace member is built from the workspace root, which no service owns: its ignore
    // file is the Dockerfile-specific one (<Dockerfile>.dockerignore, read by BuildKit and podman).
    out.push({ path: isWorkspaceMember(svc) ? `${buildContext(svc).dockerfile}.dockerignore` : inService(svc, '.dockerignore'), content: renderDockerignore(model, name) });
  }
  return out;
});

const inService = (svc: ServiceModel, file: string): string => (svc.path === '.' ? file : posix.join(svc.path, file));

/** A service's Dockerfile: its language pack's template and data. */
export function renderDockerfile(model: StackModel, name: string): string {
  const svc = model.services[name];
  if (!svc) throw new Error(`No service "${name}" in the model`);
  const { template, context } = packOf(svc).dockerfile(model, name);
  return tidy(renderFile(template, context));
}

// ---------------------------------------------------------------- .dockerignore

/**
 * What the other stages write at the root of the repository, none of it for an image:
 * secret files (compose: secrets/), the Helm chart, the kustomize tree and the deploy
 * scripts (helm and kubernetes: deploy/), the dev Makefile, the stack model
 * (.yo-rc.json) and the ledger (.containerize/). Anchored at the root of the context, where those stages write: a source
 * folder named secrets/ or deploy/ deeper down is kept, even in a workspace member's
 * context. A root service's context is the whole repository, so this is where they are.
 */
const REPO_PRIVATE = ['secrets', 'deploy', 'Makefile', '.yo-rc.json', '.containerize'];

/**
 * Files the Dockerfile reads by name (COPY, bind mounts), relative to the context, that
 * an ignore rule above would drop: they are let back in at the end (`!path`), since a
 * build cannot read what the context lacks (an nginx config kept in deploy/, say).
 */
function neededByDockerfile(svc: ServiceModel): string[] {
  const prefix = isWorkspaceMember(svc) ? `${pathInContext(svc)}/` : '';
  const named = [lockInContext(svc), ...(packOf(svc).namedFiles?.(svc) ?? [])].filter((f): f is string => f !== null).map((f) => posix.normalize(prefix + f));
  const dropped = new Set([...REPO_PRIVATE, '.devcontainer']);
  return named.filter((f) => dropped.has(f.split('/')[0]!) && !f.startsWith('secrets/'));
}

export function dockerignoreEntries(svc: ServiceModel): { common: string[]; language: string[] } {
  // A build that runs make needs the Makefile (then it is the user's own: the dev stage never overwrites it).
  const makeBuild = /(^|[\s;&|(])make\b/.test(svc.build ?? '');
  const common = [
    '# Version control',
    '.git',
    '.gitignore',
    '.gitattributes',
    '.hg',
    '.svn',
    '',
    '# Container and CI files: changing them must not invalidate the source layer',
    'Dockerfile',
    'Dockerfile.*',
    '*.Dockerfile',
    'Containerfile',
    '.dockerignore',
    'compose*.yaml',
    'compose*.yml',
    'docker-compose*.yaml',
    'docker-compose*.yml',
    '.github',
    '.gitlab-ci.yml',
    '.devcontainer',
    '',
    '# Generated next to the sources: the Helm chart, the kustomize tree and the deploy',
    '# scripts (deploy/), the dev Makefile, the stack model and the ledger of generated',
    '# files; ours placed beside a file of yours, and a conflict\'s new render',
    'deploy',
    ...(makeBuild ? [] : ['Makefile']),
    'containerize.mk',
    'containerize.compose*.yaml',
    'containerize.env.example',
    '**/*.containerize-new',
    '.yo-rc.json',
    '.containerize',
    '',
    '# Secrets, environment files and credentials: never in an image (pass secrets at run',
    '# time, or to a build as `--secret id=npmrc,src=.npmrc`); .env.example documents the',
    '# variables without their values and stays',
    'secrets',
    '**/.env',
    '**/.env.*',
    '!**/.env.example',
    '!**/.env.sample',
    '**/.envrc',
    '**/*.pem',
    '**/*.key',
    '**/*.p12',
    '**/*.pfx',
    '**/.npmrc',
    '**/.pypirc',
    '**/.netrc',
    '.aws',
    '.ssh',
    '',
    '# Editors, OS files, logs, coverage',
    '.idea',
    '.vscode',
    '**/*.swp',
    '**/.DS_Store',
    '**/Thumbs.db',
    '**/*.log',
    'coverage',
  ];
  return { common, language: packOf(svc).ignore(svc) };
}

export function renderDockerignore(model: StackModel, name: string): string {
  const svc = model.services[name]!;
  let { common, language } = dockerignoreEntries(svc);
  if (isWorkspaceMember(svc)) {
    // The context is the workspace root: patterns match at any depth, build outputs in the member's
    // folder; what other stages write at the repository root stays anchored there.
    const outputs = new Set(packOf(svc).buildOutputs?.(svc) ?? []);
    const member = pathInContext(svc);
    const anchored = new Set(REPO_PRIVATE);
    const anywhere = (l: string) =>
      l === '' || /^[#!]/.test(l) || l.startsWith('**/') || anchored.has(l) ? l : outputs.has(l) ? `${member}/${l}` : `**/${l}`;
    common = common.map(anywhere);
    language = language.map(anywhere);
  }
  const needed = neededByDockerfile(svc);
  return tidy(
    renderFile(join(TEMPLATES, 'dockerignore.ejs'), {
      name,
      language: svc.language,
      common,
      extra: language,
      needed,
    }),
  );
}
