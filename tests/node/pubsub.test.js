'use strict';
// ioredis's subscriber mode on the embedded addon: subscribe/psubscribe/ssubscribe, message
// events (string and Buffer variants), subscriber-mode refusals, and messages crossing between
// embedded clients, a served engine's network clients and the JS thread without blocking it.

const IORedis = require('ioredis');
const { Redis, Engine, Server } = require('vermilion');
const { PRIVATE, disconnectedAfterEach } = require('./support');

const client = disconnectedAfterEach(Redis);

/** Resolves with the arguments of the next `event` emitted by `emitter`, or rejects after `ms`. */
function nextEvent(emitter, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${ms}ms`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

test('subscribe resolves with the subscription count; messages arrive as events', async () => {
  const engine = new Engine();
  const sub = client({ engine });
  const pub = client({ engine });
  expect(await sub.subscribe('news', 'sport')).toBe(2);
  const message = nextEvent(sub, 'message');
  const buffer = nextEvent(sub, 'messageBuffer');
  expect(await pub.publish('news', 'hello')).toBe(1);
  expect(await message).toEqual(['news', 'hello']);
  const [channel, data] = await buffer;
  expect(Buffer.isBuffer(channel) && Buffer.isBuffer(data)).toBe(true);
  expect(data.toString()).toBe('hello');
});

test('messages are delivered asynchronously, in publish order', async () => {
  const engine = new Engine();
  const sub = client({ engine });
  const pub = client({ engine });
  await sub.subscribe('ordered');
  const received = [];
  sub.on('message', (_channel, data) => received.push(data));
  for (let i = 0; i < 100; i += 1) await pub.publish('ordered', String(i));
  // Published from this very thread: delivery waits for the event loop, never re-enters it.
  expect(received.length).toBeLessThan(100);
  const deadline = Date.now() + 5000;
  while (received.length < 100 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(received).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
});

test('pattern and shard subscriptions', async () => {
  const engine = new Engine();
  const sub = client({ engine });
  const pub = client({ engine });
  expect(await sub.psubscribe('news.*')).toBe(1);
  const pmessage = nextEvent(sub, 'pmessage');
  await pub.publish('news.tech', 'chips');
  expect(await pmessage).toEqual(['news.*', 'news.tech', 'chips']);
  expect(await sub.ssubscribe('orders')).toBe(1);
  const smessage = nextEvent(sub, 'smessage');
  expect(await pub.spublish('orders', 'o-1')).toBe(1);
  expect(await smessage).toEqual(['orders', 'o-1']);
});

test('a subscriber refuses other commands, as ioredis does, until it unsubscribes', async () => {
  const sub = client(PRIVATE);
  await sub.subscribe('a', 'b');
  await expect(sub.get('k')).rejects.toThrow('Connection in subscriber mode, only subscriber commands may be used');
  await expect(sub.set('k', 'v')).rejects.toThrow('subscriber mode');
  expect(await sub.ping()).toEqual(['pong', '']);
  expect(await sub.unsubscribe()).toBe(0);
  expect(sub.mode).toBe('normal');
  expect(await sub.set('k', 'v')).toBe('OK');
});

test('unsubscribing from one channel keeps the others', async () => {
  const engine = new Engine();
  const sub = client({ engine });
  const pub = client({ engine });
  await sub.subscribe('keep', 'drop');
  expect(await sub.unsubscribe('drop')).toBe(1);
  expect(await pub.publish('drop', 'x')).toBe(0);
  expect(await pub.pubsub('NUMSUB', 'keep', 'drop')).toEqual(['keep', 1, 'drop', 0]);
});

test('keyspace events reach an embedded subscriber', async () => {
  const engine = new Engine();
  const sub = client({ engine });
  const writer = client({ engine });
  await writer.config('SET', 'notify-keyspace-events', 'KEA');
  await sub.psubscribe('__keyevent@0__:*');
  const event = nextEvent(sub, 'pmessage');
  await writer.set('watched', '1');
  expect(await event).toEqual(['__keyevent@0__:*', '__keyevent@0__:set', 'watched']);
});

test('disconnecting a subscriber releases its channels', async () => {
  const engine = new Engine();
  const sub = new Redis({ engine });
  const pub = client({ engine });
  await sub.subscribe('gone');
  expect(await pub.pubsub('NUMSUB', 'gone')).toEqual(['gone', 1]);
  sub.disconnect();
  expect(await pub.pubsub('NUMSUB', 'gone')).toEqual(['gone', 0]);
});

describe('across faces through a served engine', () => {
  let engine;
  let server;
  let remote;

  beforeEach(() => {
    engine = new Engine();
    server = new Server(engine, { port: 0, bind: '127.0.0.1' });
    remote = new IORedis({ port: server.port, host: '127.0.0.1' });
  });

  afterEach(async () => {
    remote.disconnect();
    server.stop();
  });

  test('a network publisher reaches an embedded subscriber', async () => {
    const sub = client({ engine });
    await sub.subscribe('wire');
    const message = nextEvent(sub, 'message');
    expect(await remote.publish('wire', 'from the network')).toBe(1);
    expect(await message).toEqual(['wire', 'from the network']);
  });

  test('an embedded publisher reaches a network subscriber', async () => {
    const pub = client({ engine });
    await remote.subscribe('wire');
    const message = nextEvent(remote, 'message');
    expect(await pub.publish('wire', 'from node')).toBe(1);
    expect(await message).toEqual(['wire', 'from node']);
  });
});
