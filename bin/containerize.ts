#!/usr/bin/env node
/**
 * `containerize [generator] [args] [flags]`: the same generators as
 * `yo containerize[:generator]`, for people without yo.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnv } from 'yeoman-environment';
import { PARTIAL_EXIT_CODE, runLog } from '../lib/write/writer.js';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const GENERATORS = ['app', 'detect', 'service', 'dockerfile', 'compose', 'dev', 'ci', 'cd', 'kubernetes', 'helm', 'docs'];

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
  docs         onboarding docs

Common flags:
  --yes, -y          accept detected and default values; a service missing a required value is left
                     out and listed with the flag that settles it (exit status 3: partial run)
  --answers FILE     answers as YAML/JSON, shaped like the generator-containerize entry of .yo-rc.json
  --set PATH=VALUE   set one model value (repeatable), e.g. --set web.port=3000
  --name, --registry application name and image registry
  --ask-answered     ask again what .yo-rc.json already answers
  --help             this text; \`containerize <generator> --help\` for a generator's options

The same generators run as \`yo containerize[:generator]\` after \`npm install -g yo generator-containerize\`.`;
}

async function main(argv: string[]): Promise<number> {
  const version = JSON.parse(readFileSync(join(root, extname(self) === '.ts' ? '' : '..', 'package.json'), 'utf8')).version as string;
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(version);
    return 0;
  }
  const explicit = argv[0] !== undefined && GENERATORS.includes(argv[0]);
  const name = explicit ? argv[0]! : 'app';
  const args = explicit ? argv.slice(1) : argv;
  const help = args.includes('--help') || args.includes('-h');
  if (help && !explicit) {
    console.log(overview(version));
    console.log('\n--- containerize app ---');
  }
  const env = createEnv();
  for (const g of GENERATORS) env.register(join(root, 'generators', g, `generator${extname(self)}`), { namespace: `containerize:${g}` });
  await env.run([`containerize:${name}`, ...args.filter((a) => a !== '--help' && a !== '-h')], help ? { help: true } : {});
  // A --yes run that left services out (a required value unknown) wrote the others: it says so by its status.
  return runLog(env).leftOut.length ? PARTIAL_EXIT_CODE : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`containerize: ${error.message}`);
    if (process.env.DEBUG) console.error(error.stack);
    process.exit(1);
  },
);
