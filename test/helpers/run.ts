/**
 * yeoman-test runs of our generators, handed over as classes: the environment
 * loads generator files with require() first, and under tsx that would turn
 * yeoman-generator's ESM into CommonJS, which cannot import @yeoman/namespace.
 * `resolved` keeps USAGE and templates found as in a real run; `--force` is
 * off unless a test sets it. Returns the
 * RunContext itself (it is thenable: do not wrap it in an async function).
 */
import helpers from 'yeoman-test';
import AppGenerator from '../../generators/app/generator.js';
import DetectGenerator from '../../generators/detect/generator.js';
import DoctorGenerator from '../../generators/doctor/generator.js';
import ServiceGenerator from '../../generators/service/generator.js';
import { STAGES } from '../../generators/app/stages.js';
import { generatorPath } from './tree.js';

const CLASSES: Record<string, any> = {
  app: AppGenerator,
  detect: DetectGenerator,
  service: ServiceGenerator,
  ...Object.fromEntries(await Promise.all(STAGES.map(async (s) => [s.name, (await s.load()).default]))),
  doctor: DoctorGenerator,
};

export const GENERATOR_NAMES = Object.keys(CLASSES);

export function runGenerator(name: string) {
  const Generator = CLASSES[name];
  if (!Generator) throw new Error(`no generator ${name}`);
  // yeoman-test passes `force: true` to every generator (for Yeoman's own conflicter); ours is the
  // user's --force (overwrite edits instead of merging), so a test run has it only when it says so.
  return helpers.run(Generator, { resolved: generatorPath(name), namespace: `containerize:${name}` }).withOptions({ force: false } as never);
}
