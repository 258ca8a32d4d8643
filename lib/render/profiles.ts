/**
 * Runtime facts the Kubernetes artifacts need and the stack model does not
 * hold: which folders a language's runtime writes to (each becomes an
 * emptyDir under a read-only root filesystem) and default resources. (What a
 * backing service's image needs lives in its catalog record, lib/catalog.) Pure data, read by
 * ./workloads.ts, which both the Helm chart (generators/helm) and the plain
 * manifests (generators/kubernetes) render from, so the two always agree.
 */
import type { Resources } from '../catalog/index.js';
import type { ServiceModel } from '../model/types.js';

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
const small = resources(['100m', '500m'], ['128Mi', '256Mi']);
const tiny = resources(['50m', '500m'], ['32Mi', '128Mi']);
const jvm = resources(['250m', '1'], ['512Mi', '1Gi']);
const clr = resources(['100m', '500m'], ['256Mi', '512Mi']);

/** The size limit of each writable folder (an emptyDir): a runaway temp file evicts the pod, not the node's disk. */
export const WRITABLE_DIR_LIMIT = '256Mi';

/**
 * The generated images run their service from WORKDIR /app and are built to
 * run with a read-only root filesystem where only /tmp is written (see
 * generators/dockerfile/files.ts); the extra folders below cover runtime
 * writes the Dockerfiles cannot redirect.
 */
export function runtimeProfile(svc: ServiceModel): RuntimeProfile {
  const tmp = ['/tmp'];
  switch (svc.language) {
    case 'node':
      // Next.js writes its image and fetch caches below .next/cache at run time.
      return { writableDirs: svc.framework === 'next' ? [...tmp, '/app/.next/cache'] : tmp, resources: small, startupFailureThreshold: 30 };
    case 'python':
      // The images set PYTHONDONTWRITEBYTECODE=1: no __pycache__ writes; gunicorn's heartbeat files go to /tmp.
      return { writableDirs: tmp, resources: small, startupFailureThreshold: 30 };
    case 'go':
    case 'rust':
      return { writableDirs: tmp, resources: tiny, startupFailureThreshold: 30 };
    case 'java':
      // hsperfdata and Tomcat's work folders are in /tmp; the JVM may take minutes to start on small CPU limits.
      return { writableDirs: tmp, resources: jvm, startupFailureThreshold: 60 };
    case 'dotnet':
      return { writableDirs: tmp, resources: clr, startupFailureThreshold: 30 };
    case 'ruby':
      // The image moves Rails' pid file and bootsnap cache to /tmp and logs to stdout, but
      // Rails' default file cache store and other tmp/ writes still land in /app/tmp.
      return {
        writableDirs: svc.framework === 'rails' ? [...tmp, '/app/tmp'] : tmp,
        resources: clr,
        startupFailureThreshold: 30,
      };
    case 'php':
      // The image points APACHE_RUN_DIR, APACHE_LOCK_DIR and the pid file at /tmp/apache2;
      // PHP sessions and uploads go to /tmp too.
      return { writableDirs: tmp, resources: small, startupFailureThreshold: 30 };
    case 'static':
      // nginx-unprivileged keeps its pid and temp files in /tmp; a site's own nginx.conf may
      // still use the compiled-in temp paths (/var/cache/nginx) or pid file (/var/run).
      return { writableDirs: [...tmp, '/var/cache/nginx', '/var/run'], resources: tiny, startupFailureThreshold: 30 };
  }
}
