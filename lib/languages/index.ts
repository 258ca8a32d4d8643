/**
 * The language packs, one per language of the model (lib/languages/<lang>/): the stages ask
 * the pack of a service's language for its detector, Dockerfile recipe, health command, dev
 * loop, ignore entries, test command and runtime profile; none of them switches on the
 * language. Adding a language: docs/development.md, "Add a language".
 */
import type { Language, ServiceModel } from '../model/types.js';
import type { ServiceRule } from '../model/validate.js';
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

/**
 * The packs' rules on a service of the model (lib/model/validate.ts runs them; the run loop
 * passes them in): its framework and package manager are the pack's own, and a service whose
 * image always listens has a port (the renderers never choose one).
 */
export function packProblems(name: string, svc: ServiceModel): string[] {
  const pack = packOf(svc);
  if (!pack) return [];
  const out: string[] = [];
  const flag = /^[A-Za-z0-9_-]{1,80}$/.test(name) ? name : '<name>';
  const known = (field: 'framework' | 'packageManager', list: readonly string[], example: string) => {
    const v = svc[field];
    if (v !== null && !list.includes(v))
      out.push(`${field}: ${JSON.stringify(v)} is not a ${svc.language} ${field === 'framework' ? 'framework' : 'package manager'} this generator knows; expected one of ${list.join(', ') || '(none)'}, or null, e.g. --set ${flag}.${field}=${list[0] ?? example}`);
  };
  known('framework', pack.frameworks, 'null');
  known('packageManager', pack.packageManagers, 'null');
  // A process of another service's image runs its own command, not the image's server.
  const why = svc.port === null && !svc.imageFrom ? (pack.needsPort?.(svc) ?? null) : null;
  if (why) out.push(`port: is null, but a ${svc.language} service like this one listens (${why}); expected the port it listens on, e.g. --set ${flag}.port=8080`);
  return out;
}

/** The packs' rules, as the model validator takes them. */
export const PACK_RULES: readonly ServiceRule[] = [packProblems];

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
