/**
 * A language pack: everything the generator knows about one language, in one folder
 * (lib/languages/<lang>/), asked by the stages through the registry (./index.ts). No stage
 * switches on the language. Railpack's `core/providers/<lang>/` is the model.
 */
import type { LanguageDetector } from '../detect/types.js';
import type { Language, ServiceModel, StackModel } from '../model/types.js';
import type { HealthKind } from '../render/dockerfile-kit.js';
import type { RuntimeProfile } from '../render/profiles.js';

/** A Dockerfile: the pack's template (a plain EJS file beside it) and the data it lays out. */
export interface DockerfileRecipe {
  template: string;
  context: Record<string, unknown>;
}

export interface LanguagePack {
  language: Language;
  /** The frameworks and package managers it knows: what its detector writes into the model. */
  frameworks: readonly string[];
  packageManagers: readonly string[];
  /** Reads a folder: version, package manager, lockfile, framework, port, start, health path, env. */
  detector: LanguageDetector;
  /** The recipe of a service's generated Dockerfile (a `dev` stage, a last `runtime` stage). */
  dockerfile(model: StackModel, name: string): DockerfileRecipe;
  /**
   * The program the image's HTTP health check runs with (healthcheckCommand of
   * lib/render/dockerfile-kit.ts): the Dockerfile's HEALTHCHECK and the Compose healthcheck
   * both come from it. 'probe' exists in the runtime image only (not in the dev stage).
   */
  health(svc: ServiceModel): HealthKind | null;
  /** The command its Dockerfile installs dependencies with, before the source is copied (our Dockerfile rules check it); null: none. */
  dependencyInstall: RegExp | null;
  /** The service compiles or resolves for a while when its dev container starts: Compose waits longer for its health. */
  slowStart: boolean;
  /**
   * Folders under /app the dev stage creates owned by the dev user, and the dev layer
   * protects with anonymous volumes from the bind-mounted source (dependencies and build
   * output that live in the source folder), in the Dockerfile's order.
   */
  devVolumes(svc: ServiceModel): string[];
  /** Environment of the dev container (compose.override.yaml). */
  devEnv(svc: ServiceModel): Record<string, string>;
  /** The debugger port of the dev stage, published on 127.0.0.1 by the dev layer; null: none wired. */
  debugPort: number | null;
  /** VS Code extensions of the dev container. */
  editorExtensions: string[];
  /** Shell command running the tests in the dev container (printing NO_TESTS when there are none); null: no toolchain there. */
  testCommand(svc: ServiceModel): string | null;
  /** .dockerignore lines after the common ones: a comment line, then the patterns. */
  ignore(svc: ServiceModel): string[];
  /** Build output folders among ignore(): in a workspace member's ignore file they are anchored in the member's folder. */
  buildOutputs?(svc: ServiceModel): string[];
  /** Files, relative to the service folder, the Dockerfile reads by name besides the lockfile (an nginx config...). */
  namedFiles?(svc: ServiceModel): string[];
  /** What the runtime writes and needs on Kubernetes (emptyDirs, resources, start time). */
  runtime(svc: ServiceModel): RuntimeProfile;
  /** The runtime writes nowhere but /tmp: Compose runs it with a read-only root filesystem. */
  readOnlyRoot(svc: ServiceModel): boolean;
  /**
   * A liveness path known to check the process alone (not its dependencies), given the
   * health path, and the readiness path to use instead of it; absent: readiness is the health
   * path and liveness a TCP connect (lib/render/workloads.ts probePaths).
   */
  probePaths?(svc: ServiceModel, health: string): { readiness: string; liveness: string } | null;
  /**
   * Why this service must have a port (its image always runs a server that listens: nginx, a
   * framework's dev server), or null: a service without one is a worker. The renderers read the
   * model's port and never choose one (lib/languages/index.ts packProblems).
   */
  needsPort?(svc: ServiceModel): string | null;
}

/** A model string as one of a pack's literals (its frameworks, its package managers), or null. */
const oneOf = <T extends string>(value: string | null, values: readonly T[]): T | null =>
  value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;

/**
 * A pack's frameworks and package managers, and a service's as those literal unions (null when
 * none of them): `nodeFramework(svc) === 'nxt'` does not compile.
 */
export function vocabulary<F extends string, P extends string>(frameworks: readonly F[], packageManagers: readonly P[]) {
  return {
    frameworks,
    packageManagers,
    framework: (svc: Pick<ServiceModel, 'framework'>): F | null => oneOf(svc.framework, frameworks),
    packageManager: (svc: Pick<ServiceModel, 'packageManager'>): P | null => oneOf(svc.packageManager, packageManagers),
  };
}
