/**
 * What the docs stage says about a stack, computed once from the model and from what the
 * other stages render for it (so "what each generated file is for" lists exactly the files
 * the generator writes). The templates in ./templates only lay it out.
 */
import { routeUrl } from '../../lib/render/routing.js';
import { ENGINES, deploysToKubernetes, tools } from '../../lib/doctor/requirements.js';
import type { StackModel } from '../../lib/model/types.js';
import type { OutputFile } from '../../lib/render/types.js';
import { files as composeFiles } from '../compose/files.js';
import { files as devFiles, planDev } from '../dev/files.js';
import { files as dockerfileFiles } from '../dockerfile/files.js';
import { files as helmFiles } from '../helm/files.js';
import { files as kubernetesFiles } from '../kubernetes/files.js';
import { ENVIRONMENTS, planKubernetes } from '../kubernetes/plan.js';
import { files as ciFiles } from '../ci/files.js';
import { files as cdFiles } from '../cd/files.js';
import { pipeline, type Pipeline } from './change-path.js';
import { purpose } from './inventory.js';

/** The pages, by file name in the docs folder. */
export const PAGES = { onboarding: 'onboarding.md', architecture: 'architecture.md', operations: 'operations.md' } as const;

export interface DocsService {
  name: string;
  id: string;
  label: string;
  language: string;
  port: number | null;
  public: boolean;
  url: string | null;
  healthUrl: string | null;
  internalUrl: string | null;
  dependsOn: string[];
  testTarget: string;
  hasTests: boolean;
}

export interface DocsBacking {
  name: string;
  id: string;
  label: string;
  kind: string;
  version: string;
  port: number;
}

export interface DocsPlan {
  name: string;
  folder: string;
  services: DocsService[];
  backing: DocsBacking[];
  /** Every dependsOn edge: [from id, to id, from name, to name]. */
  edges: { from: string; to: string; fromName: string; toName: string }[];
  debugPorts: { service: string; host: number }[];
  requirements: { label: string; minimum: string; why: string; install: string; optional: boolean }[];
  engines: { name: string; engine: string; engineMin: string; compose: string; composeMin: string; install: string }[];
  kubernetes: boolean;
  environments: { name: string; namespace: string; hosts: string[]; secrets: { name: string; keys: string[]; owner: string }[]; rollouts: string[] }[];
  /** Production's clusters as deploy targets (production-<cluster>), when it runs in several. */
  clusters: string[];
  composeSecrets: { path: string; about: string }[];
  pipeline: Pipeline;
  files: { stage: string; path: string; purpose: string }[];
  chartDir: string | null;
  /** The GitHub secrets and variables the generated workflows read, and which workflows read each. */
  githubSettings: { kind: 'secret' | 'variable'; name: string; workflows: string[] }[];
}

/** A Mermaid node id for a model name: prefixed, so no name can be a Mermaid keyword (`end`, `graph`...). */
export const nodeId = (kind: 'svc' | 'bk', name: string): string => `${kind}_${name.replace(/-/g, '_')}`;

/** The other stages whose files the docs describe, in checklist order. */
const STAGE_FILES: [string, (m: StackModel) => OutputFile[]][] = [
  ['dockerfile', dockerfileFiles],
  ['compose', composeFiles],
  ['dev', devFiles],
  ['ci', ciFiles],
  ['cd', cdFiles],
  ['kubernetes', kubernetesFiles],
  ['helm', helmFiles],
];

