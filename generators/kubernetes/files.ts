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
import type { StackModel } from '../../lib/model/types.js';
import { renderFile, safeStringify } from '../../lib/render/ejs.js';
import { comment } from '../../lib/render/escape.js';
import type { OutputFile } from '../../lib/render/types.js';
import { WRITABLE_DIR_LIMIT } from '../../lib/render/profiles.js';
import { containerEnv, containerSecurityContext, podSecurityContext, scrapeAnnotations, seedCommand, selectorLabels, spreadConstraints, BACKING_PROBES, INGRESS_CONTROLLERS, SEED_RESOURCES, type BackingFacts, type ServiceFacts } from '../../lib/render/workloads.js';
import { ENVIRONMENTS, EXTERNAL_EGRESS, planKubernetes, type KubernetesPlan } from './plan.js';
import { memoByModel } from '../../lib/render/memo.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** Where the manifests go. */
export const KUBERNETES_DIR = 'deploy/kubernetes';
/** Where the deploy scripts go. */
export const SCRIPTS_DIR = 'deploy/scripts';

/** Blank lines collapsed to one, exactly one newline at the end. */
const tidy = (text: string): string => `${text.replace(/\n{3,}/g, '\n\n').replace(/\s+$/, '')}\n`;

/** Blocks already written, by value and indent: every Deployment repeats the same few. */
const blocks = new Map<string, string>();

/** A value as a YAML block, every line indented by `indent` spaces (no trailing newline). */
export function block(value: unknown, indent: number): string {
  const key = `${indent} ${JSON.stringify(value)}`;
  let out = blocks.get(key);
  if (out === undefined) {
    const pad = ' '.repeat(indent);
    out = safeStringify(value)
      .trimEnd()
      .split('\n')
      .map((line) => pad + line)
      .join('\n');
    if (blocks.size > 10_000) blocks.clear();
    blocks.set(key, out);
  }
  return out;
}

/** The labels of every object of a component: the selector labels plus part-of and managed-by. */
export function componentLabels(app: string, component: string): Record<string, string> {
  return { ...selectorLabels(app, component), 'app.kubernetes.io/part-of': app, 'app.kubernetes.io/managed-by': 'kustomize' };
}

/** A service whose env goes through a ConfigMap: it has known values, or names to fill in. */
const hasConfig = (s: ServiceFacts): boolean => s.env.length > 0 || s.unsetEnv.length > 0;

/**
 * True when a value can be a line of a kustomize env file as it is: kustomize reads each
 * line `NAME=value` literally, but splits lines, drops a trailing carriage return and trims
 * the start of a line. Other values go to the generator's `literals`, quoted YAML.
 */
export const envFileSafe = (v: string): boolean => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v) && v === v.trim();

/** The placeholder DNS name of an external backing service (as in the chart's values-production.yaml). */
const externalHost = (app: string) => (b: BackingFacts): string => `${b.name}.${app}.example.com`;

function templateData(plan: KubernetesPlan): Record<string, unknown> {
  const app = plan.app;
  return {
    ...plan,
    labels: (component: string, indent: number) => block(componentLabels(app, component), indent),
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
    externalHost: externalHost(app),
    externalEgress: EXTERNAL_EGRESS,
    ingressControllers: INGRESS_CONTROLLERS,
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

/** Every output file of a model: which template renders it, and for what. */
export function entries(model: StackModel, plan = planKubernetes(model)): Entry[] {
  const k = KUBERNETES_DIR;
  const out: Entry[] = [
    { template: 'kubernetes/README.md', path: `${k}/README.md` },
    { template: 'kubernetes/base/kustomization.yaml', path: `${k}/base/kustomization.yaml` },
    { template: 'kubernetes/base/serviceaccount.yaml', path: `${k}/base/serviceaccount.yaml` },
    { template: 'kubernetes/base/deployment.yaml', path: `${k}/base/deployment.yaml` },
    { template: 'kubernetes/base/networkpolicy.yaml', path: `${k}/base/networkpolicy.yaml` },
  ];
  if (plan.services.some((s) => s.job)) out.push({ template: 'kubernetes/base/job.yaml', path: `${k}/base/job.yaml` });
  if (plan.services.some((s) => s.portName)) out.push({ template: 'kubernetes/base/service.yaml', path: `${k}/base/service.yaml` });
  if (plan.backing.length) out.push({ template: 'kubernetes/base/backing.yaml', path: `${k}/base/backing.yaml` });
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
  for (const name of ENVIRONMENTS) {
    const env = plan.environments[name];
    const dir = `${k}/overlays/${name}`;
    out.push({ template: 'kubernetes/overlays/kustomization.yaml', path: `${dir}/kustomization.yaml`, data: { env } });
    out.push({ template: 'kubernetes/overlays/resources.yaml', path: `${dir}/resources.yaml`, data: { env } });
    if (env.ingressHosts.length) out.push({ template: 'kubernetes/overlays/ingress.yaml', path: `${dir}/ingress.yaml`, data: { env } });
    if (env.autoscaled.length) out.push({ template: 'kubernetes/overlays/hpa.yaml', path: `${dir}/hpa.yaml`, data: { env } });
    if (env.spread.length) out.push({ template: 'kubernetes/overlays/spread.yaml', path: `${dir}/spread.yaml`, data: { env } });
    if (env.disruptionBudgets.length) out.push({ template: 'kubernetes/overlays/pdb.yaml', path: `${dir}/pdb.yaml`, data: { env } });
  }
  out.push({ template: 'scripts/deploy.sh', path: `${SCRIPTS_DIR}/deploy.sh` });
  out.push({ template: 'scripts/undeploy.sh', path: `${SCRIPTS_DIR}/undeploy.sh` });
  return out;
}

/** Every file this stage owns, rendered from the model (memoized: see lib/render/memo.ts). */
export const files = memoByModel(function files(model: StackModel): OutputFile[] {
  const plan = planKubernetes(model);
  const data = templateData(plan);
  return entries(model, plan)
    .map((e) => ({ path: e.path, content: tidy(renderFile(join(TEMPLATES, `${e.template}.ejs`), { ...data, ...e.data })) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
});
