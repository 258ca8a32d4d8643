/**
 * The files the kubernetes stage owns, as a pure function of the stack model:
 * plain manifests for teams without Helm, applied with `kubectl apply -k`, and
 * small deploy scripts (kubectl or helm) for teams that start with scripts.
 *
 *   deploy/kubernetes/README.md                 what to create first, how to deploy
 *   deploy/kubernetes/base/                     every service and backing service, namespace-agnostic
 *     kustomization.yaml, serviceaccount.yaml, deployment.yaml, service.yaml,
 *     backing.yaml, networkpolicy.yaml, env/<service>.env (configMapGenerator)
 *   deploy/kubernetes/components/external-<b>/  a backing service on a managed instance (ExternalName)
 *   deploy/kubernetes/overlays/<env>/           staging, production: namespace, image tags,
 *     replicas, resources, Ingress; production adds HPAs, PDBs and external databases
 *   deploy/scripts/deploy.sh, undeploy.sh       kubectl apply -k or helm upgrade --install
 *
 * Names, labels, ports, probes, env, resources, writable folders and the
 * securityContext come from lib/render/workloads.ts, the facts the Helm
 * chart renders from too; per-environment decisions come from ./plan.ts.
 * Each output file has a template of the same name plus .ejs in ./templates/
 * (per-component and per-environment files from one template each).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { delivery, externalHostOf } from '../../lib/model/derive.js';
import type { DeployTool, StackModel } from '../../lib/model/types.js';
import { renderFile, tidy, yamlBlock } from '../../lib/render/ejs.js';
import { comment } from '../../lib/render/escape.js';
import type { OutputFile } from '../../lib/render/types.js';
import { WRITABLE_DIR_LIMIT } from '../../lib/render/profiles.js';
import { HAPROXY } from '../../lib/render/ambassador.js';
import { containerEnv, containerSecurityContext, podSecurityContext, scrapeAnnotations, seedCommand, selectorLabels, spreadConstraints, AMBASSADOR_PROBES, BACKING_PROBES, SEED_RESOURCES, type BackingFacts, type ServiceFacts } from '../../lib/render/workloads.js';
import { INGRESS_CONTROLLERS, ROUTING_TEXT, routeUrl, routingObjects } from '../../lib/render/routing.js';
import { clusterObjects, environmentObjects, manifestText } from './manifests.js';
import { controllerText, ENVIRONMENTS, EXTERNAL_EGRESS, planKubernetes, type Environment, type EnvironmentName, type ExternalBacking, type KubernetesPlan } from './plan.js';
import { memoByModel } from '../../lib/render/memo.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** Where the manifests go. */
export const KUBERNETES_DIR = 'deploy/kubernetes';
/** Where the deploy scripts go. */
export const SCRIPTS_DIR = 'deploy/scripts';


/** A value as a YAML block, every line indented by `indent` spaces (lib/render/ejs.ts). */
export const block = yamlBlock;

/** The labels of every object of a component: the selector labels plus part-of and managed-by (kustomize, or kubectl for plain manifests). */
export function componentLabels(app: string, component: string, managedBy: 'kustomize' | 'kubectl' = 'kustomize'): Record<string, string> {
  return { ...selectorLabels(app, component), 'app.kubernetes.io/part-of': app, 'app.kubernetes.io/managed-by': managedBy };
}

/** A service whose env goes through a ConfigMap: it has known values, or names to fill in. */
const hasConfig = (s: ServiceFacts): boolean => s.env.length > 0 || s.unsetEnv.length > 0;

/** The components of a placement (external-ip, ambassador), one per backing service that an environment places so. */
const placementComponents = (plan: KubernetesPlan, placement: ExternalBacking['placement']): ExternalBacking[] => {
  const seen = new Map<string, ExternalBacking>();
  for (const name of ENVIRONMENTS) for (const o of plan.environments[name].outside) if (o.placement === placement) seen.set(o.component, o);
  return [...seen.values()].sort((a, b) => (a.component < b.component ? -1 : 1));
};
/** The components placing a backing service outside the cluster by IP address, for the environments that do. */
const ipComponents = (plan: KubernetesPlan): ExternalBacking[] => placementComponents(plan, 'external-ip');
/** The components placing a backing service behind an ambassador, for the environments that do. */
export const ambassadorComponents = (plan: KubernetesPlan): ExternalBacking[] => placementComponents(plan, 'ambassador');

