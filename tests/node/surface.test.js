'use strict';
// The ioredis surface users touch, item by item, on an embedded client: constructor forms,
// connection lifecycle and events, key prefixes, scan streams, custom commands, raw commands,
// monitor.

const IORedis = require('ioredis');
const { Redis, Engine, Server, ReplyError } = require('vermilion');
const { PRIVATE, disconnectedAfterEach, engineSupports, itWhen, once } = require('./support');

const client = disconnectedAfterEach(Redis);

/** A name no other test uses, for named engines (they live as long as the process). */
let nameCount = 0;
const uniqueName = (prefix) => `${prefix}-${process.pid}-${++nameCount}`;

describe('constructor forms', () => {
  test.each([
    ['new Redis(port)', [7000], { port: 7000 }],
    ['new Redis(port, host)', [7000, 'example.test'], { host: 'example.test', port: 7000 }],
    ['new Redis(url)', ['redis://:pw@example.test:7001/3'], { host: 'example.test', port: 7001, db: 3, password: 'pw' }],
    ['new Redis(options)', [{ host: 'example.test', port: 7002 }], { host: 'example.test', port: 7002 }],
  ])('%s is a network client, as in ioredis', (_form, args, expected) => {
    const lazy = args.length > 0 && typeof args[args.length - 1] === 'object' ? args : [...args, {}];
    lazy[lazy.length - 1] = { ...lazy[lazy.length - 1], lazyConnect: true };
    const redis = new Redis(...lazy);
    const plain = new IORedis(...lazy);
    expect(redis.engine).toBeUndefined();
    expect(redis.status).toBe('wait');
    expect(redis.options).toMatchObject(expected);
    expect(redis.options).toMatchObject(Object.fromEntries(Object.keys(expected).map((key) => [key, plain.options[key]])));
  });

  test('new Redis() names no server: it runs on a private in-process engine', async () => {
    const a = client();
    const b = client({ db: 1 });
    expect(a.engine).toBeInstanceOf(Engine);
    expect(a.engine).not.toBe(b.engine);
    await a.set('k', 'v');
    expect(await a.get('k')).toBe('v');
    expect(await b.get('k')).toBeNull();
  });

  test('vermilion:// opens a private engine per client', async () => {
    const a = client('vermilion://');
    const b = client('vermilion://');
    expect(a.engine).toBeInstanceOf(Engine);
    expect(a.engine).not.toBe(b.engine);
    await a.set('k', 'v');
    expect(await b.get('k')).toBeNull();
  });

  test('vermilion://name, { engineName } and Engine.named() are the same engine', async () => {
    const name = uniqueName('cache');
    const byUrl = client(`vermilion://${name}`);
    const byOption = client({ engineName: name });
    expect(byUrl.engine).toBe(Engine.named(name));
    expect(byOption.engine).toBe(byUrl.engine);
    expect(byUrl.engine.name).toBe(name);
    await byUrl.set('k', 'shared');
    expect(await byOption.get('k')).toBe('shared');
  });

  test('{ engine } runs on that engine, whatever address is also given', async () => {
    const engine = new Engine();
    const redis = client({ engine, host: 'example.test', port: 7000 });
    expect(redis.engine).toBe(engine);
    expect(await redis.set('k', 'v')).toBe('OK');
  });

  test('URL query: ioredis options configure the client, the rest the engine', async () => {
    const name = uniqueName('configured');
    const redis = client(`vermilion://${name}?db=2&connectionName=worker&maxmemory=1gb&maxmemory-policy=allkeys-lru`);
    expect(redis.options.db).toBe(2);
    await redis.set('k', 'v');
    expect(await redis.client('GETNAME')).toBe('worker');
    expect(redis.engine.config('maxmemory')).toBe('1073741824');
    expect(redis.engine.config('maxmemory-policy')).toBe('allkeys-lru');
    const db0 = client({ engineName: name });
    expect(await db0.get('k')).toBeNull();
    expect(await db0.select(2)).toBe('OK');
    expect(await db0.get('k')).toBe('v');
  });

  test('URL credentials authenticate; options after the URL add to it', async () => {
    const name = uniqueName('secured');
    Engine.named(name, { requirepass: 's3cret' });
    const redis = client(`vermilion://:s3cret@${name}`, { keyPrefix: 'p:' });
    expect(await redis.set('k', 'v')).toBe('OK');
    expect(await client({ engineName: name, password: 's3cret' }).get('p:k')).toBe('v');
  });

  test('a manual clock from the URL', async () => {
    const redis = client('vermilion://?manualClock=1000000');
    await redis.set('k', 'v', 'PX', 50);
    expect(redis.engine.advanceTime(50)).toBe(true);
    expect(await redis.get('k')).toBeNull();
  });

  test('a vermilion:// URL naming both an engine and a data directory is refused', () => {
    expect(() => new Redis('vermilion://cache/var/data')).toThrow(TypeError);
  });

  test('Engine.named applies later settings as CONFIG SET', () => {
    const name = uniqueName('settings');
    const engine = Engine.named(name, { maxmemory: '1mb' });
    expect(Engine.named(name, { maxmemory: '2mb' })).toBe(engine);
    expect(engine.config('maxmemory')).toBe('2097152');
    expect(() => Engine.named('')).toThrow(TypeError);
  });
});

