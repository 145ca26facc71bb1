'use strict';
// One named engine shared by several worker_threads in one process.

const { spawn } = require('node:child_process');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { Redis, Engine } = require('vermilion');
const { once } = require('./support');

const vermilionPath = require.resolve('vermilion');
const workerScript = path.join(__dirname, 'fixtures', 'engine-worker.js');

let nameCount = 0;
const uniqueName = () => `workers-${process.pid}-${++nameCount}`;

/** Runs a worker on the engine `name`; resolves with its messages once it has exited. */
function runWorker(workerData) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript, { workerData: { vermilion: vermilionPath, ...workerData } });
    const messages = [];
    worker.on('message', (message) => messages.push(message));
    worker.on('error', reject);
    worker.on('exit', (code) => resolve({ code, messages, worker }));
  });
}

test('workers and the main thread see the same data', async () => {
  const name = uniqueName();
  const main = new Redis({ engineName: name });
  await main.set('from:main', 'hello');
  const results = await Promise.all([1, 2, 3].map((id) => runWorker({ name, id, increments: 500 })));
  for (const { code, messages } of results) {
    expect(code).toBe(0);
    expect(messages).toEqual([expect.objectContaining({ sawMain: 'hello', sameEngine: true })]);
  }
  // Every increment of every thread counted once: commands are atomic across threads.
  expect(await main.get('counter')).toBe('1500');
  expect(await main.mget('from:1', 'from:2', 'from:3')).toEqual(['1', '2', '3']);
  main.disconnect();
});

test('a named engine outlives the workers that opened it', async () => {
  const name = uniqueName();
  const { code } = await runWorker({ name, id: 1, increments: 1 });
  expect(code).toBe(0);
  const later = new Redis({ engineName: name });
  expect(await later.get('from:1')).toBe('1');
  later.disconnect();
});

test('a worker ending with open clients (subscriber, blocked BLPOP) crashes nothing', async () => {
  const name = uniqueName();
  const main = new Redis({ engineName: name });
  for (const leaveOpen of ['exit', 'terminate']) {
    const worker = new Worker(workerScript, {
      workerData: { vermilion: vermilionPath, name, id: leaveOpen, increments: 1, leaveOpen },
    });
    const exited = once(worker, 'exit');
    expect(await once(worker, 'message')).toMatchObject({ sawMain: null, listening: true });
    if (leaveOpen === 'terminate') await worker.terminate();
    await exited;
    // Messages to the gone subscriber and pushes for the gone BLPOP go nowhere, harmlessly.
    expect(await main.publish('news', 'anyone?')).toBe(0);
    expect(await main.rpush('queue', 'job')).toBe(1);
    expect(await main.lpop('queue')).toBe('job');
  }
  main.disconnect();
});

test('the process exits cleanly after workers used a named engine', async () => {
  const source = `
    const { Worker } = require('node:worker_threads');
    const { Redis } = require(${JSON.stringify(vermilionPath)});
    const script = ${JSON.stringify(workerScript)};
    (async () => {
      const main = new Redis({ engineName: 'exit-test' });
      await main.set('from:main', 'x');
      const run = (workerData) => new Promise((resolve) => {
        new Worker(script, { workerData: { vermilion: ${JSON.stringify(vermilionPath)}, name: 'exit-test', ...workerData } })
          .on('exit', resolve);
      });
      await Promise.all([run({ id: 1, increments: 10 }), run({ id: 2, increments: 10 })]);
      const stuck = new Worker(script, { workerData: { vermilion: ${JSON.stringify(vermilionPath)}, name: 'exit-test', id: 3, increments: 1, leaveOpen: 'terminate' } });
      await new Promise((resolve) => stuck.once('message', resolve));
      await stuck.terminate();
      if (await main.get('counter') !== '21') process.exit(3);
      await main.quit();
    })();
  `;
  const code = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the process did not exit within 20s'));
    }, 20_000);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve(signal ?? exitCode);
    });
  });
  expect(code).toBe(0);
}, 30_000);

test('Engine.named is one engine per name within a thread too', () => {
  const name = uniqueName();
  expect(Engine.named(name)).toBe(Engine.named(name));
  expect(Engine.named(name)).not.toBe(Engine.named(`${name}-other`));
});
