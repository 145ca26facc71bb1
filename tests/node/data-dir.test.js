'use strict';
// `vermilion:///path` URLs and Engine.at: an engine persisted in a data directory, one per path
// in the process, owned by one process at a time.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Redis, Engine, Server } = require('vermilion');
const { disconnectedAfterEach } = require('./support');

const client = disconnectedAfterEach(Redis);

let directories = [];
const freshDirectory = () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'vermilion-data-'));
  directories.push(directory);
  return directory;
};
afterAll(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
  directories = [];
});

/** Runs `source` in a fresh Node process with `args`; resolves with its exit code and output. */
function runNode(source, ...args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', source, ...args], {
      cwd: __dirname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the process did not exit within 30s: ${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout.trim(), stderr });
    });
  });
}

/** Opens a data directory by URL, sets `key` to `value`, prints GET of `read`, and exits. */
const WRITE_AND_READ = `
  const { Redis } = require('vermilion');
  const [url, key, value, read] = process.argv.slice(1);
  (async () => {
    const r = new Redis(url);
    if (key) await r.set(key, value);
    console.log(await r.get(read));
    await r.quit();
  })().catch((error) => { console.log(error.message); process.exitCode = 3; });
`;

test('a vermilion:///path URL opens one persistent engine per directory', async () => {
  const directory = freshDirectory();
  const redis = client(`vermilion://${directory}/data?appendonly=yes`);
  await redis.set('k', 'v');
  const engine = redis.engine;
  expect(engine).toBe(Engine.at(path.join(directory, 'data')));
  expect(engine.dataDir).toBe(path.join(directory, 'data'));
  expect(engine.config('dir')).toBe(path.join(directory, 'data'));
  expect(engine.config('appendonly')).toBe('yes');
  expect(await client(`vermilion://${directory}/data`).get('k')).toBe('v');
  expect(fs.existsSync(path.join(directory, 'data', 'vermilion.lock'))).toBe(true);
});

test('the data outlives the process and reaches the next one', async () => {
  const url = `vermilion://${freshDirectory()}?appendonly=yes`;
  const first = await runNode(WRITE_AND_READ, url, 'greeting', 'hello', 'greeting');
  expect(first).toMatchObject({ code: 0, stdout: 'hello' });
  const second = await runNode(WRITE_AND_READ, url, '', '', 'greeting');
  expect(second).toMatchObject({ code: 0, stdout: 'hello' });
});

test('a directory another process holds is refused with the lock error', async () => {
  const directory = freshDirectory();
  await client(`vermilion://${directory}`).set('k', 'mine');
  const other = await runNode(WRITE_AND_READ, `vermilion://${directory}`, '', '', 'k');
  expect(other.code).toBe(3);
  expect(other.stdout).toMatch(/is in use by another Vermilion engine/);
});

test('a directory another process owns and serves is reached over its published address', async () => {
  const directory = freshDirectory();
  const owner = client(`vermilion://${directory}`);
  await owner.set('k', 'from the owner');
  const socket = path.join(directory, 'vermilion.sock');
  const server = new Server(owner.engine, { bind: [], port: 0, unixsocket: socket });
  try {
    const other = await runNode(WRITE_AND_READ, `vermilion://${directory}`, 'visitor', 'from another process', 'k');
    expect(other).toMatchObject({ code: 0, stdout: 'from the owner' });
    expect(await owner.get('visitor')).toBe('from another process');
  } finally {
    server.stop();
  }
});

test('Engine.at takes only a path', () => {
  expect(() => Engine.at('')).toThrow(TypeError);
});

test('serving an engine of a data directory records where, for other processes', () => {
  const directory = freshDirectory();
  const engine = Engine.at(directory);
  const record = path.join(directory, 'vermilion.served');
  const socket = path.join(directory, 'vermilion.sock');
  const server = new Server(engine, { bind: [], port: 0, unixsocket: socket });
  try {
    expect(fs.readFileSync(record, 'utf8')).toBe(`unix://${socket}\n`);
  } finally {
    server.stop();
  }
  expect(fs.existsSync(record)).toBe(false);
});

test('worker threads opening the same directory share its engine', async () => {
  const { Worker } = require('node:worker_threads');
  const directory = freshDirectory();
  await client(`vermilion://${directory}`).set('k', 'from main');
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { Redis } = require(workerData.vermilion);
    const r = new Redis('vermilion://' + workerData.directory);
    r.get('k').then(async (value) => {
      await r.set('w', 'from worker');
      parentPort.postMessage(value);
      await r.quit();
    });
  `;
  const worker = new Worker(source, { eval: true, workerData: { vermilion: require.resolve('vermilion'), directory } });
  const seen = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await new Promise((resolve) => worker.once('exit', resolve));
  expect(seen).toBe('from main');
  expect(await client(`vermilion://${directory}`).get('w')).toBe('from worker');
});
