/**
 * The checklist stages, in the order `app` composes them (the order of the
 * classic containerization checklist): images, Compose, dev loop, CI, CD,
 * orchestration, onboarding docs.
 *
 * Each stage's generator is imported only when a run composes it (`load`), so
 * importing this list (as `service`'s tests and the bin do) costs nothing.
 */
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
/** The stage's generator file, with this file's extension (.ts from source, .js when built). */
const stagePath = (name: string) => join(dirname(self), '..', name, `generator${extname(self)}`);

type GeneratorModule = Promise<{ default: new (args: string[], options: any) => any }>;

export const STAGES = [
  { name: 'dockerfile', load: (): GeneratorModule => import('../dockerfile/generator.js'), path: stagePath('dockerfile') },
  { name: 'compose', load: (): GeneratorModule => import('../compose/generator.js'), path: stagePath('compose') },
  { name: 'dev', load: (): GeneratorModule => import('../dev/generator.js'), path: stagePath('dev') },
  { name: 'ci', load: (): GeneratorModule => import('../ci/generator.js'), path: stagePath('ci') },
  { name: 'cd', load: (): GeneratorModule => import('../cd/generator.js'), path: stagePath('cd') },
  { name: 'kubernetes', load: (): GeneratorModule => import('../kubernetes/generator.js'), path: stagePath('kubernetes') },
  { name: 'helm', load: (): GeneratorModule => import('../helm/generator.js'), path: stagePath('helm') },
  { name: 'docs', load: (): GeneratorModule => import('../docs/generator.js'), path: stagePath('docs') },
] as const;

export const STAGE_NAMES = STAGES.map((s) => s.name);
