/**
 * The files the compose stage owns, as a pure function of the stack model:
 *
 *   compose.yaml          every service and backing service (production build)
 *   .env.example          every non-secret variable with its default, per service
 *
 * (compose.yaml and .env.example take other names when the repository has its own:
 * lib/render/layout.ts.)
 *   secrets/README.md     what each secret file holds and where it comes from
 *   secrets/create.sh     writes the missing secret files with random values
 *   secrets/.gitignore    keeps secrets/ out of git without touching the user's .gitignore
 *
 * The decisions (environment keys, secrets, healthchecks, read-only roots) are
 * made once in ./plan.ts and shared with the dev stage. Before returning,
 * compose.yaml goes through the reference checks of lib/validate/compose.ts
 * (no schema at run time: it ships in a devDependency; tests run it).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { StackModel } from '../../lib/model/types.js';
import { renderFile, tidy } from '../../lib/render/ejs.js';
import { joinParts } from '../../lib/render/wiring.js';
import type { OutputFile, StageCheck } from '../../lib/render/types.js';
import { layoutOf, placed, type Layout } from '../../lib/render/layout.js';
import { checkComposeReferences } from '../../lib/validate/compose.js';
import { modelPlainNames, modelSecretNames, planStack, type SecretVar, type StackPlan } from '../../lib/render/compose-plan.js';
import { yamlScalar as scalar } from '../../lib/render/ejs.js';
import { comment, dotenv, shq } from '../../lib/render/escape.js';
import { memoByModel } from '../../lib/render/memo.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** Blank lines collapsed to one, exactly one newline at the end. */

export { dotenv, shq };

/** The shell word secrets/create.sh prints for one `NAME=value` line. */
function shellValue(s: SecretVar): string {
  const src = s.source;
  switch (src.kind) {
    case 'random':
      return `"${s.name}=$(random)"`;
    case 'empty':
      return shq(`${s.name}=`);
    case 'placeholder':
      return shq(`${s.name}=${dotenv(src.value)}`);
    case 'password':
      return `"${s.name}=$(cat ${src.backing}-password)"`;
    case 'connection':
      return src.parts.map((p, i) => (typeof p === 'string' ? shq(i === 0 ? `${s.name}=${p}` : p) : `${i === 0 ? shq(`${s.name}=`) : ''}"$(cat ${p.password}-password)"`)).join('');
  }
}

/** One line of secrets/README.md on where a secret's value comes from. */
function describe(s: SecretVar): string {
  const src = s.source;
  switch (src.kind) {
    case 'random':
      return 'a random value (replace it when it is a credential issued by someone else)';
    case 'empty':
      return 'empty: a connection URL that fits none or several of the backing services; write it';
    case 'placeholder':
      return `\`${src.value}\`: a host outside the stack; put the real password in place of CHANGE_ME`;
    case 'password':
      return `the password of "${src.backing}" (copied from \`secrets/${src.backing}-password\`)`;
    case 'connection':
      return `\`${joinParts(src.parts, (b) => `<password of ${b}>`)}\` (wired to "${src.backing}": its host, user and password)`;
  }
}

const render = (template: string, plan: StackPlan, layout: Layout): string =>
  tidy(renderFile(join(TEMPLATES, template), { plan, layout, scalar, dotenv, shellValue, describe, comment }));

/** Every file this stage owns, rendered from the model (memoized: see lib/render/memo.ts). */
export const files = memoByModel(function files(model: StackModel): OutputFile[] {
  const plan = planStack(model);
  const layout = layoutOf(model);
  const out: OutputFile[] = [
    { path: layout.compose, content: render('compose.yaml.ejs', plan, layout) },
    { path: layout.envExample, content: render('.env.example.ejs', plan, layout), ...(layout.envBlock ? { block: true } : {}) },
    { path: 'secrets/.gitignore', content: render('secrets/.gitignore.ejs', plan, layout) },
    { path: 'secrets/README.md', content: render('secrets/README.md.ejs', plan, layout) },
    { path: 'secrets/create.sh', content: render('secrets/create.sh.ejs', plan, layout) },
  ].map((f) => placed(layout, f));
  return out;
});

/** The run loop's check of compose.yaml (lib/validate/compose.ts): every service, secret, file and variable it names exists. */
export const check: StageCheck = (model, out) =>
  checkComposeReferences(parse(out.find((f) => f.path === layoutOf(model).compose)!.content), { files: out, secretNames: modelSecretNames(model), plainNames: modelPlainNames(model) });
