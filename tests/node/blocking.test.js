'use strict';
// Blocking commands on the embedded face: the promise settles later, the event loop keeps running.

const { Redis, Engine } = require('vermilion');
const { PRIVATE, disconnectedAfterEach } = require('./support');

/** A client that is disconnected after each test. */
const client = disconnectedAfterEach(Redis);

/** Resolves once the engine reports `n` blocked clients (polling, with a deadline). */
async function blockedClients(redis, n, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const info = await redis.info('clients');
    if (info.includes(`blocked_clients:${n}\r\n`)) return;
    if (Date.now() > deadline) throw new Error(`never saw ${n} blocked clients`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('BLPOP resolves when another client pushes, without blocking the event loop', async () => {
  const engine = new Engine();
  const waiter = client({ engine });
  const pusher = client({ engine });
  const popped = waiter.blpop('jobs', 0);
  let settled = false;
  popped.then(() => { settled = true; });
  // A timer fires while BLPOP waits: the event loop keeps turning (a blocked loop would hang
  // here until the test's timeout).
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(settled).toBe(false);
  await blockedClients(pusher, 1);
  expect(await pusher.rpush('jobs', 'job-1')).toBe(1);
  expect(await popped).toEqual(['jobs', 'job-1']);
});

test('BRPOP times out with null', async () => {
  const r = client(PRIVATE);
  const started = Date.now();
  expect(await r.brpop('empty', 0.1)).toBeNull();
  expect(Date.now() - started).toBeGreaterThanOrEqual(90);
});

test('commands sent while blocked run after the blocking one, in order', async () => {
  const engine = new Engine();
  const waiter = client({ engine });
  const pusher = client({ engine });
  const popped = waiter.blpop('q', 0);
  const after = waiter.lpush('q', 'mine');
  await blockedClients(pusher, 1);
  await pusher.rpush('q', 'theirs');
  expect(await popped).toEqual(['q', 'theirs']);
  expect(await after).toBe(1);
});

test('disconnecting a blocked client rejects its command', async () => {
  const r = client(PRIVATE);
  const popped = r.blpop('never', 0);
  await blockedClients(client({ engine: r.engine }), 1);
  r.disconnect();
  await expect(popped).rejects.toThrow('Connection is closed.');
});

test('a direct command held by CLIENT PAUSE holds its client\'s later commands behind it', async () => {
  const engine = new Engine();
  const admin = client({ engine });
  const writer = client({ engine });
  await admin.client('PAUSE', 60_000, 'WRITE');
  const order = [];
  const set = writer.set('k', 'after-pause').then((reply) => order.push(['set', reply]));
  // A read is not held by a WRITE pause, but it must not overtake the held write.
  const get = writer.get('k').then((reply) => order.push(['get', reply]));
  const failed = writer.incr('k').catch((error) => order.push(['incr', error.message]));
  await blockedClients(admin, 1);
  expect(order).toEqual([]);
  await admin.client('UNPAUSE');
  await Promise.all([set, get, failed]);
  expect(order).toEqual([
    ['set', 'OK'],
    ['get', 'after-pause'],
    ['incr', 'ERR value is not an integer or out of range'],
  ]);
});

test('an error reply to a held direct command rejects it', async () => {
  const engine = new Engine();
  const admin = client({ engine });
  const writer = client({ engine });
  await writer.set('text', 'abc');
  await admin.client('PAUSE', 60_000, 'WRITE');
  const incr = writer.incr('text');
  await blockedClients(admin, 1);
  await admin.client('UNPAUSE');
  await expect(incr).rejects.toThrow(/^ERR value is not an integer/);
});
