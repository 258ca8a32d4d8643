/**
 * Contracts of the detection library. Detection is plain TypeScript with no
 * Yeoman inside: it reads a directory tree and returns facts, each with the
 * evidence it came from ("path/to/file:line", "path/to/file", or "default").
 */
import type { BackingKind, BackingModel, Language, Linking, ServiceModel } from '../model/types.js';

/** A detected value and where it came from. `source` is 'file:line', 'file', or 'default'. */
export interface Fact<T> {
  value: T;
  source: string;
}

export const fact = <T>(value: T, source: string): Fact<T> => ({ value, source });
export const byDefault = <T>(value: T): Fact<T> => ({ value, source: 'default' });

/**
 * What a language detector knows about one service folder. Fields it cannot
 * determine are left undefined; the orchestrator fills the rest (ports, env,
 * health, backing services) by scanning `sourceFiles`.
 */
export interface LanguageFacts {
  language: Language;
  languageVersion: Fact<string>;
  framework?: Fact<string | null>;
  packageManager?: Fact<string | null>;
  lockfile?: Fact<string | null>;
  start?: Fact<string[]>;
  build?: Fact<string | null>;
  entry?: Fact<string | null>;
  outputDir?: Fact<string | null>;
  /** Go: whether the binary is static (no cgo) or needs the C library (ServiceModel.linking). */
  linking?: Fact<Linking>;
  /** Port from manifests or framework conventions (code scanning may override with a stronger source). */
  port?: Fact<number | null>;
  /** Health path known from the framework (e.g. Spring actuator), if any. */
  healthPath?: Fact<string | null>;
  /**
   * Names of declared dependencies (npm packages, PyPI names, Go modules, Maven artifactIds, gems...),
   * including those of the local packages or projects it depends on (workspace packages, .NET
   * project references): their clients run in this service's process. Rust crates also appear
   * as 'crate:feature' for each feature enabled.
   */
  dependencies: string[];
  /** Folders of the local packages it depends on (workspace packages), repo-relative. */
  dependencyDirs?: string[];
  /** Files (relative to the repository root, POSIX) whose text the cross-cutting scanners read. */
  sourceFiles: string[];
  /** True when the folder looks like a library (nothing runnable): it is not made a service. */
  library?: boolean;
  /** True when the code is a background worker (no HTTP server). */
  worker?: boolean;
  /**
   * The folder's other processes, beside the one `start` runs: a Procfile's other lines, a
   * framework's worker (Celery, Sidekiq, GoodJob, BullMQ...), a release command. Each becomes
   * a service running this folder's image with its own command (imageFrom).
   */
  processes?: ProcessFacts[];
}

/** Another process of a service folder: its role, command, and whether it runs once (release). */
export interface ProcessFacts {
  /** Its role, a DNS label: the Procfile name (worker, beat, release...) or the convention's (worker, beat). */
  name: string;
  start: Fact<string[]>;
  /** A release command (migrations): run once before the others. */
  release: boolean;
  /** A port its command serves on (Action Cable's own server), else null. */
  port: Fact<number | null>;
}

/** Read-only view of a repository used by every detector. Paths are POSIX and relative to the root. */
export interface RepoView {
  root: string;
  exists(rel: string): boolean;
  isDir(rel: string): boolean;
  /** File text, or null when missing/unreadable/binary/too large. */
  read(rel: string): string | null;
  /** Entries of a folder (names only), [] when missing. */
  list(rel: string): string[];
  /** Files below a folder (relative to the root), skipping vendored/dependency/build folders. */
  walk(rel: string, opts?: { maxDepth?: number; extensions?: string[] }): string[];
  /** Files and folders that exist but were not read (too large, binary, a symbolic link leading outside), with why. */
  skipped?(): { path: string; reason: string }[];
  /** 'file:line' of the first line matching `re` in `rel`, or null. */
  locate(rel: string, re: RegExp): string | null;
}

export interface LanguageDetector {
  language: Language;
  /** True when `dir` (relative to the root) is a folder of this language (a manifest or source is there). */
  matches(repo: RepoView, dir: string): boolean;
  detect(repo: RepoView, dir: string): LanguageFacts;
}

/** A service as detection reports it: the model's fields plus where each value came from. */
export interface DetectedService extends ServiceModel {
  evidence: Record<string, string>;
}

export interface DetectedBacking extends BackingModel {
  /** Services that use it (derived from their dependsOn). */
  usedBy: string[];
  evidence: Record<string, string>;
}

export interface Detection {
  schemaVersion: number;
  name: string;
  registry: string;
  services: Record<string, DetectedService>;
  backing: Record<string, DetectedBacking>;
  /** The repository's own files where ours would go, by kind (compose, makefile, envExample, devcontainer). */
  existing: Record<string, Fact<string>>;
  evidence: Record<string, string>;
  /** Things detection noticed but could not settle (shown to the user). */
  warnings: string[];
}

export type { BackingKind };