/**
 * True when a value can be a line of a kustomize env file as it is: kustomize reads each
 * line `NAME=value` literally, but splits lines, drops a trailing carriage return and trims
 * the start of a line. Other values go to the generator's `literals`, quoted YAML.
 */
export const envFileSafe = (v: string): boolean => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v) && v === v.trim();

function templateData(plan: KubernetesPlan, model: StackModel): Record<string, unknown> {
  const app = plan.app;
  const d = delivery(model);
  const managedBy = d.deployTool === 'manifests' ? 'kubectl' : 'kustomize';
  const targets = deployTargets(plan, d.blueGreen);
  return {
    ...plan,
    tool: d.deployTool,
    toolText: TOOL_TEXT[d.deployTool],
    toolCommand: TOOL_COMMAND[d.deployTool](app),
    gitops: d.gitops,
    repoUrl: d.repoUrl,
    environmentNames: ENVIRONMENTS,
    argoTargets: argoTargets(plan),
    blueGreen: d.blueGreen,
    targets,
    targetNames: targets.map((t) => t.name).join(', ').replace(/, ([^,]+)$/, ' or $1'),
    previousAnnotation: PREVIOUS_STACK_ANNOTATION,
    argoSource: (env: string, valueFiles?: string[]) => argoSource(d.deployTool, d.repoUrl, app, env, valueFiles),
    argoSyncPolicy: ARGO_SYNC_POLICY,
    labels: (component: string, indent: number) => block(componentLabels(app, component, managedBy), indent),
    selector: (component: string, indent: number) => block(selectorLabels(app, component), indent),
    spreadConstraints: (component: string) => spreadConstraints(app, component),
    scrapeAnnotations,
    writableDirLimit: WRITABLE_DIR_LIMIT,
    block,
    comment,
    envFileSafe,
    containerEnv,
    hasConfig,
    podContext: podSecurityContext,
    containerContext: containerSecurityContext,
    backingProbes: BACKING_PROBES,
    seedCommand,
    seedResources: SEED_RESOURCES,
    externalHost: (b: BackingFacts) => externalHostOf(model, b.name),
    ipComponents: ipComponents(plan).map((o) => o.component),
    ambassadorComponents: ambassadorComponents(plan).map((o) => o.component),
    haproxy: HAPROXY,
    ambassadorProbes: AMBASSADOR_PROBES,
    selectorLabels,
    managedBy,
    componentLabels,
    externalEgress: EXTERNAL_EGRESS,
    ingressControllers: INGRESS_CONTROLLERS,
    routingText: ROUTING_TEXT,
    controllerText,
    routeUrl,
    routingObjects: (env: Environment) => routingObjects(app, env.routing!, (c) => componentLabels(app, c, managedBy)),
    chartDir: `deploy/helm/${app}`,
    kubernetesDir: KUBERNETES_DIR,
  };
}

interface Entry {
  /** Template path relative to ./templates, without .ejs. */
  template: string;
  /** Output path relative to the repository root. */
  path: string;
  /** Extra template data (the component or environment a per-item file is for). */
  data?: Record<string, unknown>;
}

/** How each tool is named in the scripts' comments and usage. */
const TOOL_TEXT: Record<DeployTool, string> = {
  kustomize: 'the kustomize overlays (kubectl apply -k)',
  helm: 'the Helm chart (helm upgrade --install)',
  manifests: 'the plain manifests (kubectl apply -f)',
};
const TOOL_COMMAND: Record<DeployTool, (app: string) => string> = {
  kustomize: () => 'kubectl apply -k deploy/kubernetes/overlays/<env>',
  helm: (app) => `helm upgrade --install ${app} deploy/helm/${app} -f values-<env>.yaml`,
  manifests: () => 'kubectl apply --namespace <namespace> -f deploy/kubernetes/<env>/',
};

/**
 * What an Argo CD Application of an environment syncs: the overlay, the environment's
 * plain manifests, or the chart with the environment's values file.
 */
