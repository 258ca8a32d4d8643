/**
 * The checklist stages, in the order `app` composes them (the order of the
 * classic containerization checklist): images, Compose, dev loop, CI, CD,
 * orchestration, onboarding docs.
 */
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import DockerfileGenerator from '../dockerfile/generator.js';
import ComposeGenerator from '../compose/generator.js';
import DevGenerator from '../dev/generator.js';
import CiGenerator from '../ci/generator.js';
import CdGenerator from '../cd/generator.js';
import KubernetesGenerator from '../kubernetes/generator.js';
import HelmGenerator from '../helm/generator.js';
import DocsGenerator from '../docs/generator.js';

const self = fileURLToPath(import.meta.url);
/** The stage's generator file, with this file's extension (.ts from source, .js when built). */
const stagePath = (name: string) => join(dirname(self), '..', name, `generator${extname(self)}`);

export const STAGES = [
  { name: 'dockerfile', Generator: DockerfileGenerator, path: stagePath('dockerfile') },
  { name: 'compose', Generator: ComposeGenerator, path: stagePath('compose') },
  { name: 'dev', Generator: DevGenerator, path: stagePath('dev') },
  { name: 'ci', Generator: CiGenerator, path: stagePath('ci') },
  { name: 'cd', Generator: CdGenerator, path: stagePath('cd') },
  { name: 'kubernetes', Generator: KubernetesGenerator, path: stagePath('kubernetes') },
  { name: 'helm', Generator: HelmGenerator, path: stagePath('helm') },
  { name: 'docs', Generator: DocsGenerator, path: stagePath('docs') },
] as const;

export const STAGE_NAMES = STAGES.map((s) => s.name);
