/**
 * Runtime facts the Kubernetes artifacts need and the stack model does not
 * hold: which folders a language's runtime writes to (each becomes an
 * emptyDir under a read-only root filesystem) and default resources. Each
 * language pack (lib/languages/<lang>/) gives its profile from the presets
 * here; what a backing service's image needs lives in its catalog record
 * (lib/catalog). Read by ./workloads.ts, which both the Helm chart
 * (generators/helm) and the plain manifests (generators/kubernetes) render
 * from, so the two always agree.
 *
 * The generated images run their service from WORKDIR /app and are built to
 * run with a read-only root filesystem where only /tmp is written (see
 * generators/dockerfile/files.ts); a profile's extra folders cover runtime
 * writes the Dockerfiles cannot redirect.
 */
import type { Resources } from '../catalog/index.js';

export type { Resources };

export interface RuntimeProfile {
  /** Absolute folders the runtime writes to; each gets a writable emptyDir. */
  writableDirs: string[];
  resources: Resources;
  /** startupProbe failureThreshold (x periodSeconds 5): how long a slow start may take. */
  startupFailureThreshold: number;
}

// Ephemeral storage of every service: its emptyDirs (each capped at WRITABLE_DIR_LIMIT) and its logs.
const disk = { requests: '128Mi', limits: '1Gi' };
const resources = (cpu: [string, string], memory: [string, string]): Resources => ({
  requests: { cpu: cpu[0], memory: memory[0], 'ephemeral-storage': disk.requests },
  limits: { cpu: cpu[1], memory: memory[1], 'ephemeral-storage': disk.limits },
});
export const small = resources(['100m', '500m'], ['128Mi', '256Mi']);
export const tiny = resources(['50m', '500m'], ['32Mi', '128Mi']);
export const jvm = resources(['250m', '1'], ['512Mi', '1Gi']);
export const clr = resources(['100m', '500m'], ['256Mi', '512Mi']);

/** The size limit of each writable folder (an emptyDir): a runaway temp file evicts the pod, not the node's disk. */
export const WRITABLE_DIR_LIMIT = '256Mi';

/** The folder every runtime writes to (a writable emptyDir). */
export const TMP = ['/tmp'];

/** The usual profile: /tmp only, the given resources, 30 startup probes (2.5 minutes). */
export const profile = (resources: Resources, writableDirs: string[] = TMP, startupFailureThreshold = 30): RuntimeProfile => ({ writableDirs, resources, startupFailureThreshold });
