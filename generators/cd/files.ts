/**
 * The files the cd stage owns, as a pure function of the stack model:
 *
 *   .github/workflows/cd.yml        staging after CI on the default branch; production on a release
 *   .github/workflows/preview.yml   a namespace pr-<number> per pull request (delivery.previews)
 *   ci/deploy.sh                    digests → manifests (Helm or kustomize) → rollout → smoke → rollback
 *
 * Every deploy names its images by digest: the ones CI's build job recorded, the others
 * resolved from the commit's sha-<commit> tag (ci/tag.sh). docs/ci-cd.md.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackModel } from '../../lib/model/types.js';
import { renderFile } from '../../lib/render/ejs.js';
import { CI_DIR, planPipeline } from '../../lib/render/pipeline.js';
import type { OutputFile } from '../../lib/render/types.js';
import { workflowData } from '../ci/files.js';
import { planKubernetes } from '../kubernetes/plan.js';
import { memoByModel } from '../../lib/render/memo.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** Every file this stage owns, rendered from the model (memoized: see lib/render/memo.ts). */
export const files = memoByModel(function files(model: StackModel): OutputFile[] {
  const p = planPipeline(model);
  const k = planKubernetes(model);
  const staging = k.environments.staging;
  const objects = new Map(k.services.map((s) => [s.name, s.objectName]));
  const previewService = p.images.find((i) => i.public)?.service ?? null;
  // The route of the preview's public service: its URL under the preview's own domain.
  const previewRoute = staging.ingressHosts.find((r) => r.service === previewService);
  const data = {
    ...workflowData(model, p),
    namespaces: { staging: staging.namespace, production: k.environments.production.namespace },
    services: p.images.map((i) => ({ ...i, objectName: objects.get(i.service)!, path: i.healthPath ?? '' })),
    // Staging's Secrets (the in-cluster backing services' and the app's own): a preview has the same.
    secrets: staging.secrets,
    rollouts: { staging: staging.rollouts, production: k.environments.production.rollouts },
    // Blue/green production (kustomize): the public Service whose target tells the active stack.
    blueGreen: p.deployTool === 'kustomize' && p.blueGreen ? { probe: k.publicServices[0] } : null,
    previewService,
    // Production in several clusters: a deploy (and a GitHub environment) per cluster, production-<cluster>.
    clusters: k.clusters.map((c) => c.name),
    // A preview is staging under <namespace>.<preview domain>: its hosts are staging's with staging.<domain> replaced.
    stagingDomainPattern: staging.routing ? staging.routing.domain.replace(/[.]/g, '\\.') : '',
    previewUrl: previewRoute ? `https://${previewRoute.host.slice(0, -staging.routing!.domain.length)}$namespace.$domain${previewRoute.path === '/' ? '' : previewRoute.path}` : '',
  };
  const render = (template: string) => renderFile(join(TEMPLATES, template), data);
  return [
    { path: '.github/workflows/cd.yml', content: render('github/cd.yml.ejs') },
    ...(p.previews ? [{ path: '.github/workflows/preview.yml', content: render('github/preview.yml.ejs') }] : []),
    { path: `${CI_DIR}/deploy.sh`, content: render('ci/deploy.sh.ejs') },
  ];
});