export function argoSource(tool: DeployTool, repoURL: string, app: string, env: string, valueFiles = [`values-${env}.yaml`]): { what: string; source: Record<string, unknown> } {
  const common = { repoURL, targetRevision: 'HEAD' };
  if (tool === 'helm')
    return {
      what: `the chart deploy/helm/${app} with ${valueFiles.join(' and ')}`,
      source: { ...common, path: `deploy/helm/${app}`, helm: { releaseName: app, valueFiles } },
    };
  if (tool === 'kustomize') return { what: `the overlay ${KUBERNETES_DIR}/overlays/${env}`, source: { ...common, path: `${KUBERNETES_DIR}/overlays/${env}` } };
  return { what: `the manifests ${KUBERNETES_DIR}/${env}`, source: { ...common, path: `${KUBERNETES_DIR}/${env}`, directory: { recurse: false } } };
}

/**
 * Automated sync: Git is the truth (prune what left it). No selfHeal: the CD workflow deploys
 * images by digest (ci/deploy.sh), which selfHeal would revert to the tags in Git.
 * The namespace is created with the Pod Security label the pods are written for.
 */
export const ARGO_SYNC_POLICY = {
  automated: { prune: true },
  syncOptions: ['CreateNamespace=true'],
  managedNamespaceMetadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
};

/** The stacks of a blue/green production. */
export const STACKS = ['blue', 'green'] as const;
/** On the front Services: the stack the last switch left, for switch.sh --rollback. */
export const PREVIOUS_STACK_ANNOTATION = 'generator-containerize/previous-stack';

/** What deploy.sh deploys: each environment (production as its two stacks when blue/green, or per cluster), its namespace, overlay folder, Helm values files, Secrets and rollouts. */
export function deployTargets(
  plan: KubernetesPlan,
  blueGreen: boolean,
): { name: string; namespace: string; dir: string; values: string[]; secrets: Environment['secrets']; rollouts: string[]; jobs: string[] }[] {
  const { staging, production } = plan.environments;
  const target = (e: Environment, name: string = e.name, namespace = e.namespace, dir = `overlays/${e.name}`, values = [`values-${e.name}.yaml`]) => ({ name, namespace, dir, values, secrets: e.secrets, rollouts: e.rollouts, jobs: e.jobs });
  const productions = blueGreen
    ? STACKS.map((c) => target(production, c, `${plan.app}-${c}`, `blue-green/${c}`))
    : plan.clusters.length
      ? plan.clusters.map((c) => target(production, c.name, production.namespace, `overlays/${c.name}`, ['values-production.yaml', `values-${c.name}.yaml`]))
      : [target(production)];
  return [target(staging), ...productions];
}

/**
 * What each Argo CD Application deploys where: staging and production to the cluster Argo CD
 * runs in; with several production clusters, production-<cluster> to the cluster registered in
 * Argo CD under that name, with production's values file and the cluster's.
 */
export function argoTargets(plan: KubernetesPlan): { name: string; env: EnvironmentName; cluster: string | null; valueFiles: string[] }[] {
  const one = (env: EnvironmentName) => ({ name: env, env, cluster: null, valueFiles: [`values-${env}.yaml`] });
  if (!plan.clusters.length) return ENVIRONMENTS.map(one);
  return [one('staging'), ...plan.clusters.map((c) => ({ name: c.name, env: 'production' as const, cluster: c.cluster.name, valueFiles: ['values-production.yaml', `values-${c.name}.yaml`] }))];
}

/** Where the Argo CD objects go. */
export const ARGOCD_DIR = 'deploy/argocd';

