'use strict';
// Node must exit on its own once clients quit and servers stop: no handle may linger.

const { spawn } = require('node:child_process');
const path = require('node:path');

const vermilionPath = require.resolve('vermilion');

/** Runs `source` in a fresh Node process; resolves with its exit code, or rejects after `ms`. */
function runScript(source, ms = 10_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'inherit', 'inherit'], cwd: path.dirname(vermilionPath) });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit within ${ms}ms`));
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test('exits after embedded clients quit', async () => {
  const code = await runScript(`
    const { Redis } = require(${JSON.stringify(vermilionPath)});
    (async () => {
      const r = new Redis('vermilion://');
      await r.set('k', 'v');
      if (await r.get('k') !== 'v') process.exit(2);
      await r.quit();
    })();
  `);
  expect(code).toBe(0);
});

test('exits after a server is stopped and its network client quits', async () => {
  const code = await runScript(`
    const IORedis = require(${JSON.stringify(require.resolve('ioredis'))});
    const { Engine, Server } = require(${JSON.stringify(vermilionPath)});
    (async () => {
      const engine = new Engine();
      const server = new Server(engine, { port: 0, bind: '127.0.0.1' });
      const client = new IORedis({ port: server.port, host: '127.0.0.1' });
      await client.set('k', 'v');
      await client.quit();
      server.stop();
    })();
  `);
  expect(code).toBe(0);
});

test('a running server keeps the process alive until stopped', async () => {
  const code = await runScript(`
    const { Engine, Server } = require(${JSON.stringify(vermilionPath)});
    const server = new Server(new Engine(), { port: 0, bind: '127.0.0.1' });
    // Only the server can hold the loop open: this timer is unref'd.
    process.exitCode = 4;
    setTimeout(() => {
      server.stop();
      process.exitCode = 0;
    }, 200).unref();
  `);
  expect(code).toBe(0);
});

test('an unref()d server lets the process exit', async () => {
  const code = await runScript(`
    const { Engine, Server } = require(${JSON.stringify(vermilionPath)});
    new Server(new Engine(), { port: 0, bind: '127.0.0.1' }).unref();
  `);
  expect(code).toBe(0);
});

test.each([['quit', 'await sub.quit();'], ['disconnect', 'sub.disconnect();']])(
  'exits after an embedded subscriber %ss',
  async (_name, end) => {
    const code = await runScript(`
      const { Redis, Engine } = require(${JSON.stringify(vermilionPath)});
      (async () => {
        const engine = new Engine();
        const sub = new Redis({ engine });
        const pub = new Redis({ engine });
        await sub.subscribe('news');
        const received = new Promise((resolve) => sub.once('message', resolve));
        await pub.publish('news', 'hello');
        await received;
        ${end}
        await pub.quit();
      })();
    `);
    expect(code).toBe(0);
  },
);
