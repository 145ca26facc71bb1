'use strict';
// The served face: an in-process engine shared with other processes over TCP.

const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const IORedis = require('ioredis');
const { Redis, Engine, Server } = require('vermilion');
const { itWhen, onPath } = require('./support');

const run = promisify(execFile);

describe('Server', () => {
  let engine;
  let server;
  let embedded;
  let remote;

  beforeEach(async () => {
    engine = new Engine();
    server = new Server(engine, { port: 0, bind: '127.0.0.1' });
    embedded = new Redis({ engine });
    remote = new IORedis({ port: server.port, host: '127.0.0.1' });
  });

  afterEach(async () => {
    embedded.disconnect();
    await remote.quit().catch(() => remote.disconnect());
    server.stop();
  });

  test('serves on the port it picked', () => {
    expect(server.port).toBeGreaterThan(0);
  });

  test('a plain ioredis client sees the embedded data, and the other way round', async () => {
    await embedded.set('from-node', 'embedded');
    expect(await remote.get('from-node')).toBe('embedded');
    expect(await remote.set('from-wire', 'tcp')).toBe('OK');
    expect(await embedded.get('from-wire')).toBe('tcp');
    expect(await remote.incr('counter')).toBe(1);
    expect(await embedded.incr('counter')).toBe(2);
  });

  test('pipelines and errors over the wire match the embedded face', async () => {
    await embedded.set('s', 'x');
    const overWire = await remote.pipeline().get('s').incr('s').exec();
    const inProcess = await embedded.pipeline().get('s').incr('s').exec();
    expect(overWire[0]).toEqual(inProcess[0]);
    expect(overWire[1][0].message).toBe(inProcess[1][0].message);
  });

  test('vermilion.Redis given a port is a plain network client', async () => {
    const client = new Redis({ port: server.port, host: '127.0.0.1' });
    try {
      expect(client.engine).toBeUndefined();
      await embedded.set('k', 'v');
      expect(await client.get('k')).toBe('v');
    } finally {
      await client.quit();
    }
  });

  test('both faces show in CLIENT LIST', async () => {
    const list = await remote.client('LIST');
    expect(list).toMatch(/addr=node:0/);
    expect(list).toMatch(/addr=127\.0\.0\.1:\d+/);
  });

  itWhen(onPath('redis-cli'), 'redis-cli is not on PATH')('redis-cli reads and writes the same data', async () => {
    await embedded.set('greeting', 'hello');
    const port = String(server.port);
    const { stdout: value } = await run('redis-cli', ['-h', '127.0.0.1', '-p', port, 'GET', 'greeting']);
    expect(value.trim()).toBe('hello');
    await run('redis-cli', ['-h', '127.0.0.1', '-p', port, 'SET', 'from-cli', '42']);
    expect(await embedded.get('from-cli')).toBe('42');
  });

  test('stop() closes the port; the engine keeps its data', async () => {
    await embedded.set('k', 'v');
    const { port } = server;
    server.stop();
    const late = new IORedis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    late.on('error', () => {});
    await expect(late.connect()).rejects.toThrow(/ECONNREFUSED|Connection is closed/);
    late.disconnect();
    expect(await embedded.get('k')).toBe('v');
  });
});
