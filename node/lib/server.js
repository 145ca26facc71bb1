'use strict';
// Serving an engine to other processes (redis-cli, other services) over TCP or a unix socket.

const fs = require('node:fs');
const path = require('node:path');
const native = require('./native');
const { kHandle } = require('./engine');

/**
 * Where an engine of a data directory (Engine.at) records the addresses it is served on, one a
 * line, for other processes opening the directory (Python's `vermilion.Redis(dir=...)` connects
 * there instead of failing on the directory's lock).
 */
const SERVED_FILE = 'vermilion.served';

class Server {
  /**
   * Starts serving `engine`; returns once listening. Options default to the engine's own `port`,
   * `bind` and `unixsocket` settings; `port: 0` picks a free port (read it from `server.port`).
   */
  constructor(engine, { port, bind, unixsocket } = {}) {
    const listen = {
      port: port ?? Number(engine.config('port')),
      bind: bind === undefined ? engine.config('bind').split(' ').filter(Boolean) : [bind].flat(),
      unixsocket: unixsocket ?? (engine.config('unixsocket') || undefined),
    };
    this.engine = engine;
    this.handle = native.serve(engine[kHandle], listen.bind, listen.port, listen.unixsocket);
    this.published = engine.dataDir === undefined ? null : publish(engine.dataDir, addresses(listen, this.port));
    // The server runs on native threads, which Node's event loop cannot see. Like a net.Server,
    // it keeps the process alive until stopped (or unref'd); this timer is what the loop sees.
    this.keepAlive = setInterval(() => {}, 2 ** 31 - 1);
  }

  /** The TCP port being served (the chosen one when started with `port: 0`). */
  get port() {
    return native.serverPort(this.handle);
  }

  /** Stops listening and closes every connection; the engine and its data stay. */
  stop() {
    clearInterval(this.keepAlive);
    if (this.published !== null) {
      withdraw(this.engine.dataDir, this.published);
      this.published = null;
    }
    native.serverStop(this.handle);
  }

  /** Lets the process exit while the server is still running. */
  unref() {
    this.keepAlive.unref();
    return this;
  }

  ref() {
    this.keepAlive.ref();
    return this;
  }
}

/** `unix:///path` and `redis://host:port` for what a server listens on. */
function addresses({ bind, unixsocket }, port) {
  const found = [];
  if (unixsocket) found.push(`unix://${path.resolve(unixsocket)}`);
  if (bind.length > 0 && port) {
    const wildcard = { '*': '127.0.0.1', '0.0.0.0': '127.0.0.1', '::': '::1', '::*': '::1' };
    let host = bind[0].replace(/^-/, '');
    host = wildcard[host] ?? host;
    found.push(host.includes(':') ? `redis://[${host}]:${port}` : `redis://${host}:${port}`);
  }
  return found;
}

/** Replaces the record atomically, so a reader never sees half of it; returns its text. */
function publish(directory, found) {
  const text = found.map((address) => `${address}\n`).join('');
  const file = path.join(directory, SERVED_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
  return text;
}

/** The first address the owner of `directory` published, or undefined when it serves nowhere. */
function servedAddress(directory) {
  let record;
  try {
    record = fs.readFileSync(path.join(path.resolve(directory), SERVED_FILE), 'utf8');
  } catch {
    return undefined;
  }
  return record.split('\n').map((line) => line.trim()).find(Boolean);
}

/** Removes the record if it is still this server's (another may have published since). */
function withdraw(directory, text) {
  const file = path.join(directory, SERVED_FILE);
  try {
    if (fs.readFileSync(file, 'utf8') === text) fs.unlinkSync(file);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
}

module.exports = { Server, servedAddress };
