'use strict';
// The embedded face: an ioredis-compatible client running commands on an in-process engine.

const { Redis, Engine, ReplyError } = require('vermilion');
const { PRIVATE, disconnectedAfterEach, engineSupports, itWhen, once } = require('./support');

/** A client that is disconnected after each test. */
const client = disconnectedAfterEach(Redis);

describe('string and key commands', () => {
  test('set and get', async () => {
    const r = client(PRIVATE);
    expect(await r.set('k', 'v')).toBe('OK');
    expect(await r.get('k')).toBe('v');
    expect(await r.get('missing')).toBeNull();
  });

  test('numbers are sent as their decimal text', async () => {
    const r = client(PRIVATE);
    await r.set('n', 41);
    expect(await r.incr('n')).toBe(42);
    expect(await r.incrby('n', -2)).toBe(40);
    expect(await r.get('n')).toBe('40');
    expect(await r.incrbyfloat('n', 0.5)).toBe('40.5');
  });

  test('mget, mset, del, exists', async () => {
    const r = client(PRIVATE);
    expect(await r.mset('a', '1', 'b', '2')).toBe('OK');
    expect(await r.mset({ c: '3' })).toBe('OK');
    expect(await r.mget('a', 'b', 'c', 'nope')).toEqual(['1', '2', '3', null]);
    expect(await r.mget(['a', 'c'])).toEqual(['1', '3']);
    expect(await r.exists('a', 'b', 'nope')).toBe(2);
    expect(await r.del('a', 'b')).toBe(2);
    expect(await r.exists('a')).toBe(0);
  });

  test('set options and expiry on a manual clock', async () => {
    const engine = new Engine({}, { manualClock: 1_700_000_000_000 });
    const r = client({ engine });
    expect(await r.set('k', 'v', 'PX', 1000, 'NX')).toBe('OK');
    expect(await r.set('k', 'other', 'NX')).toBeNull();
    expect(await r.pttl('k')).toBe(1000);
    engine.advanceTime(999);
    expect(await r.get('k')).toBe('v');
    engine.advanceTime(1);
    expect(await r.get('k')).toBeNull();
  });

  test('keys, type, rename and scan', async () => {
    const r = client(PRIVATE);
    await r.mset('user:1', 'a', 'user:2', 'b', 'other', 'c');
    expect((await r.keys('user:*')).sort()).toEqual(['user:1', 'user:2']);
    expect(await r.type('user:1')).toBe('string');
    expect(await r.rename('other', 'renamed')).toBe('OK');
    const [cursor, keys] = await r.scan(0, 'MATCH', 'user:*', 'COUNT', 100);
    expect(cursor).toBe('0');
    expect(keys.sort()).toEqual(['user:1', 'user:2']);
  });

  test('scanStream walks every key', async () => {
    const r = client(PRIVATE);
    for (let i = 0; i < 50; i++) await r.set(`key:${i}`, i);
    const seen = new Set();
    for await (const batch of r.scanStream({ match: 'key:*', count: 7 })) batch.forEach((key) => seen.add(key));
    expect(seen.size).toBe(50);
  });
});

describe('Buffer variants', () => {
  test('replies are Buffers, binary-safe both ways', async () => {
    const r = client(PRIVATE);
    const bytes = Buffer.from([0, 255, 13, 10, 128]);
    expect(await r.set(Buffer.from('bin'), bytes)).toBe('OK');
    expect(await r.getBuffer('bin')).toEqual(bytes);
    expect(await r.mgetBuffer('bin', 'none')).toEqual([bytes, null]);
    expect(await r.setBuffer('k', 'v')).toEqual(Buffer.from('OK'));
  });

  test('non-UTF-8 bytes read as strings decode like ioredis', async () => {
    const r = client(PRIVATE);
    await r.set('bin', Buffer.from([0xff, 0x41]));
    expect(await r.get('bin')).toBe(Buffer.from([0xff, 0x41]).toString('utf8'));
  });

  test('call and callBuffer reach any command', async () => {
    const r = client(PRIVATE);
    expect(await r.call('SET', 'k', 'v')).toBe('OK');
    expect(await r.callBuffer('GET', 'k')).toEqual(Buffer.from('v'));
  });
});

