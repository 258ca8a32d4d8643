/**
 * `npm run fuzz -- --runs N [--seed S] [--batch B] [--keep]`: N random models (1 to 12
 * services over every language, framework, backing kind and option) through every stage
 * and every validator (./harness.ts), in batches of B (default 25) for the costly ones.
 * Prints each failing model (its seed and index, the model, the problems) and a summary with
 * the time taken; exits 1 when a model failed. The same seed gives the same models.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stackArb } from '../helpers/arbitraries.js';
import { runBatch, scratch, workflowChecks } from './harness.js';
import { mutualDependencies } from '../../lib/render/compose-plan.js';
import { isWorkspaceMember } from '../../lib/model/derive.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = arg('runs', 100);
const seed = arg('seed', Date.now() % 2 ** 31);
const batch = arg('batch', 25);
const keep = process.argv.includes('--keep');
const started = Date.now();
const models = fc.sample(stackArb(), { seed, numRuns: runs });
const work = scratch('containerize-fuzz-');
let failed = 0;
let refused = 0;
let services = 0;
const languages = new Set<string>();
const kinds = new Set<string>();
const features: Record<string, number> = { workers: 0, public: 0, 'own Dockerfiles': 0, 'workspace members': 0, 'secret variables': 0, 'insisted plain (--not-secret)': 0, 'dependencies on workers': 0, 'cycles of services': 0 };
for (let i = 0; i < models.length; i += batch) {
  const cases = runBatch(models.slice(i, i + batch), join(work, `b${i}`), `${i}+`);
  await workflowChecks(cases);
  for (const c of cases) {
    services += Object.keys(c.model.services).length;
    for (const s of Object.values(c.model.services)) {
      languages.add(s.language);
      if (s.port === null) features.workers!++;
      if (s.public) features.public!++;
      if (s.dockerfile) features['own Dockerfiles']!++;
      if (isWorkspaceMember(s)) features['workspace members']!++;
      features['secret variables']! += Object.values(s.env).filter((e) => e.secret).length;
      features['insisted plain (--not-secret)']! += Object.values(s.env).filter((e) => e.notSecret).length;
      features['dependencies on workers']! += s.dependsOn.filter((d) => c.model.services[d]?.port === null).length;
    }
    features['cycles of services']! += new Set([...mutualDependencies(c.model)].map((e) => e.split('>')[0])).size ? 1 : 0;
    for (const b of Object.values(c.model.backing)) kinds.add(b.kind);
    if (c.refused.length) {
      refused++;
      console.log(`\nmodel ${c.id} (seed ${seed}) REFUSED by the model validator:\n  ${c.refused.join('\n  ')}`);
      continue;
    }
    if (!c.problems.length) continue;
    failed++;
    console.log(`\nmodel ${c.id} (seed ${seed}) FAILED:\n  ${[...new Set(c.problems)].slice(0, 30).join('\n  ')}`);
    writeFileSync(join(work, `failed-${c.id.replace('+', '-')}.json`), JSON.stringify(c.model, null, 2));
  }
  process.stdout.write(`. ${Math.min(i + batch, models.length)}/${models.length} (${Math.round((Date.now() - started) / 1000)} s)\n`);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\ncovered: ${Object.entries(features).map(([k, v]) => `${v} ${k}`).join(', ')}`);
console.log(`\nfuzz: ${models.length} models (${services} services; languages: ${[...languages].sort().join(', ')}; backing kinds: ${[...kinds].sort().join(', ')}), seed ${seed}: ${models.length - failed - refused} passed every validator, ${failed} failed, ${refused} refused by the model validator; ${seconds} s`);
if (keep || failed) console.log(`work folder: ${work}`);
else rmSync(work, { recursive: true, force: true });
process.exit(failed || refused ? 1 : 0);
