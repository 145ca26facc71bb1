#!/usr/bin/env node
// Throughput from Node: Vermilion embedded vs ioredis-mock vs ioredis over loopback (to a
// redis-server this script starts, and to Vermilion's own server), for GET/SET/INCR and for hash
// and sorted-set commands on 1,024-member collections; sequential awaits and 100 in flight.
// The floor of each command — the bare native call plus an await — is measured too.
//
//   node bench/node_bench.js [--seconds 0.5] [--only hget,zscore]
//
// Needs `npm install ./node` (which brings ioredis and ioredis-mock); redis-server on PATH is
// optional (its column is left out without it).
'use strict';

const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { root, requireFromRoot, startRedisServer } = require('./support');

const vermilion = requireFromRoot('vermilion');
const IORedis = requireFromRoot('ioredis');
const RedisMock = requireFromRoot('ioredis-mock');
const libDir = path.join(path.dirname(require.resolve('vermilion', { paths: [root] })), 'lib');
const native = require(path.join(libDir, 'native'));
const { kHandle } = require(path.join(libDir, 'engine'));
const { unpackStrings } = require(path.join(libDir, 'fast-commands'));

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 0.5;
const IN_FLIGHT = 100;

/** Members in the benchmark's hash and sorted set. */
const COLLECTION_SIZE = 1024;
const member = (i) => `member:${i & (COLLECTION_SIZE - 1)}`;

/**
 * Each benchmarked command: through a client, and as the bare native call (the floor) through
 * the entry the client's direct methods use: `call(buffers, name, ...args)`, or for arrays of
 * strings `callStrings(name, ...args)` and the cutting of its packed reply.
 */
const OPS = {
  GET: { run: (r, i) => r.get(`key:${i & 1023}`), native: (x, i) => x(false, 'get', `key:${i & 1023}`) },
  SET: { run: (r, i) => r.set(`key:${i & 1023}`, 'value'), native: (x, i) => x(false, 'set', `key:${i & 1023}`, 'value') },
  INCR: { run: (r) => r.incr('counter'), native: (x) => x(false, 'incr', 'counter') },
  HGET: { run: (r, i) => r.hget('hash', member(i)), native: (x, i) => x(false, 'hget', 'hash', member(i)) },
  HSET: { run: (r, i) => r.hset('hash', member(i), 'value'), native: (x, i) => x(false, 'hset', 'hash', member(i), 'value') },
  ZADD: { run: (r, i) => r.zadd('zset', i & 4095, member(i)), native: (x, i) => x(false, 'zadd', 'zset', i & 4095, member(i)) },
  ZRANGE: {
    run: (r, i) => r.zrange('zset', i & 1023, (i & 1023) + 9),
    // Arrays of strings come back packed into one string, cut apart in JS.
    native: (x, i, strings) => unpackStrings(strings('zrange', 'zset', i & 1023, (i & 1023) + 9)),
  },
  ZSCORE: { run: (r, i) => r.zscore('zset', member(i)), native: (x, i) => x(false, 'zscore', 'zset', member(i)) },
};

/** Fills the hash and the sorted set every subject works on. */
async function populate(client) {
  const fields = [];
  const scored = [];
  for (let i = 0; i < COLLECTION_SIZE; i++) {
    fields.push(member(i), `value:${i}`);
    scored.push(i, member(i));
  }
  await client.del('hash', 'zset');
  await client.hset('hash', ...fields);
  await client.zadd('zset', ...scored);
}

// Every cell starts on a collected heap, so garbage a slow subject left (ioredis-mock's arrays)
// is not collected on the next subject's time.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

/** Timed runs per cell; the best is kept, so a burst of other work on the machine is ignored. */
const RUNS = 5;

/**
 * Runs `step(i)` for about SECONDS after a warm-up, as RUNS runs of equal length; returns the
 * ns per operation of the best run.
 */
async function measure(step, batch) {
  collectGarbage();
  const run = async (deadline) => {
    let ops = 0;
    const start = process.hrtime.bigint();
    while (process.hrtime.bigint() < deadline) {
      for (let i = 0; i < 1000; i += batch) {
        await step(ops + i);
      }
      ops += 1000;
    }
    return Number(process.hrtime.bigint() - start) / ops;
  };
  const slice = (seconds) => BigInt(Math.round(seconds * 1e9));
  await run(process.hrtime.bigint() + slice(SECONDS / 5));
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) best = Math.min(best, await run(process.hrtime.bigint() + slice(SECONDS / RUNS)));
  return best;
}

