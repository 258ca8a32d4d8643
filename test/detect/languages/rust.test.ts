import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { rustDetector } from '../../../lib/languages/rust/detect.js';
import { writeTree } from '../../helpers/tree.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'languages');
const fixture = (name: string) => openRepo(join(FIXTURES, name));
const temp = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'rust-'));
  writeTree(root, files);
  return openRepo(root);
};

describe('rustDetector', () => {
  it('matches folders with a Cargo.toml', () => {
    assert.equal(rustDetector.matches(fixture('rust-axum'), '.'), true);
    assert.equal(rustDetector.matches(fixture('rust-axum'), 'src'), false);
  });

  it('reads an axum service pinned by rust-toolchain.toml', () => {
    const f = rustDetector.detect(fixture('rust-axum'), '.');
    assert.equal(f.language, 'rust');
    assert.deepEqual(f.languageVersion, { value: '1.82', source: 'rust-toolchain.toml:2' });
    assert.deepEqual(f.framework, { value: 'axum', source: 'Cargo.toml:8' });
    assert.deepEqual(f.packageManager, { value: 'cargo', source: 'Cargo.toml' });
    assert.deepEqual(f.lockfile, { value: 'Cargo.lock', source: 'Cargo.lock' });
    assert.deepEqual(f.build, { value: 'cargo build --release --locked', source: 'Cargo.lock' });
    assert.deepEqual(f.entry, { value: 'orders-api', source: 'src/main.rs' });
    assert.deepEqual(f.start, { value: ['./orders-api'], source: 'src/main.rs' });
    // axum picks its port in code: left to the code scanners.
    assert.equal(f.port, undefined);
    assert.equal(f.worker, undefined);
    assert.equal(f.library, undefined);
    // Every crate's features are reported as 'crate:feature' (issue 12: a feature can pull in a client, actix-session's redis).
    assert.deepEqual(f.dependencies, ['axum', 'axum:macros', 'tokio', 'tokio:full', 'serde', 'serde:derive', 'sqlx', 'sqlx:runtime-tokio', 'sqlx:postgres', 'sqlx:macros', 'tracing', 'redis', 'redis:tokio-comp']);
    // No tests/ or target/.
    assert.deepEqual(f.sourceFiles, ['src/main.rs', 'src/routes.rs', 'Cargo.toml']);
  });

  describe('a workspace', () => {
    const repo = fixture('rust-workspace');

    it('makes the virtual root a library', () => {
      const f = rustDetector.detect(repo, '.');
      assert.equal(f.library, true);
      assert.deepEqual(f.languageVersion, { value: '1.85', source: 'Cargo.toml:7' });
      assert.deepEqual(f.lockfile, { value: 'Cargo.lock', source: 'Cargo.lock' });
      assert.deepEqual(f.sourceFiles, ['Cargo.toml']);
    });

    it('reads a member with a named [[bin]], inherited rust-version and workspace features', () => {
      const f = rustDetector.detect(repo, 'crates/api');
      assert.deepEqual(f.languageVersion, { value: '1.85', source: 'Cargo.toml:7' });
      assert.deepEqual(f.framework, { value: 'actix-web', source: 'crates/api/Cargo.toml:12' });
      assert.deepEqual(f.packageManager, { value: 'cargo', source: 'crates/api/Cargo.toml' });
      assert.deepEqual(f.lockfile, { value: '../../Cargo.lock', source: 'Cargo.lock' });
      assert.deepEqual(f.entry, { value: 'api-server', source: 'crates/api/Cargo.toml:8' });
      assert.deepEqual(f.start, { value: ['./api-server'], source: 'crates/api/Cargo.toml:8' });
      assert.deepEqual(f.build, { value: 'cargo build --release --locked', source: 'Cargo.lock' });
      assert.deepEqual(f.dependencies, ['actix-web', 'sqlx', 'sqlx:runtime-tokio', 'sqlx:mysql', 'core']);
      assert.deepEqual(f.sourceFiles, ['crates/api/src/main.rs', 'crates/api/Cargo.toml']);
    });

    it('makes a member without a server a worker, choosing default-run among its binaries', () => {
      const f = rustDetector.detect(repo, 'crates/worker');
      assert.equal(f.worker, true);
      assert.deepEqual(f.port, { value: null, source: 'crates/worker/Cargo.toml:5' });
      assert.deepEqual(f.languageVersion, { value: '1.83', source: 'default' });
      assert.deepEqual(f.entry, { value: 'worker', source: 'crates/worker/Cargo.toml:5' });
      assert.deepEqual(f.build, { value: 'cargo build --release --locked --bin worker', source: 'Cargo.lock' });
      // src/bin is read although repo.walk() skips folders named bin.
      assert.deepEqual(f.sourceFiles, ['crates/worker/src/bin/migrate.rs', 'crates/worker/src/main.rs', 'crates/worker/Cargo.toml']);
    });

    it('makes a lib-only member a library', () => {
      const f = rustDetector.detect(repo, 'crates/core');
      assert.equal(f.library, true);
      assert.equal(f.start, undefined);
    });
  });

  it('reads Rocket with its Rocket.toml port and no lockfile', () => {
    const repo = temp({
      'Cargo.toml': '[package]\nname = "blog"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nrocket = { version = "0.5", features = ["json"] }\n',
      'Rocket.toml': '[default]\nport = 8000\n\n[release]\nport = 8100\naddress = "0.0.0.0"\n',
      'src/main.rs': '#[macro_use] extern crate rocket;\n#[launch]\nfn rocket() -> _ { rocket::build() }\n',
    });
    const f = rustDetector.detect(repo, '.');
    assert.deepEqual(f.framework, { value: 'rocket', source: 'Cargo.toml:7' });
    assert.deepEqual(f.port, { value: 8100, source: 'Rocket.toml:5' });
    assert.deepEqual(f.lockfile, { value: null, source: 'default' });
    assert.deepEqual(f.build, { value: 'cargo build --release', source: 'Cargo.toml' });
    assert.deepEqual(f.sourceFiles, ['src/main.rs', 'Cargo.toml', 'Rocket.toml']);
    const bare = rustDetector.detect(temp({ 'Cargo.toml': '[package]\nname = "b"\n[dependencies]\nrocket = "0.5"\n', 'src/main.rs': '' }), '.');
    assert.deepEqual(bare.port, { value: 8000, source: 'default' });
  });

  it('treats rust-version as a minimum and edition 2024 as needing 1.85', () => {
    const newer = rustDetector.detect(temp({ 'Cargo.toml': '[package]\nname = "a"\nrust-version = "1.86"\n', 'src/main.rs': 'fn main() {}\n' }), '.');
    assert.deepEqual(newer.languageVersion, { value: '1.86', source: 'Cargo.toml:3' });
    const older = rustDetector.detect(temp({ 'Cargo.toml': '[package]\nname = "a"\nrust-version = "1.70"\n', 'src/main.rs': 'fn main() {}\n' }), '.');
    assert.deepEqual(older.languageVersion, { value: '1.83', source: 'default' });
    const edition = rustDetector.detect(temp({ 'Cargo.toml': '[package]\nname = "a"\nedition = "2024"\n', 'src/main.rs': 'fn main() {}\n' }), '.');
    assert.deepEqual(edition.languageVersion, { value: '1.85', source: 'Cargo.toml:3' });
    const stable = rustDetector.detect(temp({ 'Cargo.toml': '[package]\nname = "a"\n', 'rust-toolchain': 'stable\n', 'src/main.rs': '' }), '.');
    assert.deepEqual(stable.languageVersion, { value: '1.83', source: 'default' });
  });

  it('keeps a program with a TcpListener and no framework a service', () => {
    const repo = temp({
      'Cargo.toml': '[package]\nname = "echo"\n',
      'src/main.rs': 'use std::net::TcpListener;\nfn main() { let _l = TcpListener::bind("0.0.0.0:7000"); }\n',
    });
    const f = rustDetector.detect(repo, '.');
    assert.equal(f.worker, undefined);
    assert.deepEqual(f.framework, { value: null, source: 'default' });
    assert.deepEqual(f.start, { value: ['./echo'], source: 'src/main.rs' });
  });
});
