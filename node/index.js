'use strict';
// Vermilion for Node: an ioredis-compatible client of an in-process, Redis-compatible engine.
//
//   const { Redis, Engine, Server } = require('vermilion');
//   const redis = new Redis('vermilion://');         // private in-process engine
//   const engine = new Engine({ maxmemory: '100mb' });
//   const shared = new Redis({ engine, db: 2 });     // a client of a shared engine
//   const named = new Redis('vermilion://cache');    // the process-wide engine "cache"
//   const server = new Server(engine, { port: 0 });  // the same data over TCP
//   const remote = new Redis(6379, 'localhost');     // no engine named: plain ioredis
//
// Test suites replace ioredis with `require('vermilion/mock')` (see mock.js).

const { ReplyError } = require('redis-errors');
const { Redis } = require('./lib/redis');
const { Engine } = require('./lib/engine');
const { Server } = require('./lib/server');

// Shaped like ioredis's exports: the client class itself, with the rest as its properties.
// Defined rather than assigned: the class inherits ioredis's getters of the same names.
const exported = { Redis, Engine, Server, ReplyError, default: Redis };
for (const [name, value] of Object.entries(exported)) {
  Object.defineProperty(Redis, name, { value, enumerable: true, configurable: true });
}
module.exports = Redis;