export function planDocs(model: StackModel, folder: string): DocsPlan {
  const dev = planDev(model);
  const k8s = deploysToKubernetes(model) ? planKubernetes(model) : null;
  const services: DocsService[] = dev.services.map((s) => {
    const svc = s.app.svc;
    const url = svc.public && svc.port !== null ? `http://127.0.0.1:${svc.port}` : null;
    const bits = [`${svc.language} ${svc.languageVersion}`, svc.framework, svc.port === null ? 'no port (worker)' : `port ${svc.port}`].filter(Boolean);
    return {
      name: s.app.name,
      id: nodeId('svc', s.app.name),
      label: `${s.app.name}<br/>${bits.join(' · ')}`,
      language: svc.language,
      port: svc.port,
      public: svc.public,
      url,
      healthUrl: url && svc.healthPath ? `${url}${svc.healthPath}` : null,
      internalUrl: svc.port !== null ? `http://${s.app.name}:${svc.port}` : null,
      dependsOn: [...svc.dependsOn].sort(),
      testTarget: `make test-${s.app.name}`,
      hasTests: s.test !== null,
    };
  });
  const backing: DocsBacking[] = dev.stack.backing.map((b) => ({
    name: b.name,
    id: nodeId('bk', b.name),
    label: `${b.name}<br/>${b.kind} ${model.backing[b.name]!.version} · port ${b.port}`,
    kind: b.kind,
    version: model.backing[b.name]!.version,
    port: b.port,
  }));
  const edges = services.flatMap((s) =>
    s.dependsOn.map((d) => ({ from: s.id, to: d in model.backing ? nodeId('bk', d) : nodeId('svc', d), fromName: s.name, toName: d })),
  );
  const rendered = STAGE_FILES.map(([stage, render]) => [stage, render(model)] as const);
  const files = rendered.flatMap(([stage, out]) => out.map((f) => ({ stage, path: f.path, purpose: purpose(f.path, stage, model) })));
  const settings = new Map<string, { kind: 'secret' | 'variable'; name: string; workflows: string[] }>();
  for (const [, out] of rendered)
    for (const f of out.filter((x) => x.path.startsWith('.github/workflows/')))
      for (const m of f.content.matchAll(/\$\{\{ (secrets|vars)\.([A-Z0-9_]+) \}\}/g)) {
        if (m[2] === 'GITHUB_TOKEN') continue;
        const key = `${m[1]}.${m[2]}`;
        const entry = settings.get(key) ?? { kind: m[1] === 'secrets' ? ('secret' as const) : ('variable' as const), name: m[2]!, workflows: [] };
        if (!entry.workflows.includes(f.path)) entry.workflows.push(f.path);
        settings.set(key, entry);
      }
  for (const page of Object.values(PAGES)) files.push({ stage: 'docs', path: `${folder}/${page}`, purpose: purpose(page, 'docs', model) });
  const environments = k8s
    ? ENVIRONMENTS.map((name) => {
        const e = k8s.environments[name];
        return { name, namespace: e.namespace, hosts: e.routing ? e.ingressHosts.map((h) => `${h.service}: ${routeUrl(e.routing!, h)}`) : [], secrets: e.secrets, rollouts: e.rollouts };
      })
    : [];
  const ns = (n: string) => environments.find((e) => e.name === n)?.namespace ?? `${model.name}-${n}`;
  // Production in several clusters: a deploy target (and a GitHub environment) per cluster.
  const clusters = k8s ? k8s.clusters.map((c) => c.name) : [];
  const optionalTools = tools(model);
  return {
    name: model.name,
    folder,
    services,
    backing,
    edges,
    githubSettings: [...settings.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    debugPorts: dev.services.flatMap((s) => s.debugPorts.map((d) => ({ service: s.app.name, host: d.host }))),
    requirements: optionalTools.map(({ tool, optional }) => ({ label: tool.label, minimum: tool.minimum, why: tool.why, install: tool.install, optional })),
    engines: ENGINES.map((e) => ({ name: e.name, engine: e.engine.label, engineMin: e.engine.minimum, compose: e.compose.label, composeMin: e.compose.minimum, install: e.engine.install })),
    kubernetes: k8s !== null,
    environments,
    clusters,
    composeSecrets: dev.stack.secretFiles.map((f) => ({ path: f.path, about: f.about })),
    pipeline: pipeline(model, { staging: ns('staging'), production: ns('production') }),
    files,
    chartDir: files.find((f) => /^deploy\/helm\/[^/]+\/Chart\.yaml$/.test(f.path))?.path.replace(/\/Chart\.yaml$/, '') ?? null,
  };
}
