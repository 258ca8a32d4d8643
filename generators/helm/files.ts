/**
 * The files the helm stage owns, as a pure function of the stack model:
 * one chart for the whole app in deploy/helm/<app>/.
 *
 * The chart's templates loop over `.Values.services` and `.Values.backing`,
 * so what the model decides (images, ports, health paths, env names,
 * dependsOn) lands in values.yaml and the environment files; the templates
 * only take the chart name (the prefix of their named templates). Each output
 * file has a template of the same name plus .ejs in ./templates/chart/.
 * values.schema.json is built from ./schema.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { delivery } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { renderFile, yamlBlock } from '../../lib/render/ejs.js';
import { comment } from '../../lib/render/escape.js';
import type { OutputFile } from '../../lib/render/types.js';
import { DEFAULT_INGRESS_CLASS, INGRESS_CONTROLLERS, type RoutingPlan } from '../../lib/render/routing.js';
import { HAPROXY } from '../../lib/render/ambassador.js';
import { imagePin } from '../../lib/catalog/images.js';
import { AMBASSADOR_PROBES, containerSecurityContext, podSecurityContext, probeTimings, PROMETHEUS_PEER, SEED_RESOURCES, SPREAD_TOPOLOGY_KEYS } from '../../lib/render/workloads.js';
import { WRITABLE_DIR_LIMIT } from '../../lib/render/profiles.js';
import { valuesSchema } from './schema.js';
import { chartData, ingressHosts } from './values.js';
import { memoByModel } from '../../lib/render/memo.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates', 'chart');

/** The chart's files, relative to the chart folder, each rendered from `<file>.ejs`. */
export const CHART_TEMPLATES = [
  '.helmignore',
  'Chart.yaml',
  'values.yaml',
  'values-staging.yaml',
  'values-production.yaml',
  'templates/_helpers.tpl',
  'templates/_networkpolicy.tpl',
  'templates/_pod.tpl',
  'templates/NOTES.txt',
  'templates/deployment.yaml',
  'templates/job.yaml',
  'templates/service.yaml',
  'templates/serviceaccount.yaml',
  'templates/configmap.yaml',
  'templates/hpa.yaml',
  'templates/pdb.yaml',
  'templates/networkpolicy.yaml',
  'templates/ingress.yaml',
  'templates/ingressroute.yaml',
  'templates/httproute.yaml',
  'templates/certificate.yaml',
  'templates/backing.yaml',
  'templates/tests/test-connection.yaml',
  'templates/podmonitor.yaml',
  'templates/externalsecret.yaml',
] as const;

/** A values file's `ingress.hosts`, as a YAML block. */
const hostsBlock = (plan: RoutingPlan, indent: number): string => yamlBlock(ingressHosts(plan), indent);

/** Where the chart goes: deploy/helm/<app>. */
export const chartDir = (model: StackModel): string => `deploy/helm/${model.name}`;

/** The chart, when Helm is the deployment tool (delivery.deployTool); nothing otherwise. */
export function files(model: StackModel): OutputFile[] {
  return delivery(model).deployTool === 'helm' ? chartFiles(model) : [];
}

/** The chart's files, whatever the deployment tool (tests render it for every model; memoized: see lib/render/memo.ts). */
export const chartFiles = memoByModel(function chartFiles(model: StackModel): OutputFile[] {
  const data = chartData(model);
  const dir = chartDir(model);
  const out: OutputFile[] = CHART_TEMPLATES.map((rel) => ({
    path: `${dir}/${rel}`,
    // The workload facts the chart shares with the kustomize manifests (lib/render/workloads.ts).
    content: renderFile(join(TEMPLATES, `${rel}.ejs`), {
      ...data,
      comment,
      seedResources: SEED_RESOURCES,
      podSecurityContext,
      containerSecurityContext,
      probeTimings,
      ingressControllers: INGRESS_CONTROLLERS,
      defaultIngressClass: DEFAULT_INGRESS_CLASS,
      writableDirLimit: WRITABLE_DIR_LIMIT,
      prometheusPeer: PROMETHEUS_PEER,
      spreadKeys: SPREAD_TOPOLOGY_KEYS,
      haproxy: HAPROXY,
      ambassadorImage: imagePin(HAPROXY.pin),
      ambassadorProbes: AMBASSADOR_PROBES,
      ingressHosts: hostsBlock,
    }),
  }));
  for (const c of data.clusters) out.push({ path: `${dir}/values-${c.name}.yaml`, content: renderFile(join(TEMPLATES, 'values-cluster.yaml.ejs'), { ...data, c, ingressHosts: hostsBlock }) });
  out.push({ path: `${dir}/values.schema.json`, content: `${JSON.stringify(valuesSchema(), null, 2)}\n` });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
});
