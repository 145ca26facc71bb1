'use strict';
// After `npm install ./node` at the repository root, run from this directory:
//   cd tests/node && npx jest
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.js'],
  // A client left open would keep the process alive; fail loudly instead of hanging.
  detectOpenHandles: true,
};
