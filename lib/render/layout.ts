/**
 * Where the files that other files name go: compose.yaml and its dev layer,
 * the Makefile, .env.example and the dev container. By default at the names
 * their tools load by themselves; when the repository already has its own
 * (the model's `existing`, detected on the first run), ours go beside it
 * under names that tool does not load by itself, and every reference (the
 * Makefile's -f flags, devcontainer.json, comments, the summary) uses them:
 *
 *   theirs                          ours
 *   compose.yaml, docker-compose.*  containerize.compose.yaml + containerize.compose.override.yaml
 *                                   (`docker compose` alone still runs theirs; ours with -f)
 *   Makefile                        containerize.mk (`make -f containerize.mk up`), plus an
 *                                   `include containerize.mk` block in theirs if they agree
 *   .env.example                    containerize.env.example, or a marked block at the end
 *                                   of theirs if they agree
 *   .devcontainer/devcontainer.json .devcontainer/containerize/ (VS Code offers both)
 *
 * The one decision, read by the compose and dev stages, the writer's summary and docs.
 */
import type { StackModel } from '../model/types.js';

export interface Layout {
  /** Our Compose file and dev layer. */
  compose: string;
  override: string;
  /** True when they have the names `docker compose` loads by itself. */
  composeLoadsItself: boolean;
  /** The command line that runs our stack with the dev layer, e.g. `docker compose up`. */
  composeUp: string;
  /** Where our make targets are, and how to call them (`make` or `make -f containerize.mk`). */
  makefile: string;
  make: string;
  /** The user's Makefile that includes ours (a marked block), or null. */
  makeInclude: string | null;
  /** Our .env.example, or the user's when ours is a block at its end. */
  envExample: string;
  envBlock: boolean;
  /** The folder of our devcontainer.json and compose.devcontainer.yaml. */
  devcontainer: string;
  /** Per output placed beside a file of the user's: theirs, and how to use ours. */
  beside: Record<string, { of: string; use: string }>;
}

export const COMPOSE_BESIDE = 'containerize.compose.yaml';
export const OVERRIDE_BESIDE = 'containerize.compose.override.yaml';
export const MAKEFILE_BESIDE = 'containerize.mk';
export const ENV_BESIDE = 'containerize.env.example';
export const DEVCONTAINER_BESIDE = '.devcontainer/containerize';

export function layoutOf(model: StackModel): Layout {
  const existing = model.existing ?? {};
  const beside: Layout['beside'] = {};
  const compose = existing.compose ? COMPOSE_BESIDE : 'compose.yaml';
  const override = existing.compose ? OVERRIDE_BESIDE : 'compose.override.yaml';
  const composeUp = existing.compose ? `docker compose -f ${compose} -f ${override} up` : 'docker compose up';
  if (existing.compose) {
    const use = `\`${composeUp}\` runs ours; \`docker compose\` alone still runs your ${existing.compose.path}`;
    beside[compose] = { of: existing.compose.path, use };
    beside[override] = { of: existing.compose.path, use: `our dev layer, loaded with -f after ${compose}` };
  }
  const makefile = existing.makefile ? MAKEFILE_BESIDE : 'Makefile';
  const makeInclude = existing.makefile?.link ? existing.makefile.path : null;
  const make = existing.makefile && !makeInclude ? `make -f ${MAKEFILE_BESIDE}` : 'make';
  if (existing.makefile)
    beside[makefile] = {
      of: existing.makefile.path,
      use: makeInclude
        ? `your ${makeInclude} includes it (a marked block at its end): \`make up\``
        : `\`make -f ${MAKEFILE_BESIDE} up\` (or let your ${existing.makefile.path} include it: --set existing.makefile.link=true)`,
    };
  const envBlock = Boolean(existing.envExample?.link);
  const envExample = existing.envExample ? (envBlock ? existing.envExample.path : ENV_BESIDE) : '.env.example';
  if (existing.envExample && !envBlock)
    beside[envExample] = {
      of: existing.envExample.path,
      use: `our variables and their defaults (or append them to yours as a marked block: --set existing.envExample.link=true)`,
    };
  const devcontainer = existing.devcontainer ? DEVCONTAINER_BESIDE : '.devcontainer';
  if (existing.devcontainer)
    for (const file of ['devcontainer.json', 'compose.devcontainer.yaml'])
      beside[`${devcontainer}/${file}`] = { of: existing.devcontainer.path, use: 'VS Code lists it beside yours: "Reopen in Container" asks which' };
  return { compose, override, composeLoadsItself: !existing.compose, composeUp, makefile, make, makeInclude, envExample, envBlock, devcontainer, beside };
}

/** The output with `beside` set when the layout placed it beside a file of the user's. */
export function placed<T extends { path: string }>(layout: Layout, file: T): T & { beside?: { of: string; use: string } } {
  const beside = layout.beside[file.path];
  return beside ? { ...file, beside } : file;
}