describe('connection lifecycle', () => {
  test('status and events from lazy to ready to end', async () => {
    const redis = new Redis(PRIVATE, { lazyConnect: true });
    const events = [];
    for (const event of ['connecting', 'connect', 'ready', 'close', 'end']) redis.on(event, () => events.push(event));
    expect(redis.status).toBe('wait');
    await redis.connect();
    expect(redis.status).toBe('ready');
    await once(redis, 'ready');
    expect(await redis.quit()).toBe('OK');
    await once(redis, 'end');
    expect(redis.status).toBe('end');
    expect(events).toEqual(['connecting', 'connect', 'ready', 'close', 'end']);
  });

  test('connect() after the end reconnects on the same engine', async () => {
    const redis = client(PRIVATE);
    await redis.set('k', 'v');
    redis.disconnect();
    await once(redis, 'end');
    await redis.connect();
    expect(redis.status).toBe('ready');
    expect(await redis.get('k')).toBe('v');
  });

  test('a refused handshake emits error and rejects connect()', async () => {
    const engine = new Engine({ requirepass: 'right' });
    const redis = new Redis({ engine, password: 'wrong', lazyConnect: true });
    const error = once(redis, 'error');
    await expect(redis.connect()).rejects.toThrow(/WRONGPASS/);
    expect(await error).toBeInstanceOf(ReplyError);
  });

  test('duplicate() keeps the engine and options, and takes overrides', async () => {
    const redis = client(PRIVATE, { db: 1, keyPrefix: 'app:' });
    const copy = client.track(redis.duplicate({ db: 2 }));
    expect(copy.engine).toBe(redis.engine);
    expect(copy.options.keyPrefix).toBe('app:');
    await redis.set('k', 'db1');
    expect(await copy.get('k')).toBeNull();
    await copy.set('k', 'db2');
    expect(await client({ engine: redis.engine, db: 2 }).get('app:k')).toBe('db2');
  });

  test('enableOfflineQueue: false works, the client being ready at once', async () => {
    const redis = client(PRIVATE, { enableOfflineQueue: false });
    expect(await redis.set('k', 'v')).toBe('OK');
    const lazy = client(PRIVATE, { enableOfflineQueue: false, lazyConnect: true });
    expect(await lazy.get('k')).toBeNull();
    redis.disconnect();
    await expect(redis.get('k')).rejects.toThrow('Connection is closed.');
  });
});

describe('keyPrefix', () => {
  test('applies to every key position, not to values or non-key arguments', async () => {
    const engine = new Engine();
    const prefixed = client({ engine, keyPrefix: 'app:' });
    const plain = client({ engine });
    await prefixed.mset('a', '1', 'b', '2');
    await prefixed.hset('h', 'field', 'value');
    await prefixed.rename('a', 'c');
    expect((await plain.keys('*')).sort()).toEqual(['app:b', 'app:c', 'app:h']);
    expect(await prefixed.mget('b', 'c')).toEqual(['2', '1']);
    expect(await prefixed.hget('h', 'field')).toBe('value');
    expect(await prefixed.pipeline().get('b').exec()).toEqual([[null, '2']]);
  });
});

describe('scan streams', () => {
  /** Every item a stream yields, flattened. */
  async function collect(stream) {
    const items = [];
    for await (const batch of stream) items.push(...batch);
    return items;
  }

  test('scanStream with match, count and type', async () => {
    const redis = client(PRIVATE);
    for (let i = 0; i < 120; i++) await redis.set(`key:${i}`, i);
    await redis.hset('hash:1', 'f', 'v');
    const keys = await collect(redis.scanStream({ match: 'key:*', count: 11 }));
    expect(new Set(keys).size).toBe(120);
    expect(await collect(redis.scanStream({ type: 'hash' }))).toEqual(['hash:1']);
  });

  test('hscanStream, sscanStream and zscanStream walk big collections', async () => {
    const redis = client(PRIVATE);
    const members = Array.from({ length: 300 }, (_, i) => `m${i}`);
    await redis.hset('h', ...members.flatMap((m) => [m, `v-${m}`]));
    await redis.sadd('s', ...members);
    await redis.zadd('z', ...members.flatMap((m, i) => [i, m]));
    const hashItems = await collect(redis.hscanStream('h', { count: 50 }));
    const fields = new Map();
    for (let i = 0; i < hashItems.length; i += 2) fields.set(hashItems[i], hashItems[i + 1]);
    expect(fields.size).toBe(300);
    expect(fields.get('m7')).toBe('v-m7');
    expect(new Set(await collect(redis.sscanStream('s', { match: 'm1*' })))).toEqual(new Set(members.filter((m) => m.startsWith('m1'))));
    const zsetItems = await collect(redis.zscanStream('z', { count: 40 }));
    expect(zsetItems.length).toBe(600);
    expect(zsetItems[zsetItems.indexOf('m42') + 1]).toBe('42');
  });

  test('a keyPrefix client scans its own keys', async () => {
    const engine = new Engine();
    await client({ engine }).mset('other', 1, 'app:a', 1);
    const prefixed = client({ engine, keyPrefix: 'app:' });
    expect(await collect(prefixed.scanStream({ match: 'app:*' }))).toEqual(['app:a']);
  });
});

