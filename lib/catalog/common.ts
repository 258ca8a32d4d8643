/** Building blocks the records share. */
import type { Language } from '../model/types.js';
import { PASSWORD, type ClientContext, type Resources } from './types.js';

// Ephemeral storage: a backing service's data is on its volume claim; the rest (temporary folders, logs) is small.
export const dbResources: Resources = { requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '256Mi' }, limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' } };
export const cacheResources: Resources = { requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '128Mi' }, limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' } };

/** `user:PASSWORD@` when auth is on (`:PASSWORD@` for a kind whose user is implicit), else ''. */
export function userinfo(c: ClientContext): string {
  if (!c.auth) return '';
  return `${c.user ? encodeURIComponent(c.user) : ''}:${PASSWORD}@`;
}

/** `scheme://[user:PASSWORD@]host:port[/database]`. */
export function standardUrl(c: ClientContext, scheme: string, database = c.database): string {
  return `${scheme}://${userinfo(c)}${c.name}:${c.port}${database ? `/${database}` : ''}`;
}

export const major = (version: string): number => Number.parseInt(version, 10) || 0;

/**
 * A declared dependency as the catalogs spell it: `psycopg[binary]>=3` -> `psycopg`,
 * `prometheus_client` -> `prometheus-client`, `org.postgresql:postgresql` -> `postgresql`,
 * `Npgsql` -> `npgsql`. Read by the backing detection and the metrics catalog alike.
 */
export function normalizeDependency(dep: string, language: Language): string {
  let name = dep.trim().toLowerCase();
  if (language === 'python') name = name.replace(/[\[;<>=!~ ].*$/, '').replace(/_/g, '-');
  if (language === 'java' && name.includes(':')) name = name.split(':')[1] ?? name;
  return name;
}

/**
 * Connection value forms some languages' client libraries read instead of a URL: .NET's
 * providers (Npgsql, MySqlConnector, StackExchange.Redis...) read ADO.NET connection strings
 * (a record's `adoNet`), Go's go-sql-driver/mysql a DSN (`user:pass@tcp(host:port)/db`).
 * Read by the wiring (lib/render/wiring.ts), so no renderer tests a language by name.
 */
export const CLIENT_FORMS: Partial<Record<Language, { adoNet?: true; mysqlDsn?: true }>> = {
  dotnet: { adoNet: true },
  go: { mysqlDsn: true },
};