const sequential = (client, op) => measure((i) => op(client, i), 1);

function inFlight(client, op) {
  const promises = new Array(IN_FLIGHT);
  return measure((i) => {
    for (let j = 0; j < IN_FLIGHT; j++) promises[j] = op(client, i + j);
    return Promise.all(promises);
  }, IN_FLIGHT);
}

async function main() {
  const engine = new vermilion.Engine();
  const server = new vermilion.Server(engine, { port: 0 });
  const redisServer = await startRedisServer();
  const subjects = [
    ['vermilion embedded', new vermilion.Redis({ engine })],
    ['ioredis-mock', new RedisMock()],
    ['ioredis → redis-server', redisServer?.client],
    ['ioredis → vermilion server', new IORedis({ port: server.port, host: '127.0.0.1' })],
  ].filter(([, client]) => client);

  for (const [, client] of subjects) await populate(client);
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].toUpperCase().split(',') : null;
  const rows = [];
  const floors = await measureFloors(subjects[0][1]);
  const { call, strings } = embeddedCallers(subjects[0][1]);
  for (const [opName, op] of Object.entries(OPS)) {
    if (only && !only.includes(opName)) continue;
    const floor = await measure((i) => op.native(call, i, strings), 1);
    for (const [mode, runner] of [['sequential', sequential], [`${IN_FLIGHT} in flight`, inFlight]]) {
      const row = { op: opName, mode, floor, ns: {} };
      for (const [name, client] of subjects) row.ns[name] = await runner(client, op.run);
      rows.push(row);
    }
  }
  print(subjects.map(([name]) => name), rows, floors);

  for (const [, client] of subjects) client.disconnect();
  redisServer?.stop();
  server.stop();
}

/** The embedded client's state (its native session and executor). */
function embeddedState(embedded) {
  return embedded[Object.getOwnPropertySymbols(embedded).find((s) => s.description === 'vermilion.embedded')];
}

/** A second session's `call` and `callStrings` on the same engine, for the bare native calls. */
function embeddedCallers(embedded) {
  const session = native.connect(embedded.engine[kHandle]);
  return { call: native.sessionCaller(session), strings: native.sessionStringsCaller(session) };
}

async function measureFloors(embedded) {
  const { session, call } = embeddedState(embedded);
  const resolved = Promise.resolve(1);
  return {
    'await of a resolved promise': await measure(() => resolved, 1),
    'native call with a client handle (isClosed)': await measure(() => native.isClosed(session), 1),
    'native call GET, no promise': await measure((i) => call(false, 'get', `key:${i & 1023}`), 1),
  };
}

function print(names, rows, floors) {
  const opsPerSecond = (ns) => Math.round(1e9 / ns).toLocaleString('en-US');
  const [ours, mock, redis] = ['vermilion embedded', 'ioredis-mock', 'ioredis → redis-server'];
  console.log(`\nops/s (ns/op), best of ${RUNS} runs in ${SECONDS}s per cell, node ${process.version}\n`);
  const ratio = (x) => (x >= 100 ? `${Math.round(x)}x` : `${x.toFixed(1)}x`);
  const header = ['op', 'mode', ...names, 'vs mock', 'vs redis', 'floor ns', 'of floor'];
  const lines = rows.map((row) => [
    row.op,
    row.mode,
    ...names.map((name) => `${opsPerSecond(row.ns[name])} (${Math.round(row.ns[name])})`),
    ratio(row.ns[mock] / row.ns[ours]),
    row.ns[redis] ? ratio(row.ns[redis] / row.ns[ours]) : '-',
    Math.round(row.floor),
    ratio(row.ns[ours] / row.floor),
  ]);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
  console.log('\n"vs mock" and "vs redis": how many times faster the embedded client is; "of floor": its');
  console.log('cost over the bare native call of the same command plus an await.');
  console.log('\nfloors (ns/op):');
  for (const [name, ns] of Object.entries(floors)) console.log(`  ${name}: ${Math.round(ns)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
