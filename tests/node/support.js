'use strict';
// Helpers shared by the Node tests.

const { spawnSync } = require('node:child_process');
const path = require('node:path');
const native = require(path.join(path.dirname(require.resolve('vermilion')), 'lib', 'native'));
const { Engine, kHandle } = require(path.join(path.dirname(require.resolve('vermilion')), 'lib', 'engine'));

/** The URL of a fresh private engine: `new Redis(PRIVATE)`. */
const PRIVATE = 'vermilion://';

/**
 * Whether the engine knows `command`, asked synchronously so tests can be declared (or skipped)
 * accordingly while the engine's command set grows.
 */
function engineSupports(command) {
  const engine = new Engine();
  const execute = native.sessionExecutor(native.connect(engine[kHandle]));
  const info = execute('command', ['info', command], false);
  engine.close();
  return Array.isArray(info) && info[0] !== null;
}

/** `it`, or `it.skip` with the reason in the test's name. */
function itWhen(condition, reason) {
  return condition ? it : (name, ...rest) => it.skip(`${name} (skipped: ${reason})`, ...rest);
}

/** Whether an executable is on PATH. */
function onPath(program) {
  return !spawnSync(program, ['--version']).error;
}

/** Resolves once `emitter` emits `event`, or rejects after `ms`. */
function once(emitter, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${ms}ms`)), ms);
    emitter.once(event, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/**
 * A factory of embedded clients that are disconnected after each test of the calling file
 * (registers the `afterEach` hook).
 */
function disconnectedAfterEach(Redis) {
  const clients = [];
  afterEach(() => {
    for (const redis of clients.splice(0)) redis.disconnect();
  });
  const client = (...args) => client.track(new Redis(...args));
  /** Disconnects `redis` (made some other way, e.g. `duplicate()`) after the test too. */
  client.track = (redis) => {
    clients.push(redis);
    return redis;
  };
  return client;
}

module.exports = { PRIVATE, disconnectedAfterEach, engineSupports, itWhen, onPath, once };