describe('defineCommand', () => {
  test('custom Lua commands with keys, arguments, Buffer variants, pipelines', async () => {
    const redis = client(PRIVATE, { keyPrefix: 'ns:' });
    redis.defineCommand('incrTwice', {
      numberOfKeys: 1,
      lua: "redis.call('INCRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[1], ARGV[1])",
    });
    redis.defineCommand('echoKeys', { lua: 'return {KEYS[1], ARGV[1]}' });
    expect(await redis.incrTwice('counter', 5)).toBe(10);
    expect(await redis.echoKeys(1, 'k', 'arg')).toEqual(['ns:k', 'arg']);
    expect(await redis.echoKeysBuffer(1, 'k', 'arg')).toEqual([Buffer.from('ns:k'), Buffer.from('arg')]);
    expect(await redis.pipeline().incrTwice('counter', 1).get('counter').exec()).toEqual([[null, 12], [null, '12']]);
    expect(await redis.multi().incrTwice('counter', 1).exec()).toEqual([[null, 14]]);
  });

  test('runs again after SCRIPT FLUSH (falls back from EVALSHA)', async () => {
    const redis = client(PRIVATE);
    redis.defineCommand('one', { numberOfKeys: 0, lua: 'return 1' });
    expect(await redis.one()).toBe(1);
    await redis.script('FLUSH');
    expect(await redis.one()).toBe(1);
  });

  test('script errors reject with ReplyError', async () => {
    const redis = client(PRIVATE);
    redis.defineCommand('broken', { numberOfKeys: 0, lua: "return redis.call('NOSUCH')" });
    const error = await redis.broken().catch((e) => e);
    expect(error).toBeInstanceOf(ReplyError);
    expect(error.message).toMatch(/Unknown Redis command called from script/);
  });
});

describe('Command, call and callBuffer', () => {
  test('a Command sent with sendCommand', async () => {
    const redis = client(PRIVATE);
    const set = new Redis.Command('set', ['k', 'v'], { replyEncoding: 'utf8' });
    redis.sendCommand(set);
    expect(await set.promise).toBe('OK');
    const get = new Redis.Command('get', ['k']);
    redis.sendCommand(get);
    expect(await get.promise).toEqual(Buffer.from('v'));
  });

  test('call and callBuffer take flat and array arguments and callbacks', async () => {
    const redis = client(PRIVATE);
    expect(await redis.call('RPUSH', ['l', 'a', 'b'])).toBe(2);
    expect(await redis.call('lrange', 'l', 0, -1)).toEqual(['a', 'b']);
    expect(await redis.callBuffer('LPOP', 'l')).toEqual(Buffer.from('a'));
    await new Promise((resolve, reject) => {
      redis.call('llen', 'l', (error, length) => (error ? reject(error) : resolve(expect(length).toBe(1))));
    });
    await expect(redis.call('nosuch')).rejects.toBeInstanceOf(ReplyError);
  });
});

describe('monitor', () => {
  const hasMonitor = engineSupports('monitor');
  const monitorTest = itWhen(hasMonitor, 'the engine does not implement MONITOR yet');

  monitorTest('plain ioredis monitors a served engine', async () => {
    const engine = new Engine();
    const server = new Server(engine, { port: 0, bind: '127.0.0.1' });
    const remote = new IORedis({ port: server.port, host: '127.0.0.1' });
    try {
      const monitor = await remote.monitor();
      const seen = new Promise((resolve) => monitor.on('monitor', (_time, args) => args[0].toLowerCase() === 'set' && resolve(args)));
      await client({ engine }).set('watched', 'value');
      expect(await seen).toEqual(['set', 'watched', 'value']);
      monitor.disconnect();
    } finally {
      remote.disconnect();
      server.stop();
    }
  });

  monitorTest('an embedded client monitors its engine', async () => {
    const redis = client(PRIVATE);
    const monitor = client.track(await redis.monitor());
    const seen = new Promise((resolve) => monitor.on('monitor', (_time, args) => args[0].toLowerCase() === 'set' && resolve(args)));
    await redis.set('watched', 'value');
    expect(await seen).toEqual(['set', 'watched', 'value']);
    await expect(monitor.get('k')).rejects.toThrow("Connection is in monitoring mode, can't process commands.");
  });

});
