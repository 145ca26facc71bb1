'use strict';

/** Returns `promise`, also reporting its outcome to a node-style `callback` when one is given. */
function nodeify(promise, callback) {
  if (typeof callback === 'function') {
    promise.then((value) => callback(null, value), (error) => callback(error));
  }
  return promise;
}

/** Whether `value` is a promise; the addon's promises may come from another realm (vm contexts). */
function isThenable(value) {
  return value !== null && typeof value === 'object' && typeof value.then === 'function';
}

module.exports = { nodeify, isThenable };
