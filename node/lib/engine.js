'use strict';
// An in-process Vermilion engine: the databases that embedded clients and servers share.

const fs = require('node:fs');
const path = require('node:path');
const { isMainThread } = require('node:worker_threads');
const native = require('./native');
const { redisName, redisValue, toRedisSettings } = require('./settings');

/** The native handle of an engine, kept off the public surface. */
const kHandle = Symbol('vermilion.engine');

/** This thread's wrappers of named engines, so that `Engine.named(n) === Engine.named(n)`. */
const namedEngines = new Map();

/**
 * Engines of data directories are process-wide engines under this prefix and their path; a NUL
 * keeps them apart from anything `Engine.named` is given in practice.
 */
const DATA_DIR_PREFIX = '\0dir:';

class Engine {
  /**
   * @param {object} [settings] Redis options by name, e.g. `{ maxmemory: '100mb', databases: 4 }`.
   * @param {object} [options]
   * @param {number} [options.manualClock] Start a clock that stands still at this time (ms since
   *   the epoch) and only moves with `advanceTime`, so expiry can be tested without sleeping.
   */
  constructor(settings = {}, { manualClock } = {}) {
    this[kHandle] = native.openEngine(toRedisSettings(settings), manualClock);
    openEngines.add(new WeakRef(this));
  }

  /**
   * The engine called `name` in this process, opened on first use. Every thread (main and
   * `worker_threads`) naming it gets the same data, for as long as the process runs. The first
   * caller's settings and clock open it; settings given later are applied as `CONFIG SET` does.
   */
  static named(name, settings = {}, { manualClock } = {}) {
    if (typeof name !== 'string' || name === '') throw new TypeError('vermilion: an engine name must be a non-empty string');
    const handle = native.openNamedEngine(name, toRedisSettings(settings), manualClock);
    let engine = namedEngines.get(name);
    if (engine === undefined) {
      engine = Object.create(Engine.prototype);
      engine[kHandle] = handle;
      Object.defineProperty(engine, 'name', { value: name, enumerable: true });
      namedEngines.set(name, engine);
    }
    return engine;
  }

  /**
   * The engine whose data directory (its `dir` option) is `directory`: one per absolute path in
   * the process, shared by every thread as named engines are, the directory created if missing,
   * its data loaded from and saved there (`appendonly: 'yes'` adds the append-only file).
   * Another process's engine on the same directory makes this throw: its lock file is held.
   * `vermilion:///path` URLs open engines this way.
   */
  static at(directory, settings = {}, { manualClock } = {}) {
    if (typeof directory !== 'string' || directory === '') throw new TypeError('vermilion: a data directory must be a non-empty path');
    const dir = path.resolve(directory);
    const key = `${DATA_DIR_PREFIX}${dir}`;
    let engine = namedEngines.get(key);
    if (engine === undefined) {
      fs.mkdirSync(dir, { recursive: true });
      engine = Object.create(Engine.prototype);
      engine[kHandle] = native.openNamedEngine(key, toRedisSettings({ ...settings, dir }), manualClock);
      Object.defineProperty(engine, 'dataDir', { value: dir, enumerable: true });
      namedEngines.set(key, engine);
    } else {
      for (const [name, value] of Object.entries(settings)) engine.setConfig(name, value);
    }
    return engine;
  }

  /** The value of one option as Redis prints it, or `null` for unknown names. */
  config(name) {
    return native.engineGetConfig(this[kHandle], redisName(name));
  }

  /** Changes an option at run time, as `CONFIG SET` does; throws for unknown or fixed options. */
  setConfig(name, value) {
    native.engineSetConfig(this[kHandle], redisName(name), redisValue(value));
  }

  /** Moves a manual clock forward by `ms`; returns false for an engine on the system clock. */
  advanceTime(ms) {
    return native.engineAdvanceTime(this[kHandle], ms);
  }

  /**
   * Stops background work (active expiry) and settles the data: the final save when `dir` and
   * save points are configured, the append-only file flushed. Clients keep working. Runs by
   * itself when the process exits.
   */
  close() {
    native.engineShutdown(this[kHandle]);
  }
}

// Engines still open at process exit are closed (and so saved when configured); weak
// references, so the set never keeps an engine alive.
const openEngines = new Set();
process.on('exit', () => {
  // Named engines outlive the threads that use them; the main thread settles them last.
  if (isMainThread) {
    for (const engine of namedEngines.values()) openEngines.add(new WeakRef(engine));
  }
  for (const ref of openEngines) {
    const engine = ref.deref();
    if (engine) {
      try {
        engine.close();
      } catch {
        // Exit goes on for the other engines.
      }
    }
  }
});

module.exports = { Engine, kHandle };
