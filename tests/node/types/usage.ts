// Compile-only check of index.d.ts: `npx tsc -p tests/node/types` must succeed.
import Redis, { Engine, Redis as NamedRedis, ReplyError, Server } from 'vermilion';

async function usage(): Promise<void> {
  const engine = new Engine({ maxmemory: '100mb', maxmemoryPolicy: 'allkeys-lru', databases: 4 }, { manualClock: 0 });
  const redis: NamedRedis = new Redis({ engine, db: 2 });
  const value: string | null = await redis.get('k');
  const bytes: Buffer | null = await redis.getBuffer('k');
  const count: number = await redis.incr('n');
  const results = await redis.pipeline().set('a', 1).get('a').exec();
  redis.get('k', (error, reply) => void [error, reply]);
  const remote = new Redis(6379, 'localhost');
  const copy: Redis = redis.duplicate({ db: 3 });
  const server = new Server(engine, { port: 0, bind: ['127.0.0.1'] }).unref();
  const port: number = server.port;
  const setting: string | null = engine.config('maxmemory');
  engine.setConfig('maxmemory', 1024);
  engine.advanceTime(10);
  server.stop();
  await Promise.all([redis.quit(), remote.quit(), copy.quit()]);
  void [value, bytes, count, results, port, setting, ReplyError, redis.engine];
}

void usage;

import RedisMock = require('vermilion/mock');

async function namedEngines(): Promise<void> {
  const cache: Engine = Engine.named('cache', { maxmemory: '10mb' });
  const name: string | undefined = cache.name;
  const byName = new Redis({ engineName: 'cache', db: 1 });
  const byUrl = new Redis('vermilion://cache?db=2', { keyPrefix: 'app:' });
  await Promise.all([byName.quit(), byUrl.quit()]);
  void name;
}

async function mock(): Promise<void> {
  const redis = new RedisMock({ data: { name: 'ada', list: ['a'], tags: new Set(['x']), user: { id: '1' } }, manualClock: 0 });
  const other = new RedisMock(6380, 'localhost');
  const fromUrl = new RedisMock('redis://localhost:6381');
  const advanced: boolean = redis.advanceTime(1000);
  const copy: RedisMock = redis.duplicate({ db: 1 });
  const engine: Engine = redis.engine;
  const cluster = new RedisMock.Cluster([{ host: 'localhost', port: 7000 }]);
  await cluster.get('k');
  const value: string | null = await other.get('k');
  const command = new RedisMock.Command('get', ['k']);
  void [advanced, copy, engine, cluster, value, command, fromUrl, RedisMock.ReplyError, RedisMock.default, RedisMock.Redis];
}

void namedEngines;
void mock;
