'use strict';
// Direct methods for the most frequent commands of an embedded client.
//
// ioredis's generic path builds a Command for every call (argument flattening, transformer
// lookups, a promise wired to callbacks), which costs more than running a GET on the engine.
// For commands that ioredis passes through untransformed, an embedded client calls the engine
// directly and returns a settled promise. Anything unusual (array or object arguments, a key
// prefix, auto-pipelining, friendly error stacks, a client not ready) takes ioredis's path, so
// behaviour stays the same either way.

const { ReplyError } = require('redis-errors');
// By path: see the note in redis.js.
const IORedis = require('ioredis/built/Redis').default;
const { nodeify, isThenable } = require('./nodeify');

/** Commands whose arguments and replies ioredis leaves as they are (for plain arguments). */
const FAST_COMMANDS = [
  'get', 'set', 'setex', 'psetex', 'setnx', 'getset', 'getdel', 'getex', 'append', 'strlen',
  'incr', 'decr', 'incrby', 'decrby', 'incrbyfloat', 'mget', 'mset', 'msetnx',
  'del', 'unlink', 'exists', 'type', 'expire', 'pexpire', 'expireat', 'ttl', 'pttl', 'persist',
  'hget', 'hset', 'hsetnx', 'hdel', 'hexists', 'hincrby', 'hlen', 'hmget', 'hkeys', 'hvals', 'hstrlen',
  'lpush', 'rpush', 'lpop', 'rpop', 'llen', 'lrange', 'lindex',
  'sadd', 'srem', 'sismember', 'scard', 'smembers',
  'zadd', 'zrem', 'zscore', 'zincrby', 'zcard', 'zrank', 'zrevrank', 'zrange', 'zrevrange', 'zrangebyscore', 'zcount',
];

/**
 * Fast commands replying with an array of strings (and nulls): their string variants take the
 * packed reply, one native string cut into the array here.
 */
const STRING_ARRAY_COMMANDS = new Set([
  'mget', 'hmget', 'hkeys', 'hvals', 'lrange', 'smembers', 'zrange', 'zrevrange', 'zrangebyscore',
]);

/** Element count in place of which a packed reply holds text (`reply::PACKED_TEXT`). */
const PACKED_TEXT = 0xffff;
/** Element length marking a null (`reply::PACKED_NULL`). */
const PACKED_NULL = 0xffff;

/**
 * The reply packed by the engine's `callStrings`: a 16-bit element count, a 16-bit length per
 * element (each as two characters), then the elements; or the count PACKED_TEXT, then text.
 */
function unpackStrings(packed) {
  const count = (packed.charCodeAt(0) << 8) | packed.charCodeAt(1);
  if (count === PACKED_TEXT) return packed.slice(2);
  const items = new Array(count);
  let at = 2 + 2 * count;
  for (let i = 0; i < count; i++) {
    const length = (packed.charCodeAt(2 + 2 * i) << 8) | packed.charCodeAt(3 + 2 * i);
    if (length === PACKED_NULL) {
      items[i] = null;
    } else {
      items[i] = packed.slice(at, at += length);
    }
  }
  return items;
}

/** Whether ioredis would send `arg` unchanged (as `String(arg)` for numbers). */
function isPlain(arg) {
  return typeof arg === 'string' || typeof arg === 'number' || arg instanceof Buffer;
}

/**
 * A method running `name` directly when `this[kEmbedded].fast` and the client is ready, else
 * `generic` (ioredis's method). `buffers` selects the Buffer variant's replies.
 */
function fastMethod(kEmbedded, name, buffers, generic, awaitHeld) {
  const packed = !buffers && STRING_ARRAY_COMMANDS.has(name);
  return function (...args) {
    const state = this[kEmbedded];
    // A subscriber takes ioredis's path, which refuses commands in subscriber mode.
    if (state === undefined || !state.fast || state.blocked || this.status !== 'ready' || this.condition.subscriber) {
      return generic.apply(this, args);
    }
    const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    if (!args.every(isPlain)) return generic.apply(this, callback ? [...args, callback] : args);
    let reply = packed ? state.callStrings(name, ...args) : state.call(buffers, name, ...args);
    if (packed && typeof reply === 'string') reply = unpackStrings(reply);
    if (reply === undefined) {
      // The client was closed under us; ioredis's path reports it the usual way.
      return generic.apply(this, callback ? [...args, callback] : args);
    }
    let promise;
    if (reply instanceof ReplyError) {
      reply.command = { name, args };
      promise = Promise.reject(reply);
    } else if (isThenable(reply)) {
      promise = awaitHeld(this, state, { name, args }, reply);
    } else {
      promise = Promise.resolve(reply);
    }
    return nodeify(promise, callback);
  };
}

/**
 * Installs the direct methods, string and Buffer variants, on an embedded client class.
 * `awaitHeld(redis, state, command, promise)` gives the outcome of a command the engine holds
 * (a CLIENT PAUSE), whose reply comes later.
 */
function installFastCommands(prototype, kEmbedded, awaitHeld) {
  for (const name of FAST_COMMANDS) {
    prototype[name] = fastMethod(kEmbedded, name, false, IORedis.prototype[name], awaitHeld);
    prototype[`${name}Buffer`] = fastMethod(kEmbedded, name, true, IORedis.prototype[`${name}Buffer`], awaitHeld);
  }
}

/** Whether an embedded client's options allow the direct methods at all. */
function allowsFastCommands(options) {
  return !options.keyPrefix && !options.enableAutoPipelining && !options.showFriendlyErrorStack;
}

module.exports = { installFastCommands, allowsFastCommands, unpackStrings, FAST_COMMANDS };
