'use strict';
// vermilion/mock as a drop-in for ioredis in a test suite, the way ioredis-mock is used.

jest.mock('ioredis', () => require('vermilion/mock'));

const Redis = require('ioredis');
const { SessionStore } = require('./fixtures/session-store');
const { once } = require('./support');

/** Clients made by a test, disconnected after it. */
const clients = [];
afterEach(() => {
  for (const redis of clients.splice(0)) redis.disconnect();
});
const track = (redis) => {
  clients.push(redis);
  return redis;
};
const client = (...args) => track(new Redis(...args));

/** Where an optional BullMQ install is (its own directory, or BULLMQ_DIR). */
function findBullMQ() {
  try {
    return require.resolve('bullmq', { paths: [__dirname, process.env.BULLMQ_DIR].filter(Boolean) });
  } catch {
    return null;
  }
}

describe('the module replaces ioredis', () => {
  test('ioredis\'s export shapes', () => {
    expect(Redis.Redis).toBe(Redis);
    expect(Redis.default).toBe(Redis);
    expect(typeof Redis.Command).toBe('function');
    expect(typeof Redis.Cluster).toBe('function');
    expect(new Redis.ReplyError('x')).toBeInstanceOf(Error);
    expect(jest.requireActual('ioredis')).not.toBe(Redis);
  });

  test('code written for ioredis runs unchanged', async () => {
    const store = new SessionStore();
    const other = new SessionStore({ host: 'localhost', port: 6379 });
    const logouts = [];
    const subscriber = track(await other.onLogout((id) => logouts.push(id)));
    await store.save('abc', { user: 'ada', role: 'admin' }, 60);
    expect(await other.load('abc')).toEqual({ user: 'ada', role: 'admin' });
    expect(await other.redis.ttl('session:abc')).toBe(60);
    const delivered = once(subscriber, 'message');
    await store.logout('abc');
    await delivered;
    expect(logouts).toEqual(['abc']);
    expect(await other.load('abc')).toBeNull();
    await Promise.all([store.close(), other.close()]);
  });
});

describe('data is shared per address, as in ioredis-mock', () => {
  beforeEach(async () => {
    await client().flushall();
  });

  test('default, explicit and URL forms of one address share an engine', async () => {
    const forms = [client(), client(6379), client(6379, 'localhost'), client('redis://localhost:6379'), client({ port: 6379 })];
    await forms[0].set('k', 'v');
    for (const redis of forms) expect(await redis.get('k')).toBe('v');
    expect(new Set(forms.map((redis) => redis.engine)).size).toBe(1);
  });

  test('another host or port is another engine; databases are separate', async () => {
    await client().set('k', 'default');
    expect(await client(6380).get('k')).toBeNull();
    expect(await client({ host: 'other.test' }).get('k')).toBeNull();
    expect(await client({ db: 1 }).get('k')).toBeNull();
    expect(await client('redis://localhost:6379/0').get('k')).toBe('default');
  });

  test('duplicate() shares the engine and keeps the options', async () => {
    const redis = client({ port: 6390, db: 2 });
    const copy = track(redis.duplicate());
    await redis.set('k', 'v');
    expect(await copy.get('k')).toBe('v');
    expect(copy.options.db).toBe(2);
  });

  test('ioredis-mock\'s data option seeds keys of every type', async () => {
    const redis = client({
      port: 6391,
      keyPrefix: 'app:',
      data: { name: 'ada', list: ['a', 'b'], tags: new Set(['x']), ranks: new Map([['m', 2]]), user: { id: '1' } },
    });
    expect(await redis.get('name')).toBe('ada');
    expect(await redis.lrange('list', 0, -1)).toEqual(['a', 'b']);
    expect(await redis.smembers('tags')).toEqual(['x']);
    expect(await redis.zscore('ranks', 'm')).toBe('2');
    expect(await redis.hgetall('user')).toEqual({ id: '1' });
    expect(await client(6391).exists('app:name')).toBe(1);
  });

  test('*Buffer variants', async () => {
    const redis = client();
    const bytes = Buffer.from([0, 0xff, 0x10]);
    await redis.set('bin', bytes);
    await redis.hset('h', 'f', bytes);
    expect(await redis.getBuffer('bin')).toEqual(bytes);
    expect(await redis.hgetBuffer('h', 'f')).toEqual(bytes);
    expect(await redis.hgetallBuffer('h')).toEqual({ f: bytes });
    expect(await redis.lrangeBuffer('nothing', 0, -1)).toEqual([]);
  });

  test('Cluster clients share the engine of their first node', async () => {
    await client(7000).set('k', 'from node');
    const cluster = track(new Redis.Cluster([{ host: 'localhost', port: 7000 }]));
    expect(await cluster.get('k')).toBe('from node');
    expect(cluster.nodes()).toEqual([cluster]);
  });
});