/** Every templated output file of a model: which template renders it, and for what. */
export function entries(model: StackModel, plan = planKubernetes(model)): Entry[] {
  const k = KUBERNETES_DIR;
  const d = delivery(model);
  const out: Entry[] = [];
  if (d.deployTool !== 'helm') out.push({ template: 'kubernetes/README.md', path: `${k}/README.md` });
  if (d.deployTool === 'kustomize') out.push(...kustomizeEntries(plan));
  if (d.deployTool === 'kustomize' && d.blueGreen) {
    const env = plan.environments.production;
    for (const color of STACKS)
      out.push({ template: 'kubernetes/blue-green/stack.kustomization.yaml', path: `${k}/blue-green/${color}/kustomization.yaml`, data: { env, color, other: STACKS.find((c) => c !== color) } });
    out.push({ template: 'kubernetes/blue-green/front.kustomization.yaml', path: `${k}/blue-green/front/kustomization.yaml`, data: { env } });
    out.push({ template: 'kubernetes/blue-green/services.yaml', path: `${k}/blue-green/front/services.yaml`, data: { env } });
    out.push({ template: 'kubernetes/overlays/ingress.yaml', path: `${k}/blue-green/front/ingress.yaml`, data: { env } });
    out.push({ template: 'scripts/switch.sh', path: `${SCRIPTS_DIR}/switch.sh`, data: { env } });
  }
  if (d.gitops === 'argocd')
    for (const t of argoTargets(plan)) out.push({ template: 'argocd/application.yaml', path: `${ARGOCD_DIR}/${t.name}.yaml`, data: { env: plan.environments[t.env], t } });
  if (d.gitops === 'argocd-applicationset') out.push({ template: 'argocd/applicationset.yaml', path: `${ARGOCD_DIR}/applicationset.yaml` });
  out.push({ template: 'scripts/deploy.sh', path: `${SCRIPTS_DIR}/deploy.sh` });
  out.push({ template: 'scripts/undeploy.sh', path: `${SCRIPTS_DIR}/undeploy.sh` });
  return out;
}

/** The base files, one per kind of object (rendered for kustomize, and as the source of the plain manifests). */
function baseEntries(plan: KubernetesPlan): Entry[] {
  const k = KUBERNETES_DIR;
  const out: Entry[] = [
    { template: 'kubernetes/base/serviceaccount.yaml', path: `${k}/base/serviceaccount.yaml` },
    { template: 'kubernetes/base/deployment.yaml', path: `${k}/base/deployment.yaml` },
    { template: 'kubernetes/base/networkpolicy.yaml', path: `${k}/base/networkpolicy.yaml` },
  ];
  if (plan.services.some((s) => s.job)) out.push({ template: 'kubernetes/base/job.yaml', path: `${k}/base/job.yaml` });
  if (plan.services.some((s) => s.portName)) out.push({ template: 'kubernetes/base/service.yaml', path: `${k}/base/service.yaml` });
  if (plan.backing.length) out.push({ template: 'kubernetes/base/backing.yaml', path: `${k}/base/backing.yaml` });
  return out;
}

/** The files of an ambassador-<backing> component; ambassador.yaml holds whole objects (the plain manifests add them). */
export const AMBASSADOR_COMPONENT_FILES = ['kustomization.yaml', 'patches.yaml', 'ambassador.yaml'] as const;

/** An environment spreads replicas: a service's, or an ambassador's. */
const spreads = (env: Environment): boolean => env.spread.length > 0 || env.ambassadors.some((w) => w.replicas > 1);

/** The overlay files of an environment that hold whole objects (not patches). */
function objectOverlayEntries(dir: string, env: Environment): Entry[] {
  const out: Entry[] = [];
  if (env.ingressHosts.length) out.push({ template: 'kubernetes/overlays/ingress.yaml', path: `${dir}/ingress.yaml`, data: { env } });
  if (env.autoscaled.length) out.push({ template: 'kubernetes/overlays/hpa.yaml', path: `${dir}/hpa.yaml`, data: { env } });
  if (env.disruptionBudgets.length || env.ambassadors.some((w) => w.replicas > 1)) out.push({ template: 'kubernetes/overlays/pdb.yaml', path: `${dir}/pdb.yaml`, data: { env } });
  return out;
}

