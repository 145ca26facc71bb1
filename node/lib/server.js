'use strict';
// Serving an engine to other processes (redis-cli, other services) over TCP or a unix socket.

const native = require('./native');
const { kHandle } = require('./engine');

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

module.exports = { Server };
