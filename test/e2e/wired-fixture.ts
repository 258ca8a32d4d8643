/** What the e2e tests of test/fixtures/e2e/wired share: the user's choices and the round trips. */
import type { HttpAnswer } from './podman.js';

/**
 * What a user who knows the shop tells the generator, because detection cannot know it
 * (`--set`, docs/detection.md). Everything else comes from detection and `--yes`.
 */
export const USER_CHOICES = [
  // Users reach both services; detection marks neither public (no front end, no web/gateway name).
  'notes.public=true',
  'orders.public=true',
  // orders talks to MariaDB, but mysql2 speaks to MySQL and MariaDB alike: detection
  // names the backing service "mysql" with mysql:8.0, which has no stand-in here (Debian
  // has no MySQL). The user says which server it is; the service keeps the name "mysql".
  'backing.mysql.kind=mariadb',
  'backing.mysql.version=11',
];

/** Each service's round trip: the backing services its answer must report "ok". */
export const ROUNDTRIPS: Record<string, string[]> = {
  notes: ['postgres', 'redis'],
  orders: ['mariadb', 'rabbitmq'],
};

/** A /roundtrip answer that says "ok" for every backing service named. */
export const allOk = (a: HttpAnswer, names: string[]): boolean => {
  if (a.status !== 200) return false;
  try {
    const body = JSON.parse(a.body) as Record<string, unknown>;
    return names.every((n) => body[n] === 'ok');
  } catch {
    return false;
  }
};
