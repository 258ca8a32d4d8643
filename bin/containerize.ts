#!/usr/bin/env node
/**
 * `containerize [generator] [args] [flags]`: the same generators as
 * `yo containerize[:generator]`, for people without yo.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATOR_NAMES as GENERATORS } from '../lib/generator/names.js';
import { suggest, UsageError } from '../lib/model/usage.js';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');

type GeneratorClass = new (args: string[], options: any) => any;
/**
 * Each generator is imported only when it runs (the stages `app` composes are imported by
 * `app` itself): `containerize detect` never loads the renderers, `--version` loads nothing.
 */
const LOADERS: Record<string, () => Promise<{ default: GeneratorClass }>> = {
  app: () => import('../generators/app/generator.js'),
  detect: () => import('../generators/detect/generator.js'),
  service: () => import('../generators/service/generator.js'),
  dockerfile: () => import('../generators/dockerfile/generator.js'),
  compose: () => import('../generators/compose/generator.js'),
  dev: () => import('../generators/dev/generator.js'),
  ci: () => import('../generators/ci/generator.js'),
  cd: () => import('../generators/cd/generator.js'),
  kubernetes: () => import('../generators/kubernetes/generator.js'),
  helm: () => import('../generators/helm/generator.js'),
  docs: () => import('../generators/docs/generator.js'),
  doctor: () => import('../generators/doctor/generator.js'),
};

function overview(version: string): string {
  return `containerize ${version}: take an existing repository from "code on laptops" to "running on Kubernetes".

Usage:
  containerize [generator] [args] [flags]

Generators (default: app):
  app          everything, in checklist order (detect, ask what is unknown, write all stages)
  detect       print what detection finds, with evidence (--json for the model); writes nothing
  service      add or update one component: containerize service <name> [--path DIR]
  dockerfile   Dockerfiles and .dockerignore files
  compose      compose.yaml for the whole app
  dev          the dev loop (hot reload, devcontainer, one-command entry points)
  ci, cd       GitHub Actions image builds, tests and deployments
  kubernetes   plain manifests (kustomize)
  helm         the Helm chart
  docs         onboarding guide, architecture diagram and operations page (docs/)
  doctor       check this machine for what the stack needs; exit status 1 when a check fails

Common flags:
  --yes, -y          accept detected and default values; a service missing a required value is left
                     out and listed with the flag that settles it (exit status 4: partial run)
  --answers FILE     answers as YAML/JSON, shaped like the generator-containerize entry of .yo-rc.json
  --set PATH=VALUE   set one model value (repeatable), e.g. --set web.port=3000
  --not-secret SERVICE.NAME  insist a secret-looking variable is not a secret (repeatable)
  --name, --registry application name and image registry
  --registry-kind, --deploy-tool, --gitops, --previews, --blue-green
                     how CI logs in to the registry, the deployment tool (kustomize, helm or
                     manifests; only its files are written), Argo CD on top, previews per pull request,
                     production as blue and green stacks with a scripted switch
  --ask-answered     ask again what .yo-rc.json already answers
  --dry-run          print what would change, as a unified diff per file; write nothing
  --force            overwrite generated files you edited instead of merging (never a file of yours)
  --help             this text; \`containerize <generator> --help\` for a generator's options

Exit status:
  0    done: every change applied (your edits to generated files merged in)
  1    error: nothing was written (the message says why)
  2    unknown generator, option or --set path: nothing was written
  3    done, but conflicts are left: your file kept, ours beside it as <file>.containerize-new
  130  interrupted (Ctrl-C)

The same generators run as \`yo containerize[:generator]\` after \`npm install -g yo generator-containerize\`.`;
}

async function main(argv: string[]): Promise<number> {
  const version = JSON.parse(readFileSync(join(root, extname(self) === '.ts' ? '' : '..', 'package.json'), 'utf8')).version as string;
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(version);
    return 0;
  }
  const explicit = argv[0] !== undefined && GENERATORS.includes(argv[0]);
  // A first word that is not a flag names a generator: a typo is an error, not a run of app.
  if (argv[0] !== undefined && !explicit && !argv[0].startsWith('-'))
    throw new UsageError(`unknown generator "${argv[0]}"${suggest(argv[0], GENERATORS)} (containerize --help lists them)`);
  const name = explicit ? argv[0]! : 'app';
  const args = explicit ? argv.slice(1) : argv;
  const help = args.includes('--help') || args.includes('-h');
  if (help && !explicit) {
    console.log(overview(version));
    console.log('\n--- containerize app ---');
  }
  const [{ createEnv }, { default: Generator }, { CONFLICTS_EXIT }, { conflictsOf, PARTIAL_EXIT_CODE, runLog }] = await Promise.all([
    import('yeoman-environment'),
    LOADERS[name]!(),
    import('../lib/generator/base.js'),
    import('../lib/write/writer.js'),
  ]);
  const env = createEnv();
  // Registered as a class, with the path it would be loaded from (its USAGE is found beside it).
  env.register(Generator as never, { namespace: `containerize:${name}`, resolved: join(root, 'generators', name, `generator${extname(self)}`) });
  await env.run([`containerize:${name}`, ...args.filter((a) => a !== '--help' && a !== '-h')], help ? { help: true } : {});
  // A --yes run that left services out (a required value unknown) wrote the others; one that left
  // conflicts applied the rest: each says so by its status (partial first).
  const log = runLog(env);
  return log.leftOut.length ? PARTIAL_EXIT_CODE : conflictsOf(log).length ? CONFLICTS_EXIT : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error & { code?: unknown }) => {
    console.error(`containerize: ${error.message}`);
    if (process.env.DEBUG) console.error(error.stack);
    // UsageError: 2, InterruptedError: 130, anything else: 1 (nothing was written).
    process.exit(typeof error.code === 'number' ? error.code : 1);
  },
);
