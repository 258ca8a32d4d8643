/**
 * Node's Dockerfile recipe: the data ./Dockerfile.ejs lays out (a single service, or a
 * static build served by nginx) and ./workspace.Dockerfile.ejs (a workspace member, built
 * from the workspace root). See docs/dockerfiles.md for the choices.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isWorkspaceMember, pathInContext, portOf } from '../../model/derive.js';
import type { ServiceModel, StackModel } from '../../model/types.js';
import { imagePin } from '../../catalog/images.js';
import { cache, common, type HealthKind, envBlock, folder, labels, lockInContext, nginxSpaConf, runBlock, shellQuote, tail, versioned } from '../../render/dockerfile-kit.js';
import type { DockerfileRecipe } from '../types.js';
import { isNodeStatic, nodeDevCommand, nodeDevVolumes, nodeRunner } from './dev.js';
import { nodeFramework, nodePackageManager, type NodeFramework } from './detect.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The runtime the image's health check runs with: node's fetch, or bash in the nginx image of a static build. */
/** Environment of a framework's build stage (Next.js: no telemetry from CI builds). */
const BUILD_ENV: Partial<Record<NodeFramework, [string, string][]>> = { next: [['NEXT_TELEMETRY_DISABLED', '1']] };
const buildEnv = (svc: ServiceModel): [string, string][] => { const fw = nodeFramework(svc); return (fw && BUILD_ENV[fw]) || []; };

export const nodeHealth = (svc: ServiceModel): HealthKind => (isNodeStatic(svc) ? 'bash' : 'node');

interface NodePm {
  manifests: string[];
  install: string;
  installProd: string;
  mounts: string[];
  corepack: boolean;
  note: string | null;
}

function nodePm(svc: ServiceModel): NodePm {
  const lock = lockInContext(svc);
  const npmrc = 'type=secret,id=npmrc,target=/root/.npmrc';
  const note =
    svc.lockfile && !lock
      ? `# The lockfile (${svc.lockfile}) is outside this build context: dependencies are resolved afresh.`
      : null;
  switch (nodePackageManager(svc)) {
    case 'yarn':
      return {
        manifests: ['package.json', ...(lock ? [lock] : []), '.yarnrc.ym[l]'],
        install: `YARN_CACHE_FOLDER=/root/.yarn-cache yarn install${lock ? ' --frozen-lockfile' : ''}`,
        installProd: `YARN_CACHE_FOLDER=/root/.yarn-cache yarn install${lock ? ' --frozen-lockfile' : ''} --production=true`,
        mounts: [cache('/root/.yarn-cache'), npmrc],
        corepack: true,
        note,
      };
    case 'pnpm':
      return {
        manifests: ['package.json', ...(lock ? [lock] : []), 'pnpm-workspace.yam[l]'],
        install: `pnpm install${lock ? ' --frozen-lockfile' : ''}`,
        installProd: `pnpm install${lock ? ' --frozen-lockfile' : ''} --prod`,
        mounts: [cache('/root/.local/share/pnpm/store'), npmrc],
        corepack: true,
        note,
      };
    default: {
      // npm, and bun (no official Debian bun image is pinned: npm installs from package.json).
      const npmLock = nodePackageManager(svc) === 'npm' || svc.packageManager === null ? lock : null;
      const verb = npmLock ? 'ci' : 'install';
      return {
        manifests: ['package.json', ...(npmLock ? [npmLock] : [])],
        install: `npm ${verb} --no-audit --no-fund`,
        installProd: `npm ${verb} --omit=dev --no-audit --no-fund`,
        mounts: [cache('/root/.npm'), npmrc],
        corepack: false,
        note:
          note ??
          (nodePackageManager(svc) === 'bun'
            ? '# bun: no bun image is pinned, so npm installs from package.json; bun.lock is not read\n# (versions resolve from the ranges in package.json).'
            : null),
      };
    }
  }
}

function nodeContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('node', 'NODE_VERSION', svc.languageVersion);
  const pm = nodePm(svc);
  const staticSite = isNodeStatic(svc);
  const nginx = versioned('nginx', 'NGINX_VERSION', imagePin('nginx').tag.replace(/-.*$/, ''));
  const c = common(
    model,
    name,
    staticSite
      ? `${svc.framework ?? 'static'} build on Node ${svc.languageVersion} (${svc.packageManager ?? 'npm'}), served by unprivileged nginx`
      : `Node ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, ${svc.packageManager ?? 'npm'}`,
  );
  const buildCleanup = nodeFramework(svc) === 'next' ? ' \\\n && rm -rf .next/cache node_modules' : ' \\\n && rm -rf node_modules';
  const devEnv: [string, string][] = [
    ['NODE_ENV', 'development'],
    ['PATH', '/app/node_modules/.bin:$PATH'],
  ];
  if (svc.port !== null) devEnv.push(['PORT', String(svc.port)]);
  if (nodeFramework(svc) === 'cra') devEnv.push(['HOST', '0.0.0.0'], ['BROWSER', 'none'], ['WATCHPACK_POLLING', 'true']);
  if (nodeFramework(svc) === 'next') devEnv.push(['NEXT_TELEMETRY_DISABLED', '1']);
  const runtimeEnv: [string, string][] = [['NODE_ENV', 'production']];
  if (svc.port !== null) runtimeEnv.push(['PORT', String(svc.port)]);
  if (nodeFramework(svc) === 'next') runtimeEnv.push(['NEXT_TELEMETRY_DISABLED', '1']);
  const outputDir = folder(svc.outputDir);
  return {
    ...c,
    base,
    nginx,
    pm,
    staticSite,
    outputDir,
    buildCmd: svc.build ? svc.build + (staticSite ? '' : buildCleanup) : staticSite ? `${nodeRunner(svc)} run build` : null,
    buildEnv: buildEnv(svc),
    devEnv: envBlock(devEnv),
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, staticSite ? nginx.resolved : base.resolved),
    nginxConf: staticSite ? nginxSpaConf(portOf(svc)) : null,
    devTail: tail(svc, { dev: true, cmd: nodeDevCommand(svc), entrypoint: ['tini', '--'], ownDirs: nodeDevVolumes(svc) }),
    runtimeTail: staticSite
      ? tail(svc, { cmd: ['nginx', '-g', 'daemon off;'], health: nodeHealth(svc) })
      : tail(svc, { cmd: svc.start, entrypoint: ['tini', '--'], health: nodeHealth(svc) }),
  };
}

// ---- node workspace member

/** Files of a workspace that the dependency install reads, per package manager (kept by the `manifests` stage). */
const WORKSPACE_MANIFESTS: Record<string, string[]> = {
  npm: ['package.json', 'package-lock.json', 'npm-shrinkwrap.json'],
  yarn: ['package.json', 'yarn.lock', '.yarnrc.yml'],
  pnpm: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml'],
};

