'use strict';
// index.d.ts must compile against a typical use of the API (tests/node/types/usage.ts).

const { execFile } = require('node:child_process');
const path = require('node:path');
const { promisify } = require('node:util');

test('the declarations type-check a typical program', async () => {
  const tsc = require.resolve('typescript/bin/tsc');
  await expect(promisify(execFile)(process.execPath, [tsc, '-p', path.join(__dirname, 'types')])).resolves.toBeDefined();
}, 60_000);
