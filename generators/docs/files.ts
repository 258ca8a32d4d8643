/**
 * The files the docs stage owns, as a pure function of the stack model and the folder they
 * go in (the generator picks it: ./generator.ts, docsFolder):
 *
 *   <folder>/onboarding.md    what to install (with versions), the one command for a dev stack,
 *                             ports and URLs, tests, the path of a change, adding a component
 *   <folder>/architecture.md  Mermaid diagrams: services, backing services, who calls whom,
 *                             public entry points; the environments and their namespaces
 *   <folder>/operations.md    secrets per environment, deploy and roll back, logs, and what
 *                             every generated file is for
 *
 * What they say is computed in ./plan.ts; the path of a change lives in ./change-path.ts only.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackModel } from '../../lib/model/types.js';
import { renderFile } from '../../lib/render/ejs.js';
import { GENERATED_MARKER } from '../../lib/model/marker.js';
import type { OutputFile } from '../../lib/render/types.js';
import { PAGES, planDocs, type DocsPlan } from './plan.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** Where the pages go unless the repository already has its own pages of those names. */
export const DEFAULT_FOLDER = 'docs';
/** Where they go beside the user's own. */
export const FALLBACK_FOLDER = 'docs/containerize';

/** Text inside a quoted Mermaid label: `"` is the one character that ends it. */
const label = (text: string): string => `"${text.replace(/"/g, '#quot;')}"`;

/** The services diagram: services, backing services, dependsOn edges, the public entry points. */
export function servicesDiagram(p: DocsPlan): string {
  const lines = ['flowchart LR'];
  const pub = p.services.filter((s) => s.public && s.port !== null);
  if (pub.length) lines.push(`  users((${label('users')}))`);
  lines.push(`  subgraph stack[${label(`${p.name}`)}]`);
  for (const s of p.services) lines.push(`    ${s.id}[${label(s.label)}]`);
  for (const b of p.backing) lines.push(`    ${b.id}[(${label(b.label)})]`);
  lines.push('  end');
  for (const s of pub) lines.push(`  users -->|${label(`dev: ${s.url} · Kubernetes: Ingress`)}| ${s.id}`);
  for (const e of p.edges) lines.push(`  ${e.from} --> ${e.to}`);
  return lines.join('\n');
}

/** The environments diagram, from the path of a change (./change-path.ts). */
export function environmentsDiagram(p: DocsPlan): string {
  const steps = p.pipeline.steps;
  const id = (name: string) => `env_${name.toLowerCase()}`;
  const lines = ['flowchart LR', ...steps.map((s) => `  ${id(s.name)}[${label(`${s.name}<br/>${s.where}`)}]`)];
  const has = (n: string) => steps.some((s) => s.name === n);
  if (has('dev') && has('CI')) lines.push(`  ${id('dev')} -->|${label('git push')}| ${id('CI')}`);
  if (has('CI') && has('previews')) lines.push(`  ${id('CI')} -.->|${label('pull request')}| ${id('previews')}`);
  if (has('CI') && has('staging')) lines.push(`  ${id('CI')} -->|${label('images tagged')}| ${id('staging')}`);
  if (has('staging') && has('production')) lines.push(`  ${id('staging')} -->|${label('same tag')}| ${id('production')}`);
  return lines.join('\n');
}

export function files(model: StackModel, folder: string = DEFAULT_FOLDER): OutputFile[] {
  const p = planDocs(model, folder);
  const render = (page: string, data: Record<string, unknown> = {}) => renderFile(join(TEMPLATES, `${page}.ejs`), { p, marker: GENERATED_MARKER, ...data });
  return [
    { path: `${folder}/${PAGES.architecture}`, content: render(PAGES.architecture, { services: servicesDiagram(p), environments: environmentsDiagram(p) }) },
    { path: `${folder}/${PAGES.onboarding}`, content: render(PAGES.onboarding) },
    { path: `${folder}/${PAGES.operations}`, content: render(PAGES.operations) },
  ];
}
