'use strict';
// A drop-in for ioredis in test suites, the way ioredis-mock is used:
//
//   jest.mock('ioredis', () => require('vermilion/mock'));
//
// Code written for ioredis then runs, unchanged, on in-process engines. Clients share data per
// server address as ioredis-mock's do: every client of one host and port (or unix socket path)
// shares an engine, and `new Redis()` means localhost:6379 like ioredis. The engines of one
// module instance are its own, so each jest test file starts from empty engines, as with
// ioredis-mock. Every command is the engine's — the real Redis 7 semantics, admin commands
// included (CLIENT SETNAME/LIST/INFO, INFO, WAIT, scripts) — not an emulation of them.

const { ReplyError } = require('redis-errors');
const { parseURL } = require('ioredis/built/utils');
const { Redis } = require('./lib/redis');
const { Engine, kHandle } = require('./lib/engine');
const { Server } = require('./lib/server');
const native = require('./lib/native');

const DEFAULT_HOST = 'localhost';
const DEFAULT_PORT = 6379;

/** Engines by server address, made on first use. */
const engines = new Map();

class RedisMock extends Redis {
  /**
   * Takes ioredis's constructor forms (`()`, `(port)`, `(port, host)`, `(url)`, `(options)` and
   * their combinations). Besides ioredis's options: `engine` (run on this engine instead of the
   * address's), `data` (keys to seed, shaped as in ioredis-mock) and `manualClock` (ms since the
   * epoch: the address's engine, when this client opens it, starts on a clock that only
   * `advanceTime` moves).
   */
  constructor(...args) {
    const { data, manualClock, ...options } = mockOptions(args);
    options.engine ??= engineAt(options, manualClock);
    super(options);
    if (data) seed(options.engine, options.db ?? 0, options.keyPrefix ?? '', data);
  }

  /** Moves the engine's manual clock forward by `ms`; false for an engine on the system clock. */
  advanceTime(ms) {
    return this.engine.advanceTime(ms);
  }
}

/** ioredis's `Cluster`, as ioredis-mock has it: one client on the engine of the first node. */
class Cluster extends RedisMock {
  constructor(nodes = [], clusterOptions = {}) {
    const [first = {}] = nodes;
    const node = typeof first === 'object' ? first : mockOptions([first]);
    super({ ...clusterOptions.redisOptions, host: node.host, port: node.port });
    this.startupNodes = nodes;
  }

  /** The cluster's nodes: this one client stands for all of them. */
  nodes() {
    return [this];
  }
}

/**
 * The options of ioredis's constructor forms, read as ioredis reads them: numbers are ports,
 * strings URLs or hosts, objects options; an earlier argument wins over a later one.
 */
function mockOptions(args) {
  const options = {};
  const fill = (values) => {
    for (const [name, value] of Object.entries(values)) if (options[name] === undefined) options[name] = value;
  };
  for (const arg of args) {
    if (typeof arg === 'number') fill({ port: arg });
    else if (typeof arg === 'string') fill(parseURL(arg));
    else if (arg !== null && typeof arg === 'object') fill(arg);
  }
  if (options.db !== undefined) options.db = Number(options.db);
  if (options.port !== undefined) options.port = Number(options.port);
  return options;
}

/** The engine of the address `options` name, opened on first use. */
function engineAt(options, manualClock) {
  const address = options.path ?? `${options.host ?? DEFAULT_HOST}:${options.port ?? DEFAULT_PORT}`;
  let engine = engines.get(address);
  if (engine === undefined) {
    engine = new Engine({}, { manualClock });
    engines.set(address, engine);
  }
  return engine;
}

/**
 * Writes ioredis-mock's `data` option into the engine: strings (or Buffers, numbers) as
 * strings, arrays as lists, Sets as sets, Maps (member → score) as sorted sets, other objects
 * as hashes. Keys get the client's `keyPrefix`, as ioredis-mock's do.
 */
function seed(engine, db, keyPrefix, data) {
  const session = native.connect(engine[kHandle]);
  const execute = native.sessionExecutor(session);
  const run = (name, args) => {
    const reply = execute(name, args, false);
    if (reply instanceof Error) throw reply;
  };
  try {
    run('select', [db]);
    for (const [name, value] of Object.entries(data)) {
      const key = `${keyPrefix}${name}`;
      run('del', [key]);
      if (Array.isArray(value)) {
        if (value.length > 0) run('rpush', [key, ...value]);
      } else if (value instanceof Set) {
        if (value.size > 0) run('sadd', [key, ...value]);
      } else if (value instanceof Map) {
        if (value.size > 0) run('zadd', [key, ...[...value].flatMap(([member, score]) => [score, member])]);
      } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
        const fields = Object.entries(value).flat();
        if (fields.length > 0) run('hset', [key, ...fields]);
      } else {
        run('set', [key, value]);
      }
    }
  } finally {
    native.disconnect(session);
  }
}

// Shaped like ioredis's exports (what `require('ioredis')` gives): the class itself, with the
// rest as its properties. `Command` is inherited from ioredis's class.
const exported = { Redis: RedisMock, default: RedisMock, Cluster, ReplyError, Engine, Server };
for (const [name, value] of Object.entries(exported)) {
  Object.defineProperty(RedisMock, name, { value, enumerable: true, configurable: true });
}
module.exports = RedisMock;
