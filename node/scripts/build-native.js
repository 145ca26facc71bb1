#!/usr/bin/env node
// Builds the native addon (crates/vermilion-node) in release mode with the napi-rs CLI.
//
// One layout everywhere: cargo builds into the workspace's shared `target/`, and the CLI copies
// the library to `node/vermilion.node` (where lib/native.js loads it) and writes the generated
// declarations of the native functions to `node/native.d.ts`.
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const packageDir = path.resolve(__dirname, '..');
const manifest = path.resolve(packageDir, '..', 'crates', 'vermilion-node', 'Cargo.toml');

function napiCli() {
  try {
    const packageJson = require.resolve('@napi-rs/cli/package.json', { paths: [packageDir] });
    const { bin } = require(packageJson);
    return path.resolve(path.dirname(packageJson), typeof bin === 'string' ? bin : bin.napi);
  } catch {
    console.error('vermilion: @napi-rs/cli is missing; install the package from the repository with npm.');
    process.exit(1);
  }
}

const args = [
  napiCli(),
  'build',
  '--release',
  '--manifest-path', manifest,
  '--package-json-path', path.join(packageDir, 'package.json'),
  '--output-dir', packageDir,
  '--dts', 'native.d.ts',
];
const result = spawnSync(process.execPath, args, { cwd: packageDir, stdio: 'inherit' });
process.exit(result.status ?? 1);
