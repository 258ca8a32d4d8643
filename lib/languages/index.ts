/**
 * The language packs, one per language of the model (lib/languages/<lang>/): the stages ask
 * the pack of a service's language for its detector, Dockerfile recipe, health command, dev
 * loop, ignore entries, test command and runtime profile; none of them switches on the
 * language. Adding a language: docs/development.md, "Add a language".
 */
import type { Language, ServiceModel } from '../model/types.js';
import { healthcheckCommand } from '../render/dockerfile-kit.js';
import type { RuntimeProfile } from '../render/profiles.js';
import type { LanguagePack } from './types.js';
import { nodePack } from './node/index.js';
import { pythonPack } from './python/index.js';
import { goPack } from './go/index.js';
import { javaPack } from './java/index.js';
import { rubyPack } from './ruby/index.js';
import { phpPack } from './php/index.js';
import { dotnetPack } from './dotnet/index.js';
import { rustPack } from './rust/index.js';
import { elixirPack } from './elixir/index.js';
import { staticPack } from './static/index.js';

export type { DockerfileRecipe, LanguagePack } from './types.js';

/**
 * Every pack, in detection order (most specific first: the first detector whose `matches`
 * accepts a folder decides its language). `static` comes last because a folder with a
 * package.json and an index.html is a Node project.
 */
const PACKS: Record<Language, LanguagePack> = {
  node: nodePack,
  python: pythonPack,
  go: goPack,
  java: javaPack,
  ruby: rubyPack,
  php: phpPack,
  dotnet: dotnetPack,
  rust: rustPack,
  elixir: elixirPack,
  static: staticPack,
};

export const LANGUAGE_PACKS: readonly LanguagePack[] = Object.values(PACKS);

/** The language detectors, in detection order. */
export const LANGUAGE_DETECTORS = LANGUAGE_PACKS.map((p) => p.detector);

export const packOf = (svc: Pick<ServiceModel, 'language'>): LanguagePack => PACKS[svc.language];

/** What the service's runtime writes and needs on Kubernetes. */
export const runtimeProfile = (svc: ServiceModel): RuntimeProfile => packOf(svc).runtime(svc);

/**
 * The HTTP health command of a service's image (exec form), or null when it has no port or
 * health path, or its image has no program to run one with. The Dockerfile's HEALTHCHECK and
 * the Compose healthcheck both come from here. `devStageToo`: only a command that also runs
 * in the dev stage (Compose's check applies to the dev container as well).
 */
export function healthCommand(svc: ServiceModel, devStageToo = false): string[] | null {
  const kind = packOf(svc).health(svc);
  if (kind === null || svc.port === null || svc.healthPath === null) return null;
  if (devStageToo && kind === 'probe') return null;
  return healthcheckCommand(kind, svc.port, svc.healthPath);
}
