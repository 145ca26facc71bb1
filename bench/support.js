'use strict';
// What the Node benchmarks share: loading the packages of this checkout, and a throwaway
// redis-server to compare against.

const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** A package as this checkout installs it (`npm install ./node` brings ioredis and friends). */
const requireFromRoot = (name) => require(require.resolve(name, { paths: [root, path.join(root, 'node')] }));

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/**
 * Starts a redis-server on a free port (no persistence) and waits until it answers; `null`
 * when redis-server is not on PATH. Returns its port, a connected ioredis client, and `stop`.
 */
async function startRedisServer() {
  if (spawnSync('redis-server', ['--version']).error) return null;
  const IORedis = requireFromRoot('ioredis');
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const client = new IORedis({ port, host: '127.0.0.1', retryStrategy: () => 50 });
  // Refused connections are expected until the server is up.
  client.on('error', () => {});
  const deadline = Date.now() + 10_000;
  while ((await client.ping().catch(() => null)) !== 'PONG') {
    if (Date.now() > deadline) throw new Error('redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { port, client, stop: () => { client.disconnect(); child.kill(); } };
}

module.exports = { root, requireFromRoot, freePort, startRedisServer };