/** `node_modules/.bin/next` → `next`: a workspace hoists binaries to the root; the image puts both .bin folders on PATH. */
const binOnPath = (words: string[]): string[] => words.map((w, i) => (i === 0 ? w.replace(/^(\.\/)?node_modules\/\.bin\//, '') : w));

/**
 * A Node service inside a workspace (its lockfile in a parent folder), built from the
 * workspace root (buildContext): a `manifests` stage keeps only the package.json files
 * and lockfiles, so the install layers only change when a manifest does; the install
 * is filtered to the member and the workspace packages it depends on; the runtime image
 * gets the production dependencies and the whole workspace source, and runs in
 * /app/<member>. See docs/dockerfiles.md, "Monorepos".
 */
function nodeWorkspaceContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('node', 'NODE_VERSION', svc.languageVersion);
  const member = pathInContext(svc);
  const workdir = `/app/${member}`;
  const staticSite = isNodeStatic(svc);
  const nginx = versioned('nginx', 'NGINX_VERSION', imagePin('nginx').tag.replace(/-.*$/, ''));
  const pmName = nodeRunner(svc);
  const npmrc = 'type=secret,id=npmrc,target=/root/.npmrc';
  const pkgName = `"$(node -p 'require("./${member}/package.json").name')"`;
  let install: string;
  let installProd: string;
  let mounts: string[];
  switch (pmName) {
    case 'yarn':
      // yarn berry (a .yarnrc.yml) installs one workspace with `workspaces focus`; yarn 1 installs them all.
      install = `if [ -f .yarnrc.yml ]; then yarn workspaces focus ${pkgName}; else YARN_CACHE_FOLDER=/root/.yarn-cache yarn install --frozen-lockfile; fi`;
      installProd = `if [ -f .yarnrc.yml ]; then yarn workspaces focus --production ${pkgName}; else YARN_CACHE_FOLDER=/root/.yarn-cache yarn install --frozen-lockfile --production=true; fi`;
      mounts = [cache('/root/.yarn-cache'), cache('/root/.yarn/berry/cache'), npmrc];
      break;
    case 'pnpm':
      install = `pnpm install --frozen-lockfile --filter '{${member}}...'`;
      installProd = `pnpm install --frozen-lockfile --prod --filter '{${member}}...'`;
      mounts = [cache('/root/.local/share/pnpm/store'), npmrc];
      break;
    default:
      install = `npm ci --workspace ${shellQuote(member)} --include-workspace-root --no-audit --no-fund`;
      installProd = `npm ci --omit=dev --workspace ${shellQuote(member)} --include-workspace-root --no-audit --no-fund`;
      mounts = [cache('/root/.npm'), npmrc];
  }
  const keep = WORKSPACE_MANIFESTS[pmName]!;
  const strip = [
    'find . -type d -name node_modules -prune -exec rm -rf {} +',
    `find . -type f ${keep.map((k) => `! -name ${k}`).join(' ')}${pmName === 'yarn' ? " ! -path './.yarn/releases/*' ! -path './.yarn/plugins/*'" : ''} -delete`,
    'find . -depth -mindepth 1 -type d -empty -delete',
  ];
  const c = common(
    model,
    name,
    staticSite
      ? `${svc.framework ?? 'static'} build on Node ${svc.languageVersion} (${pmName} workspace member ${member}), served by unprivileged nginx`
      : `Node ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, ${pmName} workspace member ${member}`,
  );
  const binPath = `${workdir}/node_modules/.bin:/app/node_modules/.bin:$PATH`;
  const devEnv: [string, string][] = [
    ['NODE_ENV', 'development'],
    ['PATH', binPath],
  ];
  if (svc.port !== null) devEnv.push(['PORT', String(svc.port)]);
  if (nodeFramework(svc) === 'cra') devEnv.push(['HOST', '0.0.0.0'], ['BROWSER', 'none'], ['WATCHPACK_POLLING', 'true']);
  if (nodeFramework(svc) === 'next') devEnv.push(['NEXT_TELEMETRY_DISABLED', '1']);
  const runtimeEnv: [string, string][] = [
    ['NODE_ENV', 'production'],
    ['PATH', binPath],
  ];
  if (svc.port !== null) runtimeEnv.push(['PORT', String(svc.port)]);
  if (nodeFramework(svc) === 'next') runtimeEnv.push(['NEXT_TELEMETRY_DISABLED', '1']);
  const outputDir = folder(svc.outputDir);
  const buildRun = svc.build ?? (staticSite ? `${pmName} run build` : null);
  const cleanup = staticSite ? [] : [...(nodeFramework(svc) === 'next' ? ['rm -rf .next/cache'] : []), 'find /app -type d -name node_modules -prune -exec rm -rf {} +'];
  return {
    ...c,
    base,
    nginx,
    staticSite,
    outputDir,
    member,
    workdir,
    corepack: pmName !== 'npm',
    manifestsRun: runBlock([], strip),
    installRun: runBlock(mounts, [install]),
    installProdRun: runBlock(mounts, [installProd]),
    buildRun: buildRun ? runBlock([], [buildRun, ...cleanup]) : null,
    buildEnv: buildEnv(svc),
    devEnv: envBlock(devEnv),
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, staticSite ? nginx.resolved : base.resolved),
    nginxConf: staticSite ? nginxSpaConf(portOf(svc)) : null,
    devTail: tail(svc, { dev: true, cmd: binOnPath(nodeDevCommand(svc)), entrypoint: ['tini', '--'], ownDirs: nodeDevVolumes(svc) }),
    runtimeTail: staticSite
      ? tail(svc, { cmd: ['nginx', '-g', 'daemon off;'], health: nodeHealth(svc) })
      : tail(svc, { cmd: binOnPath(svc.start), entrypoint: ['tini', '--'], health: nodeHealth(svc) }),
  };
}

export function nodeDockerfile(model: StackModel, name: string): DockerfileRecipe {
  const svc = model.services[name]!;
  return isWorkspaceMember(svc)
    ? { template: join(HERE, 'workspace.Dockerfile.ejs'), context: nodeWorkspaceContext(model, name) }
    : { template: join(HERE, 'Dockerfile.ejs'), context: nodeContext(model, name) };
}
