/** The models the CI/CD stages are proven on: sizes, a workspace monorepo, every registry, previews, both deploy tools. */
import type { StackModel } from '../../lib/model/types.js';
import { nodeRedis, service, stack, taskboard } from './models.js';

/** A Node workspace: two members built from the repository root, sharing its lockfile. */
export const workspace = stack('mono', {
  api: service({ path: 'apps/api', language: 'node', packageManager: 'npm', lockfile: '../../package-lock.json', port: 3000, healthPath: '/healthz', public: true, start: ['node', 'server.js'], entry: 'server.js' }),
  worker: service({ path: 'packages/worker', language: 'node', packageManager: 'npm', lockfile: '../../package-lock.json', start: ['node', 'index.js'], entry: 'index.js' }),
});

export const REGISTRIES: Record<string, string> = {
  ghcr: 'ghcr.io/acme',
  dockerhub: 'docker.io/acme',
  ecr: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme',
  gar: 'europe-west1-docker.pkg.dev/acme-prod/apps',
  acr: 'acme.azurecr.io/apps',
  generic: 'registry.example.com:5000/team',
};

export interface WorkflowCase {
  name: string;
  model: StackModel;
}

const withDelivery = (model: StackModel, registry: string, delivery: StackModel['delivery']): StackModel => ({ ...model, registry, delivery });

export const WORKFLOW_CASES: WorkflowCase[] = [
  { name: 'one service (kustomize, no previews)', model: nodeRedis },
  { name: 'many services, helm, previews', model: withDelivery(taskboard, taskboard.registry, { deployTool: 'helm', previews: true }) },
  { name: 'many services, kustomize, previews', model: withDelivery(taskboard, taskboard.registry, { previews: true }) },
  { name: 'workspace monorepo, helm', model: withDelivery(workspace, workspace.registry, { deployTool: 'helm' }) },
  { name: 'production in two clusters, kustomize, Traefik under paths, previews', model: { ...withDelivery(taskboard, taskboard.registry, { previews: true, ingress: 'traefik', routing: 'paths', domain: 'taskboard.acme.dev' }), clusters: { eu: { domain: 'eu.taskboard.acme.dev' }, us: {} } } },
  { name: 'production in two clusters, helm', model: { ...withDelivery(taskboard, taskboard.registry, { deployTool: 'helm' }), clusters: { eu: { storageClass: 'premium-rwo' }, us: {} } } },
  ...Object.entries(REGISTRIES).map(([kind, registry]) => ({
    name: `registry ${kind}${kind === 'generic' ? ' (by option)' : ''}, previews`,
    model: withDelivery(nodeRedis, registry, { previews: true, ...(kind === 'generic' ? { registryKind: 'generic' as const } : {}) }),
  })),
];
