/**
 * The backing catalog: one record per kind (./<kind>.ts), the only home of
 * what the generator knows about it. Detection, Compose, kustomize, Helm and
 * the wiring all read it from here.
 */
import type { BackingKind } from '../model/types.js';
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

export { PASSWORD, type BackingRecord, type ClientContext, type ServerContext, type Resources, type Quantities } from './types.js';
