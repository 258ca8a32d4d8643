/**
 * Image references, read from templates/images.Dockerfile (where Dependabot
 * keeps them current) instead of being hard-coded in templates.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const IMAGES_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates', 'images.Dockerfile');

export interface ImagePin {
  /** Repository, e.g. 'node' or 'mcr.microsoft.com/dotnet/aspnet'. */
  repository: string;
  /** Tag as pinned, e.g. '22-bookworm-slim'. */
  tag: string;
}

let cache: Map<string, ImagePin> | undefined;

/** The pins, keyed by the stage name after AS. */
export function imagePins(): Map<string, ImagePin> {
  if (cache) return cache;
  cache = new Map();
  for (const line of readFileSync(IMAGES_FILE, 'utf8').split('\n')) {
    const m = /^FROM\s+(\S+)\s+AS\s+(\S+)\s*$/i.exec(line.trim());
    if (!m) continue;
    const ref = m[1]!;
    const colon = ref.lastIndexOf(':');
    cache.set(m[2]!, { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) });
  }
  return cache;
}

export function imagePin(key: string): ImagePin {
  const pin = imagePins().get(key);
  if (!pin) throw new Error(`No image pin "${key}" in ${IMAGES_FILE}`);
  return pin;
}

/**
 * The pinned image with its leading version replaced: image('node', '20') →
 * 'node:20-bookworm-slim'; image('redis') → 'redis:7-bookworm'.
 */
export function image(key: string, version?: string): string {
  const { repository, tag } = imagePin(key);
  return `${repository}:${tagFor(key, version, tag)}`;
}

/** Just the tag: tag('python', '3.11') → '3.11-slim-bookworm'. */
export function tagFor(key: string, version?: string, pinned = imagePin(key).tag): string {
  if (!version) return pinned;
  const m = /^(\d+(?:\.\d+)*)(.*)$/.exec(pinned);
  return m ? `${version}${m[2]}` : pinned;
}
