'use strict';
// Loads the native addon that scripts/build-native.js builds.

const path = require('node:path');

const addonPath = path.join(__dirname, '..', 'vermilion.node');

function load() {
  try {
    return require(addonPath);
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(`vermilion: the native addon is not built (${addonPath}); run \`npm run build\` in the vermilion package`, { cause: error });
  }
}

module.exports = load();
