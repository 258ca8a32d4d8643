import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const generatorPath = (name: string) => join(REPO_ROOT, 'generators', name, 'generator.ts');


/** Write a tree of files below `root`. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
}

/** Every file below `root` with its content, for byte-for-byte comparisons. */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) visit(abs);
      else out[relative(root, abs)] = readFileSync(abs, 'utf8');
    }
  };
  visit(root);
  return out;
}

/** A small two-service app: a Node web UI calling a Python API, both using Redis. */
export const TWO_SERVICES: Record<string, string> = {
  'web/package.json': JSON.stringify(
    { name: 'web', version: '1.0.0', private: true, engines: { node: '>=22' }, scripts: { start: 'node server.js' }, dependencies: { express: '^4.21.0', redis: '^4.7.0' } },
    null,
    2,
  ),
  'web/package-lock.json': JSON.stringify({ name: 'web', lockfileVersion: 3, requires: true, packages: {} }, null, 2),
  'web/server.js': [
    "const express = require('express');",
    "const { createClient } = require('redis');",
    'const app = express();',
    "const API_URL = process.env.API_URL || 'http://api:8000';",
    "const redis = createClient({ url: process.env.REDIS_URL || 'redis://redis:6379' });",
    "app.get('/healthz', (req, res) => res.json({ ok: true }));",
    "app.get('/', async (req, res) => res.send(await (await fetch(API_URL + '/tasks')).text()));",
    'app.listen(process.env.PORT || 3000);',
    '',
  ].join('\n'),
  'api/.python-version': '3.11\n',
  'api/requirements.txt': '# standard library only\n',
  'api/app.py': [
    'import os',
    'from http.server import BaseHTTPRequestHandler, HTTPServer',
    '',
    'REDIS_URL = os.environ.get("REDIS_URL", "redis://redis:6379/0")',
    '',
    'class Handler(BaseHTTPRequestHandler):',
    '    def do_GET(self):',
    '        if self.path == "/health":',
    '            self.send_response(200)',
    '            self.end_headers()',
    '',
    'if __name__ == "__main__":',
    '    HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()',
    '',
  ].join('\n'),
};
