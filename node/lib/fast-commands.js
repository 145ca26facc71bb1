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
const { nodeify } = require('./nodeify');

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

/** Whether ioredis would send `arg` unchanged (as `String(arg)` for numbers). */
function isPlain(arg) {
  return typeof arg === 'string' || typeof arg === 'number' || arg instanceof Buffer;
}

/**
 * A method running `name` directly when `this[kEmbedded].fast` and the client is ready, else
 * `generic` (ioredis's method). `buffers` selects the Buffer variant's replies.
 */
function fastMethod(kEmbedded, name, buffers, generic) {
  return function (...args) {
    const state = this[kEmbedded];
    // A subscriber takes ioredis's path, which refuses commands in subscriber mode.
    if (state === undefined || !state.fast || state.blocked || this.status !== 'ready' || this.condition.subscriber) {
      return generic.apply(this, args);
    }
    const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    if (!args.every(isPlain)) return generic.apply(this, callback ? [...args, callback] : args);
    const reply = state.call(buffers, name, ...args);
    if (reply === undefined) {
      // The client was closed under us; ioredis's path reports it the usual way.
      return generic.apply(this, callback ? [...args, callback] : args);
    }
    let promise;
    if (reply instanceof ReplyError) {
      reply.command = { name, args };
      promise = Promise.reject(reply);
    } else {
      promise = Promise.resolve(reply);
    }
    return nodeify(promise, callback);
  };
}

/** Installs the direct methods, string and Buffer variants, on an embedded client class. */
function installFastCommands(prototype, kEmbedded) {
  for (const name of FAST_COMMANDS) {
    prototype[name] = fastMethod(kEmbedded, name, false, IORedis.prototype[name]);
    prototype[`${name}Buffer`] = fastMethod(kEmbedded, name, true, IORedis.prototype[`${name}Buffer`]);
  }
}

/** Whether an embedded client's options allow the direct methods at all. */
function allowsFastCommands(options) {
  return !options.keyPrefix && !options.enableAutoPipelining && !options.showFriendlyErrorStack;
}

module.exports = { installFastCommands, allowsFastCommands, FAST_COMMANDS };