function kustomizeEntries(plan: KubernetesPlan): Entry[] {
  const k = KUBERNETES_DIR;
  const out: Entry[] = [{ template: 'kubernetes/base/kustomization.yaml', path: `${k}/base/kustomization.yaml` }, ...baseEntries(plan)];
  for (const s of plan.services.filter(hasConfig))
    out.push({ template: 'kubernetes/base/env/service.env', path: `${k}/base/env/${s.name}.env`, data: { s } });
  if (plan.environments.staging.secrets.length)
    for (const file of ['kustomization.yaml', 'externalsecrets.yaml'])
      out.push({ template: `kubernetes/components/external-secrets/${file}`, path: `${k}/components/external-secrets/${file}` });
  if (plan.services.some((s) => s.metrics))
    for (const file of ['kustomization.yaml', 'podmonitors.yaml'])
      out.push({ template: `kubernetes/components/podmonitors/${file}`, path: `${k}/components/podmonitors/${file}` });
  for (const b of plan.backing)
    for (const file of ['kustomization.yaml', 'patches.yaml'])
      out.push({ template: `kubernetes/components/external/${file}`, path: `${k}/components/external-${b.name}/${file}`, data: { b } });
  for (const o of ipComponents(plan))
    for (const file of ['kustomization.yaml', 'patches.yaml', 'endpointslice.yaml'])
      out.push({ template: `kubernetes/components/external-ip/${file}`, path: `${k}/components/${o.component}/${file}`, data: { o } });
  for (const o of ambassadorComponents(plan))
    for (const file of AMBASSADOR_COMPONENT_FILES)
      out.push({ template: `kubernetes/components/ambassador/${file}`, path: `${k}/components/${o.component}/${file}`, data: { o } });
  for (const name of ENVIRONMENTS) {
    const env = plan.environments[name];
    const dir = `${k}/overlays/${name}`;
    out.push({ template: 'kubernetes/overlays/kustomization.yaml', path: `${dir}/kustomization.yaml`, data: { env } });
    out.push({ template: 'kubernetes/overlays/resources.yaml', path: `${dir}/resources.yaml`, data: { env } });
    out.push(...objectOverlayEntries(dir, env));
    if (spreads(env)) out.push({ template: 'kubernetes/overlays/spread.yaml', path: `${dir}/spread.yaml`, data: { env } });
  }
  for (const c of plan.clusters) out.push({ template: 'kubernetes/overlays/cluster.kustomization.yaml', path: `${k}/overlays/${c.name}/kustomization.yaml`, data: { c } });
  return out;
}

const byPath = (a: OutputFile, b: OutputFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The plain manifests of every environment: deploy/kubernetes/<env>/<file>.yaml (./manifests.ts). */
function manifestFiles(plan: KubernetesPlan, data: Record<string, unknown>): OutputFile[] {
  const render = (e: Entry) => renderFile(join(TEMPLATES, `${e.template}.ejs`), { ...data, ...e.data });
  const base = Object.fromEntries(baseEntries(plan).map((e) => [e.path.split('/').pop()!, render(e)]));
  const out: OutputFile[] = [];
  for (const name of ENVIRONMENTS) {
    const env = plan.environments[name];
    const overlay = Object.fromEntries(objectOverlayEntries('', env).map((e) => [e.path.slice(1), render(e)]));
    const ambassadors = Object.fromEntries(env.ambassadors.map((w) => [w.o.component, render({ template: 'kubernetes/components/ambassador/ambassador.yaml', path: '', data: { o: w.o } })]));
    const objects = environmentObjects(plan, env, base, overlay, (c) => componentLabels(plan.app, c, 'kubectl'), ambassadors);
    for (const [file, docs] of objects) out.push({ path: `${KUBERNETES_DIR}/${name}/${file}`, content: manifestText(plan.app, env, file, docs) });
    if (name === 'production')
      for (const c of plan.clusters)
        for (const [file, docs] of clusterObjects(objects, c)) out.push({ path: `${KUBERNETES_DIR}/${c.name}/${file}`, content: manifestText(plan.app, env, file, docs, c.name) });
  }
  return out;
}

/** Every file this stage owns, rendered from the model (memoized: see lib/render/memo.ts). */
export const files = memoByModel(function files(model: StackModel): OutputFile[] {
  const plan = planKubernetes(model);
  const data = templateData(plan, model);
  const out = entries(model, plan).map((e) => ({ path: e.path, content: tidy(renderFile(join(TEMPLATES, `${e.template}.ejs`), { ...data, ...e.data })) }));
  if (delivery(model).deployTool === 'manifests') out.push(...manifestFiles(plan, data));
  return out.sort(byPath);
});
