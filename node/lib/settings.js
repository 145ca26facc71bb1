'use strict';
// Engine and server options as Redis spells them.
//
// Options reach the engine under Redis's own names (`maxmemory-policy`), so they read the same in
// redis.conf, CONFIG SET and here. camelCase keys are accepted too (`maxmemoryPolicy`).

/** `maxmemoryPolicy` → `maxmemory-policy`; names already in Redis's form pass unchanged. */
function redisName(key) {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** A JS value as Redis config text: booleans as yes/no, lists space-separated. */
function redisValue(value) {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(redisValue).join(' ');
  return String(value);
}

/** `{ maxmemoryPolicy: 'allkeys-lru', appendonly: false }` → `{ 'maxmemory-policy': 'allkeys-lru', appendonly: 'no' }`. */
function toRedisSettings(options = {}) {
  const settings = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    settings[redisName(key)] = redisValue(value);
  }
  return settings;
}

module.exports = { redisName, redisValue, toRedisSettings };
