/**
 * One source of versions (issue 11): templates/images.Dockerfile is the only home of language
 * and backing versions. Detection's default for a repository that states no version is the
 * pin's, read at run time, so a Dependabot bump of a pin moves the default with it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG, DEFAULT_VERSIONS } from '../../lib/catalog/index.js';
import { IMAGES_FILE, languagePin, defaultLanguageVersion, imagePins, parsePins, pinnedVersion } from '../../lib/catalog/images.js';
import { detectStack } from '../../lib/detect/stack.js';
import { BACKING_KINDS, LANGUAGES, type Language } from '../../lib/model/types.js';
import { writeTree } from '../helpers/tree.js';

/** A small runnable service per language whose files state no language version. */
const UNVERSIONED: Partial<Record<Language, Record<string, string>>> = {
  node: { 'package.json': '{"name":"a","scripts":{"start":"node server.js"},"dependencies":{"express":"4.21.0"}}\n', 'server.js': "require('express')().listen(3000);\n" },
  python: { 'requirements.txt': 'flask==3.0.0\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' },
  go: { 'go.mod': 'module example.com/a\n', 'main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n' },
  ruby: { Gemfile: "source 'https://rubygems.org'\ngem 'sinatra'\n", 'app.rb': "require 'sinatra'\n" },
  php: { 'composer.json': '{"name":"a/b"}\n', 'index.php': '<?php echo "hi";\n' },
  rust: { 'Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\n', 'src/main.rs': 'fn main() {}\n' },
  static: { 'index.html': '<!doctype html><title>a</title>\n' },
  java: {
    'pom.xml': '<project><modelVersion>4.0.0</modelVersion><groupId>a</groupId><artifactId>a</artifactId><version>1</version><packaging>jar</packaging></project>\n',
    'src/main/java/a/App.java': 'package a;\npublic class App { public static void main(String[] a) {} }\n',
  },
};

describe('one source of versions: the pin file', () => {
  it('every language and every backing kind has a pin with a leading version', () => {
    const pins = imagePins();
    for (const language of LANGUAGES) {
      assert.ok(pins.has(languagePin(language)), `${language}: no pin "${languagePin(language)}" in ${IMAGES_FILE}`);
      assert.match(defaultLanguageVersion(language), /^\d+(\.\d+)*$/, language);
    }
    for (const kind of BACKING_KINDS) {
      assert.ok(pins.has(CATALOG[kind].pin), `${kind}: no pin "${CATALOG[kind].pin}"`);
      assert.equal(DEFAULT_VERSIONS[kind], pinnedVersion(CATALOG[kind].pin), kind);
    }
  });

  it('no detector hard-codes a default version: each language defaults to its pin', () => {
    const hardCoded = LANGUAGES.flatMap((l) => {
      const file = join(import.meta.dirname, '..', '..', 'lib', 'languages', l, 'detect.ts');
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/^(?:export )?const DEFAULT_[A-Z_]+\s*=\s*'[\d.]+'/gm)].map((m) => `${l}/detect.ts: ${m[0]}`);
    });
    assert.deepEqual(hardCoded, []);
  });

  for (const [language, tree] of Object.entries(UNVERSIONED) as [Language, Record<string, string>][]) {
    it(`${language}: a repository that states no version gets the pin's (${defaultLanguageVersion(language)})`, () => {
      const root = mkdtempSync(join(tmpdir(), `versions-${language}-`));
      try {
        writeTree(root, tree);
        const d = detectStack(root);
        const svc = Object.values(d.services)[0];
        assert.ok(svc, `${language}: no service detected`);
        assert.equal(svc.evidence.languageVersion, 'default', `${language}: the fixture states a version (${svc.evidence.languageVersion})`);
        assert.equal(svc.languageVersion, defaultLanguageVersion(language));
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('a bump of a pin moves the default: the version is read from the pin, not kept beside it', () => {
    const text = readFileSync(IMAGES_FILE, 'utf8');
    const bumped = parsePins(text.replace(/^FROM node:\d+-/m, 'FROM node:24-').replace(/^FROM python:[\d.]+-/m, 'FROM python:3.14-').replace(/^FROM redis:\d+-/m, 'FROM redis:8-'));
    assert.equal(defaultLanguageVersion('node', bumped), '24');
    assert.equal(defaultLanguageVersion('python', bumped), '3.14');
    assert.equal(pinnedVersion(CATALOG.redis.pin, bumped), '8');
    assert.notEqual(defaultLanguageVersion('node'), '24', 'the real pin is not already 24');
  });
});
