'use strict';

/** Returns `promise`, also reporting its outcome to a node-style `callback` when one is given. */
function nodeify(promise, callback) {
  if (typeof callback === 'function') {
    promise.then((value) => callback(null, value), (error) => callback(error));
  }
  return promise;
}

module.exports = { nodeify };
