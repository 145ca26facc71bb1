#!/usr/bin/env node
// Pub/Sub fan-out: 1 publisher, 100 subscribers. Messages delivered per second and the p50/p99
// publish-to-receive latency, side by side in one run:
//
//   redis-server          100 ioredis subscribers over loopback, ioredis publisher
//   vermilion server      the same clients against a served Vermilion engine
//   vermilion mixed       50 embedded subscribers + 50 over loopback, embedded publisher
//
//   node bench/pubsub_bench.js [--messages 2000] [--subscribers 100]
//
// Every client lives in this process, so one clock times every message (its payload carries the
// send time). The publisher keeps a window of 50 PUBLISHes in flight, yielding to the event
// loop between windows. Needs `npm install ./node`;
// the redis-server row is left out when redis-server is not on PATH.
'use strict';

const { requireFromRoot, startRedisServer } = require('./support');

const vermilion = requireFromRoot('vermilion');
const IORedis = requireFromRoot('ioredis');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MESSAGES = arg('messages', 2000);
const SUBSCRIBERS = arg('subscribers', 100);
const WINDOW = 50;
const CHANNEL = 'fanout';

/**
 * Subscribes every client, publishes MESSAGES messages, and waits until each subscriber has
 * them all. Returns deliveries per second and latency percentiles in microseconds.
 */
async function fanOut(subscribers, publisher) {
  await Promise.all(subscribers.map((s) => s.subscribe(CHANNEL)));
  const expected = MESSAGES * subscribers.length;
  const latencies = new Float64Array(expected);
  let delivered = 0;
  let allDelivered;
  const done = new Promise((resolve) => { allDelivered = resolve; });
  for (const s of subscribers) {
    s.on('message', (_channel, payload) => {
      latencies[delivered] = Number(process.hrtime.bigint() - BigInt(payload)) / 1000;
      delivered += 1;
      if (delivered === expected) allDelivered();
    });
  }
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < MESSAGES; sent += WINDOW) {
    const window = [];
    for (let i = sent; i < Math.min(sent + WINDOW, MESSAGES); i += 1) {
      window.push(publisher.publish(CHANNEL, String(process.hrtime.bigint())));
    }
    const receivers = await Promise.all(window);
    // Let deliveries run between windows: an embedded publisher's replies are ready at once,
    // and a loop that never yields to the event loop would hold every delivery back.
    await new Promise(setImmediate);
    if (receivers.some((n) => n !== subscribers.length)) throw new Error(`a PUBLISH reached ${receivers.find((n) => n !== subscribers.length)} subscribers`);
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort();
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { perSecond: expected / seconds, p50: at(0.5), p99: at(0.99) };
}

const network = (port) => new IORedis({ port, host: '127.0.0.1' });

async function main() {
  const rows = [];
  const redisServer = await startRedisServer();
  if (redisServer) {
    const subs = Array.from({ length: SUBSCRIBERS }, () => network(redisServer.port));
    const pub = network(redisServer.port);
    rows.push(['redis-server', await fanOut(subs, pub)]);
    for (const c of [...subs, pub]) c.disconnect();
    redisServer.stop();
  }

  {
    const engine = new vermilion.Engine();
    const server = new vermilion.Server(engine, { port: 0, bind: '127.0.0.1' });
    const subs = Array.from({ length: SUBSCRIBERS }, () => network(server.port));
    const pub = network(server.port);
    rows.push(['vermilion server', await fanOut(subs, pub)]);
    for (const c of [...subs, pub]) c.disconnect();
    server.stop();
  }

  {
    const engine = new vermilion.Engine();
    const server = new vermilion.Server(engine, { port: 0, bind: '127.0.0.1' });
    const half = Math.floor(SUBSCRIBERS / 2);
    const subs = [
      ...Array.from({ length: half }, () => new vermilion.Redis({ engine })),
      ...Array.from({ length: SUBSCRIBERS - half }, () => network(server.port)),
    ];
    const pub = new vermilion.Redis({ engine });
    rows.push([`vermilion mixed (${half} embedded + ${SUBSCRIBERS - half} network)`, await fanOut(subs, pub)]);
    for (const c of [...subs, pub]) c.disconnect();
    server.stop();
  }

  const base = rows.find(([name]) => name === 'redis-server')?.[1];
  console.log(`\nfan-out: 1 publisher, ${SUBSCRIBERS} subscribers, ${MESSAGES} messages, node ${process.version}\n`);
  const lines = rows.map(([name, r]) => [
    name,
    Math.round(r.perSecond).toLocaleString('en-US'),
    base ? `${(r.perSecond / base.perSecond).toFixed(2)}x` : '-',
    r.p50.toFixed(0),
    r.p99.toFixed(0),
  ]);
  const header = ['subject', 'deliveries/s', 'vs redis', 'p50 µs', 'p99 µs'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const line of [header, ...lines]) console.log(line.map((cell, i) => cell.padEnd(widths[i])).join('  '));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
