/**
 * Versioned persistence. `.yo-rc.json` written by an older version of the
 * generator is brought to SCHEMA_VERSION step by step; a newer or unknown
 * version is refused with a clear message instead of being guessed at.
 */
import { SCHEMA_VERSION, type StackModel } from './types.js';

type Raw = Record<string, unknown>;

/** MIGRATIONS[n] turns a version-n model into a version-(n+1) model. */
const MIGRATIONS: Record<number, (raw: Raw) => Raw> = {
  // Version 0 is a config written before the schema was versioned: same shape, no version field.
  0: (raw) => ({ ...raw, schemaVersion: 1 }),
  // Version 2 adds `existing` (the repository's own files ours go beside); a version-1 model knew of none.
  1: (raw) => ({ ...raw, schemaVersion: 2 }),
  // Version 3 adds a service's `imageFrom` and `release` (several processes of one folder); a
  // version-2 model had one service per folder, each with its own image.
  2: (raw) => ({ ...raw, schemaVersion: 3 }),
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function migrate(input: unknown, source = '.yo-rc.json'): StackModel {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ConfigError(`${source}: the "generator-containerize" entry must be an object`);
  let raw = { ...(input as Raw) };
  const declared = raw.schemaVersion === undefined ? 0 : raw.schemaVersion;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 0)
    throw new ConfigError(`${source}: schemaVersion ${JSON.stringify(declared)} is not a whole number`);
  let version: number = declared;
  if (version > SCHEMA_VERSION)
    throw new ConfigError(
      `${source}: schemaVersion ${version} was written by a newer generator-containerize (this one reads up to ${SCHEMA_VERSION}); upgrade the generator`,
    );
  while (version < SCHEMA_VERSION) {
    raw = MIGRATIONS[version]!(raw);
    version = raw.schemaVersion as number;
  }
  for (const key of ['services', 'backing'] as const) {
    if (raw[key] === undefined) raw[key] = {};
    if (typeof raw[key] !== 'object' || raw[key] === null || Array.isArray(raw[key]))
      throw new ConfigError(`${source}: "${key}" must be an object keyed by name`);
  }
  return raw as unknown as StackModel;
}