describe('a manual clock', () => {
  test('advanceTime moves expiry without sleeping', async () => {
    const redis = client({ port: 6400, manualClock: Date.UTC(2030, 0, 1) });
    await redis.set('k', 'v', 'EX', 10);
    expect(redis.advanceTime(9_999)).toBe(true);
    expect(await redis.pttl('k')).toBe(1);
    redis.advanceTime(1);
    expect(await redis.get('k')).toBeNull();
    expect(Number(await redis.time().then(([seconds]) => seconds))).toBe(Date.UTC(2030, 0, 1) / 1000 + 10);
  });

  test('an address opened on the system clock cannot be advanced', () => {
    expect(client(6401).advanceTime(1000)).toBe(false);
  });
});

describe('what frameworks call at start-up', () => {
  test('CLIENT SETNAME/GETNAME/LIST/INFO, INFO, WAIT', async () => {
    const redis = client({ connectionName: 'bull:queue' });
    expect(await redis.client('GETNAME')).toBe('bull:queue');
    expect(await redis.client('SETNAME', 'bull:renamed')).toBe('OK');
    expect(await redis.client('LIST')).toMatch(/name=bull:renamed/);
    expect(await redis.client('INFO')).toMatch(/name=bull:renamed/);
    const info = await redis.info();
    expect(info).toMatch(/^redis_version:7\./m);
    expect(info).toMatch(/^maxmemory_policy:noeviction/m);
    expect(await redis.wait(0, 0)).toBe(0);
  });

  // The sequence BullMQ runs (RedisConnection.init, Worker.run): refuses a client without
  // `maxRetriesPerRequest: null` for blocking work, waits for `ready`, checks the server version
  // and eviction policy from INFO, names its connections, loads its Lua commands with
  // defineCommand, and blocks on BZPOPMIN in a duplicate.
  test('a BullMQ-style start-up sequence', async () => {
    const connection = client({ maxRetriesPerRequest: null });
    expect(connection.options.maxRetriesPerRequest).toBeNull();
    if (connection.status !== 'ready') await once(connection, 'ready');
    const info = await connection.info();
    const version = /redis_version:([\d.]+)/.exec(info)[1];
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(5);
    expect(/maxmemory_policy:(\S+)/.exec(info)[1]).toBe('noeviction');
    await connection.client('SETNAME', 'bull:cXVldWU=');
    connection.defineCommand('addJob', {
      numberOfKeys: 2,
      lua: `
        local id = redis.call('INCR', KEYS[1])
        redis.call('HSET', KEYS[2] .. ':' .. id, 'name', ARGV[1], 'data', ARGV[2])
        redis.call('ZADD', KEYS[2] .. ':wait', ARGV[3], id)
        return id`,
    });
    const blocking = track(connection.duplicate({ connectionName: 'bull:worker' }));
    const waiting = blocking.bzpopmin('bull:queue:wait', 5);
    expect(await connection.addJob('bull:queue:id', 'bull:queue', 'email', '{"to":"ada"}', 1)).toBe(1);
    expect(await waiting).toEqual(['bull:queue:wait', '1', '1']);
    expect(await blocking.hgetall('bull:queue:1')).toEqual({ name: 'email', data: '{"to":"ada"}' });
    expect(await connection.client('LIST')).toMatch(/name=bull:worker/);
  });

  const bullmq = findBullMQ();
  (bullmq ? test : test.skip)(`BullMQ itself runs a job${bullmq ? '' : ' (skipped: bullmq is not installed; set BULLMQ_DIR)'}`, async () => {
    const { Queue, Worker } = require(bullmq);
    const connection = client({ port: 6500, maxRetriesPerRequest: null });
    const queue = new Queue('jobs', { connection });
    const worker = new Worker('jobs', async (job) => job.data.x * 2, { connection });
    try {
      const completed = new Promise((resolve, reject) => {
        worker.on('completed', (_job, result) => resolve(result));
        worker.on('failed', (_job, error) => reject(error));
      });
      await queue.add('double', { x: 21 });
      expect(await completed).toBe(42);
      expect(await queue.getJobCounts('completed')).toEqual({ completed: 1 });
    } finally {
      await worker.close();
      await queue.close();
    }
  }, 20_000);
});