describe('direct methods', () => {
  // `showFriendlyErrorStack` sends every command through ioredis's generic path, so the two
  // clients compare the direct methods with what ioredis itself would return.
  test('agree with ioredis\'s path, replies and errors alike', async () => {
    const engine = new Engine();
    const direct = client({ engine, db: 1 });
    const generic = client({ engine, db: 2, showFriendlyErrorStack: true });
    const script = [
      ['set', 'k', 'v'], ['get', 'k'], ['getBuffer', 'k'], ['set', 'k', 'w', 'NX'], ['append', 'k', 'x'],
      ['strlen', 'k'], ['incr', 'k'], ['set', 'n', 10], ['incrby', 'n', 5], ['decr', 'n'],
      ['incrbyfloat', 'n', '1.5'], ['mset', 'a', 1, 'b', 2], ['mget', 'a', 'b', 'c'], ['mgetBuffer', 'a', 'c'],
      ['exists', 'a', 'b', 'c'], ['expire', 'a', 100], ['ttl', 'a'], ['persist', 'a'], ['type', 'a'],
      ['getdel', 'b'], ['del', 'a', 'b', 'k'], ['get'], ['hget', 'h', 'f'],
      ['hset', 'h', 'f', 'v', 'g', 2], ['hkeys', 'h'], ['hvals', 'h'], ['hstrlen', 'h', 'f'], ['hmget', 'h', 'f', 'x'],
      ['rpush', 'l', 'a', 'b', 'c'], ['lpop', 'l'], ['lrange', 'l', 0, -1], ['lindex', 'l', 1], ['llen', 'l'], ['lpop', 'l', 5],
      ['sadd', 's', 'x', 'y'], ['sismember', 's', 'x'], ['scard', 's'], ['srem', 's', 'x'], ['smembers', 's'],
      ['zadd', 'z', 1.5, 'a', 2, 'b'], ['zadd', 'z', 'XX', 'CH', 3, 'a'], ['zscore', 'z', 'a'], ['zincrby', 'z', 0.25, 'b'],
      ['zrange', 'z', 0, -1, 'WITHSCORES'], ['zrevrange', 'z', 0, 0], ['zrangebyscore', 'z', '-inf', '+inf'], ['zrank', 'z', 'b'],
      ['zrevrank', 'z', 'b'], ['zcount', 'z', 2, 3], ['zcard', 'z'], ['zrem', 'z', 'a'], ['zscore', 'z', 'nope'], ['zadd', 'h', 1, 'm'],
    ];
    const outcome = (promise) => promise.then((value) => ['ok', value], (error) => ['error', error.constructor.name, error.message]);
    for (const [method, ...args] of script) {
      expect([method, await outcome(direct[method](...args))]).toEqual([method, await outcome(generic[method](...args))]);
    }
  });
});

describe('callbacks', () => {
  test('node-style callbacks receive the reply', (done) => {
    const r = client(PRIVATE);
    r.set('k', 'v', (setError, ok) => {
      expect(setError).toBeNull();
      expect(ok).toBe('OK');
      r.get('k', (getError, value) => {
        expect(getError).toBeNull();
        expect(value).toBe('v');
        done();
      });
    });
  });

  test('callbacks receive errors', (done) => {
    const r = client(PRIVATE);
    r.set('k', 'v');
    r.incr('k', (error, value) => {
      expect(error).toBeInstanceOf(ReplyError);
      expect(value).toBeUndefined();
      done();
    });
  });
});

describe('pipelines and transactions', () => {
  test('pipeline results are [error, reply] pairs', async () => {
    const r = client(PRIVATE);
    const results = await r.pipeline().set('a', 1).get('a').incr('a').exec();
    expect(results).toEqual([[null, 'OK'], [null, '1'], [null, 2]]);
  });

  test('a failing command fails only its own entry', async () => {
    const r = client(PRIVATE);
    const results = await r.pipeline().set('s', 'x').incr('s').get('s').exec();
    expect(results[0]).toEqual([null, 'OK']);
    expect(results[1][0]).toBeInstanceOf(ReplyError);
    expect(results[1][0].message).toBe('ERR value is not an integer or out of range');
    expect(results[2]).toEqual([null, 'x']);
  });

  test('batch form and Buffer variants in a pipeline', async () => {
    const r = client(PRIVATE);
    const results = await r.pipeline([['set', 'a', 'b'], ['getBuffer', 'a']]).exec();
    expect(results).toEqual([[null, 'OK'], [null, Buffer.from('b')]]);
  });

  itWhen(engineSupports('multi'), 'the engine has no MULTI yet')('multi/exec returns the pipeline shape', async () => {
    const r = client(PRIVATE);
    expect(await r.multi().set('a', 1).incr('a').exec()).toEqual([[null, 'OK'], [null, 2]]);
  });
});

