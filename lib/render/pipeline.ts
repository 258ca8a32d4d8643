/**
 * The CI/CD pipeline, planned once from the model and read by the ci and cd stages
 * (workflows, their scripts and docs): which images are built from which paths,
 * how CI logs in to the registry, what each job needs, and which secrets and
 * variables the user must set. Derived, never stored.
 */
import { posix } from 'node:path';
import { PROD_TAG } from './compose-plan.js';
import { buildContext, delivery, imageRepository, imageServices, isWorkspaceMember, type Delivery } from '../model/derive.js';
import type { RegistryKind, StackModel } from '../model/types.js';

/** The branch CD deploys from and images are pushed from (besides tags and same-repository pull requests). */
export const DEFAULT_BRANCH = 'main';
export const CI_WORKFLOW = 'CI';
export const CI_DIR = 'ci';

/** A value the user sets in GitHub (Settings > Secrets and variables, or an environment). */
export interface Setting {
  name: string;
  type: 'secret' | 'variable';
  /** 'repository' or the GitHub environment that holds it. */
  scope: string;
  about: string;
}

export interface RegistryLogin {
  kind: RegistryKind;
  /** The registry host docker/login-action logs in to. */
  host: string;
  /** Workflow expressions (never values). */
  username: string;
  password: string;
  /** GITHUB_TOKEN needs packages: write to push (GHCR only). */
  packagesPermission: boolean;
  /** What the user must set for the build job to push. */
  settings: Setting[];
}

export interface PipelineImage {
  service: string;
  /** <registry>/<app>-<service>, no tag. */
  image: string;
  /** The tag compose.yaml runs (the smoke test loads the built image under it). */
  composeImage: string;
  context: string;
  dockerfile: string;
  /** Paths whose change rebuilds this image (git pathspec prefixes, POSIX, no trailing slash; '.' is everything). */
  paths: string[];
  /** Built from our Dockerfile, so it has a `dev` stage and `make test-<service>` runs its tests. */
  dev: boolean;
  port: number | null;
  public: boolean;
  healthPath: string | null;
}

export interface Pipeline extends Delivery {
  app: string;
  registry: string;
  login: RegistryLogin;
  images: PipelineImage[];
  /** Release commands (lib/model/processes.ts): Compose runs them once; exited with 0 is their success. */
  releases: string[];
  defaultBranch: string;
}

const repoSecret = (name: string, about: string): Setting => ({ name, type: 'secret', scope: 'repository', about });
const repoVar = (name: string, about: string): Setting => ({ name, type: 'variable', scope: 'repository', about });

export function registryLogin(kind: RegistryKind, registry: string): RegistryLogin {
  const host = registry.split('/')[0]!;
  switch (kind) {
    case 'ghcr':
      return { kind, host: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}', packagesPermission: true, settings: [] };
    case 'dockerhub':
      return {
        kind,
        host: 'docker.io',
        username: '${{ vars.DOCKERHUB_USERNAME }}',
        password: '${{ secrets.DOCKERHUB_TOKEN }}',
        packagesPermission: false,
        settings: [repoVar('DOCKERHUB_USERNAME', 'the Docker Hub user or organisation that pushes'), repoSecret('DOCKERHUB_TOKEN', 'a Docker Hub access token with Read & Write scope')],
      };
    case 'ecr':
      return {
        kind,
        host,
        username: '${{ secrets.AWS_ACCESS_KEY_ID }}',
        password: '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
        packagesPermission: false,
        settings: [
          repoSecret('AWS_ACCESS_KEY_ID', 'an IAM user allowed to push to the ECR repositories (ecr:GetAuthorizationToken, ecr:*Layer*, ecr:PutImage, ecr:BatchGetImage)'),
          repoSecret('AWS_SECRET_ACCESS_KEY', "that IAM user's secret access key"),
        ],
      };
    case 'gar':
      return {
        kind,
        host,
        username: '_json_key',
        password: '${{ secrets.GCP_SA_KEY }}',
        packagesPermission: false,
        settings: [repoSecret('GCP_SA_KEY', 'the JSON key of a service account with roles/artifactregistry.writer on the repository')],
      };
    case 'acr':
      return {
        kind,
        host,
        username: '${{ vars.ACR_USERNAME }}',
        password: '${{ secrets.ACR_PASSWORD }}',
        packagesPermission: false,
        settings: [repoVar('ACR_USERNAME', 'the client id of a service principal (or token name) with AcrPush on the registry'), repoSecret('ACR_PASSWORD', 'its secret')],
      };
    case 'generic':
      return {
        kind,
        host,
        username: '${{ vars.REGISTRY_USERNAME }}',
        password: '${{ secrets.REGISTRY_PASSWORD }}',
        packagesPermission: false,
        settings: [
          repoVar('REGISTRY_USERNAME', host === 'localhost' ? 'the user that pushes to your registry; first give the generator a registry GitHub can reach (containerize --registry ghcr.io/<owner>): localhost is not one' : `the user that pushes to ${host}`),
          repoSecret('REGISTRY_PASSWORD', 'its password or token'),
        ],
      };
  }
}

/** The paths that feed an image: its folder, and for a workspace member the workspace's manifest and lockfile. */
function imagePaths(model: StackModel, name: string): string[] {
  const svc = model.services[name]!;
  const { context, dockerfile } = buildContext(svc);
  const paths = new Set<string>([svc.path, dockerfile]);
  if (isWorkspaceMember(svc)) {
    paths.add(posix.join(context, 'package.json'));
    paths.add(posix.normalize(posix.join(svc.path, svc.lockfile!)));
  }
  return [...paths].sort();
}

export function planPipeline(model: StackModel): Pipeline {
  const d = delivery(model);
  return {
    ...d,
    app: model.name,
    registry: model.registry,
    login: registryLogin(d.registryKind, model.registry),
    defaultBranch: DEFAULT_BRANCH,
    // One image per folder: a process of another service's image (imageFrom) is not built again.
    images: imageServices(model).map((name) => {
      const svc = model.services[name]!;
      const { context, dockerfile } = buildContext(svc);
      return {
        service: name,
        image: imageRepository(model, name),
        composeImage: `${imageRepository(model, name)}:${PROD_TAG}`,
        context,
        dockerfile,
        paths: imagePaths(model, name),
        dev: svc.dockerfile === null,
        port: svc.port,
        public: svc.public,
        healthPath: svc.healthPath,
      };
    }),
    releases: Object.keys(model.services)
      .filter((n) => model.services[n]!.release === true)
      .sort(),
  };
}

/** The GitHub environments the cd stage deploys to, with the cluster credentials each needs. */
export function clusterSettings(p: Pipeline): Setting[] {
  const envs = ['staging', 'production', ...(p.previews ? ['preview'] : [])];
  return [
    ...envs.map((env) => ({
      name: 'KUBE_CONFIG',
      type: 'secret' as const,
      scope: env,
      about: `a kubeconfig (its text) for the ${env === 'preview' ? 'cluster previews run in, allowed to create and delete namespaces pr-<number>' : `${env} cluster, allowed to deploy to its namespace`}`,
    })),
    ...(p.previews ? [{ name: 'PREVIEW_DOMAIN', type: 'variable' as const, scope: 'preview', about: 'the wildcard DNS domain of the preview ingress: <service>.pr-<number>.<domain> points at the ingress controller' }] : []),
  ];
}
