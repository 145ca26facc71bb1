'use strict';
// An in-process Vermilion engine: the databases that embedded clients and servers share.

const native = require('./native');
const { redisName, redisValue, toRedisSettings } = require('./settings');

/** The native handle of an engine, kept off the public surface. */
const kHandle = Symbol('vermilion.engine');

class Engine {
  /**
   * @param {object} [settings] Redis options by name, e.g. `{ maxmemory: '100mb', databases: 4 }`.
   * @param {object} [options]
   * @param {number} [options.manualClock] Start a clock that stands still at this time (ms since
   *   the epoch) and only moves with `advanceTime`, so expiry can be tested without sleeping.
   */
  constructor(settings = {}, { manualClock } = {}) {
    this[kHandle] = native.openEngine(toRedisSettings(settings), manualClock);
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

  /** Stops background work (active expiry). Clients keep working; expired keys go lazily. */
  close() {
    native.engineShutdown(this[kHandle]);
  }
}

module.exports = { Engine, kHandle };