describe('errors', () => {
  test('error replies reject with ReplyError carrying the Redis message', async () => {
    const r = client(PRIVATE);
    await r.set('k', 'v');
    const error = await r.incr('k').catch((e) => e);
    expect(error).toBeInstanceOf(ReplyError);
    expect(error.name).toBe('ReplyError');
    expect(error.message).toBe('ERR value is not an integer or out of range');
    expect(error.command).toEqual({ name: 'incr', args: ['k'] });
  });

  test('arity and unknown-command errors use Redis wording', async () => {
    const r = client(PRIVATE);
    await expect(r.call('get')).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    await expect(r.call('nosuchcommand', 'a')).rejects.toThrow(
      "ERR unknown command 'nosuchcommand', with args beginning with: 'a' ",
    );
  });

  itWhen(engineSupports('lpush'), 'the engine has no list commands yet')('a wrong-type error is a WRONGTYPE ReplyError', async () => {
    const r = client(PRIVATE);
    await r.lpush('list', 'x');
    const error = await r.get('list').catch((e) => e);
    expect(error).toBeInstanceOf(ReplyError);
    expect(error.message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
  });
});

describe('databases and engines', () => {
  test('each new Redis() has its own private engine', async () => {
    const a = client(PRIVATE);
    const b = client(PRIVATE);
    await a.set('k', 'a');
    expect(await b.get('k')).toBeNull();
  });

  test('clients of one engine share data; databases are isolated', async () => {
    const engine = new Engine();
    const db0 = client({ engine });
    const db2 = client({ engine, db: 2 });
    const alsoDb2 = client({ engine, db: 2 });
    await db2.set('k', 'in db2');
    expect(await alsoDb2.get('k')).toBe('in db2');
    expect(await db0.get('k')).toBeNull();
    await db0.select(2);
    expect(await db0.get('k')).toBe('in db2');
    expect(await db0.dbsize()).toBe(1);
  });

  test('duplicate() shares the engine', async () => {
    const r = client(PRIVATE);
    const copy = client.track(r.duplicate());
    await r.set('k', 'v');
    expect(await copy.get('k')).toBe('v');
    expect(copy.engine).toBe(r.engine);
  });

  test('engine options use Redis names and reach CONFIG GET', async () => {
    const engine = new Engine({ maxmemory: '100mb', maxmemoryPolicy: 'allkeys-lru' });
    expect(engine.config('maxmemory')).toBe('104857600');
    expect(engine.config('maxmemory-policy')).toBe('allkeys-lru');
    const r = client({ engine });
    expect(await r.config('GET', 'maxmemory')).toEqual(['maxmemory', '104857600']);
    engine.setConfig('maxmemory', '1mb');
    expect(await r.config('GET', 'maxmemory')).toEqual(['maxmemory', '1048576']);
    expect(() => new Engine({ maxmemory: 'lots' })).toThrow(/maxmemory/);
  });

  test('a password protected engine needs the password option', async () => {
    const engine = new Engine({ requirepass: 'secret' });
    const denied = client({ engine });
    await expect(denied.get('k')).rejects.toThrow('NOAUTH Authentication required.');
    const allowed = client({ engine, password: 'secret' });
    expect(await allowed.set('k', 'v')).toBe('OK');
    const wrong = new Redis({ engine, password: 'guess', lazyConnect: true });
    wrong.on('error', () => {});
    await expect(wrong.connect()).rejects.toBeInstanceOf(ReplyError);
    expect(wrong.status).toBe('end');
  });

  test('nested replies keep their shape', async () => {
    const r = client(PRIVATE);
    const [info] = await r.command('info', 'get');
    expect(info[0]).toBe('get');
    expect(info[1]).toBe(2);
    expect(Array.isArray(info[2])).toBe(true);
  });

  itWhen(engineSupports('zadd'), 'the engine has no sorted sets yet')('doubles read as Redis prints them', async () => {
    const r = client(PRIVATE);
    await r.zadd('z', 1.1, 'm');
    expect(await r.zscore('z', 'm')).toBe('1.1000000000000001');
    expect(await r.zincrby('z', 0.1, 'm')).toBe('1.2000000000000002');
  });

  test('after HELLO 3 replies keep the RESP2 shapes ioredis expects', async () => {
    const r = client(PRIVATE);
    const hello = await r.call('hello', '3');
    expect(hello.slice(0, 4)).toEqual(['server', 'redis', 'version', expect.any(String)]);
    expect(await r.config('GET', 'databases')).toEqual(['databases', '16']);
  });

  test('embedded clients appear in CLIENT LIST with their name', async () => {
    const r = client(PRIVATE, { connectionName: 'worker-1' });
    const list = await r.client('LIST');
    expect(list).toMatch(/addr=node:0 .*name=worker-1/);
    expect(await r.client('GETNAME')).toBe('worker-1');
  });
});

describe('connection lifecycle', () => {
  test('ready, then close and end after quit', async () => {
    const r = new Redis(PRIVATE);
    const events = [];
    for (const event of ['connect', 'ready', 'close', 'end']) r.on(event, () => events.push(event));
    await once(r, 'ready');
    expect(r.status).toBe('ready');
    expect(await r.quit()).toBe('OK');
    await once(r, 'end');
    expect(events).toEqual(['connect', 'ready', 'close', 'end']);
    expect(r.status).toBe('end');
    await expect(r.get('k')).rejects.toThrow('Connection is closed.');
  });

  test('disconnect() ends the client', async () => {
    const r = new Redis(PRIVATE);
    const ended = once(r, 'end');
    r.disconnect();
    await ended;
    await expect(r.set('k', 'v')).rejects.toThrow('Connection is closed.');
  });

  test('disconnect(true) reconnects with a new session on the same engine', async () => {
    const r = client(PRIVATE, { db: 3 });
    await once(r, 'ready');
    await r.set('k', 'v');
    const id = await r.client('ID');
    const events = [];
    for (const event of ['close', 'reconnecting', 'end', 'ready']) r.on(event, () => events.push(event));
    r.disconnect(true);
    await once(r, 'ready');
    expect(events).toEqual(['close', 'reconnecting', 'ready']);
    expect(await r.client('ID')).not.toBe(id);
    expect(await r.get('k')).toBe('v');
  });

  test('lazyConnect connects on the first command', async () => {
    const r = client(PRIVATE, { lazyConnect: true });
    expect(r.status).toBe('wait');
    expect(await r.set('k', 'v')).toBe('OK');
    expect(r.status).toBe('ready');
  });

  test('connect() twice rejects as ioredis does', async () => {
    const r = client(PRIVATE);
    await expect(r.connect()).rejects.toThrow('Redis is already connecting/connected');
  });

  test('a client killed by another client ends', async () => {
    const engine = new Engine();
    const victim = client({ engine });
    const killer = client({ engine });
    const id = await victim.client('ID');
    expect(await killer.client('KILL', 'ID', id)).toBe(1);
    const ended = once(victim, 'end');
    await expect(victim.get('k')).rejects.toThrow('Connection is closed.');
    await ended;
  });

  test('commands from before ready run in order', async () => {
    const r = client(PRIVATE);
    const first = r.set('k', '1');
    const second = r.incr('k');
    expect(await Promise.all([first, second])).toEqual(['OK', 2]);
  });

  test('keyPrefix takes the ioredis path and still applies', async () => {
    const engine = new Engine();
    const prefixed = client({ engine, keyPrefix: 'app:' });
    const plain = client({ engine });
    await prefixed.set('k', 'v');
    expect(await plain.get('app:k')).toBe('v');
    expect(await prefixed.get('k')).toBe('v');
  });
});

describe('hashes', () => {
  const hashes = itWhen(engineSupports('hset'), 'the engine has no hash commands yet');

  hashes('hset and hget', async () => {
    const r = client(PRIVATE);
    expect(await r.hset('h', 'f', 'v', 'g', 'w')).toBe(2);
    expect(await r.hget('h', 'f')).toBe('v');
    expect(await r.hset('h', { x: '1' })).toBe(1);
    expect(await r.hgetall('h')).toEqual({ f: 'v', g: 'w', x: '1' });
  });
});
