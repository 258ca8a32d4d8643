/**
 * The backing catalog: one record per kind (./<kind>.ts), the only home of
 * what the generator knows about it. Detection, Compose, kustomize, Helm and
 * the wiring all read it from here.
 */
import { BACKING_KINDS, type BackingKind } from '../model/types.js';
import { pinnedVersion } from './images.js';
import { elasticsearch } from './elasticsearch.js';
import { kafka } from './kafka.js';
import { mariadb } from './mariadb.js';
import { memcached } from './memcached.js';
import { mongodb } from './mongodb.js';
import { mysql } from './mysql.js';
import { nats } from './nats.js';
import { postgres } from './postgres.js';
import { rabbitmq } from './rabbitmq.js';
import { redis } from './redis.js';
import type { BackingRecord } from './types.js';

export const CATALOG: Record<BackingKind, BackingRecord> = { redis, postgres, mysql, mariadb, mongodb, rabbitmq, kafka, memcached, elasticsearch, nats };

export function record(kind: BackingKind): BackingRecord {
  return CATALOG[kind];
}

/** The kind a URL scheme names ('postgresql+asyncpg' → postgres, 'jdbc:mysql' → mysql), or null. */
export function schemeKind(scheme: string | null): BackingKind | null {
  if (!scheme) return null;
  const s = scheme.toLowerCase().replace(/^jdbc:/, '');
  return Object.values(CATALOG).find((r) => r.signals.schemes.test(s))?.kind ?? null;
}

export { PASSWORD, type BackingRecord, type ClientContext, type ServerContext, type Resources, type Quantities } from './types.js';

/** The kind a variable's name ties it to: REDIS_URL, PGHOST, MONGODB_URI, AMQP_URL, KAFKA_BROKERS... (each record's envNames). */
export function envNameKind(name: string): BackingKind | null {
  return Object.values(CATALOG).find((r) => r.signals.envNames.test(name))?.kind ?? null;
}

/**
 * The version a backing service gets when nothing in the code pins one: the leading version of
 * its image pin in templates/images.Dockerfile ('16' of postgres:16-bookworm, '3.7.0' of
 * apache/kafka:3.7.0), so a Dependabot bump of the pin is a bump of the default.
 */
export function defaultVersion(kind: BackingKind): string {
  return pinnedVersion(CATALOG[kind].pin);
}

export const DEFAULT_VERSIONS = Object.fromEntries(BACKING_KINDS.map((k) => [k, defaultVersion(k)])) as Record<BackingKind, string>;
