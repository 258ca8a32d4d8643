/**
 * Image references, read from templates/images.Dockerfile (where Dependabot
 * keeps them current) instead of being hard-coded in templates.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Language } from '../model/types.js';

export const IMAGES_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates', 'images.Dockerfile');

export interface ImagePin {
  /** Repository, e.g. 'node' or 'mcr.microsoft.com/dotnet/aspnet'. */
  repository: string;
  /** Tag as pinned, e.g. '22-bookworm-slim'. */
  tag: string;
}

let cache: Map<string, ImagePin> | undefined;

/** The pins of a pin file's text, keyed by the stage name after AS. */
export function parsePins(text: string): Map<string, ImagePin> {
  const pins = new Map<string, ImagePin>();
  for (const line of text.split('\n')) {
    const m = /^FROM\s+(\S+)\s+AS\s+(\S+)\s*$/i.exec(line.trim());
    if (!m) continue;
    const ref = m[1]!;
    const colon = ref.lastIndexOf(':');
    pins.set(m[2]!, { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) });
  }
  return pins;
}

/** The pins of templates/images.Dockerfile, keyed by the stage name after AS. */
export function imagePins(): Map<string, ImagePin> {
  return (cache ??= parsePins(readFileSync(IMAGES_FILE, 'utf8')));
}

/**
 * The pin that holds a language's runtime version: the pin named like the language (static
 * sites: nginx). Its leading version is the version a service gets when its repository states
 * none (detection's default), so a Dependabot bump of the pin moves the default with it.
 */
const PIN_OF: Partial<Record<Language, string>> = { static: 'nginx' };
export const languagePin = (language: Language): string => PIN_OF[language] ?? language;

/** The leading version of a pin's tag: '22' of 22-bookworm-slim, '8.0' of 8.0-bookworm-slim, '3.7.0' of 3.7.0. */
export function pinnedVersion(key: string, pins: Map<string, ImagePin> = imagePins()): string {
  const pin = pins.get(key);
  if (!pin) throw new Error(`No image pin "${key}" in ${IMAGES_FILE}`);
  const m = /^v?(\d+(?:\.\d+)*)/.exec(pin.tag);
  if (!m) throw new Error(`The image pin "${key}" (${pin.repository}:${pin.tag}) has no leading version in its tag`);
  return m[1]!;
}

/** The language version a service gets when its repository states none: from the language's pin. */
export const defaultLanguageVersion = (language: Language, pins?: Map<string, ImagePin>): string => pinnedVersion(languagePin(language), pins);

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
