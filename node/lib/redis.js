'use strict';
// An ioredis client whose transport is a direct call into an in-process engine.
//
// ioredis supplies everything users see: command methods and their Buffer variants, argument and
// reply transformers (`hgetall` → object), pipelines, transactions, scan streams, callbacks,
// events. Only the transport changes: `sendCommand` runs the command on the engine right away, on
// this thread, and settles the command's promise with the reply, with no socket and no RESP in
// between.
//
// Which one a client is follows from its arguments alone: an `engine` or `engineName` option, or
// a `vermilion://` URL, selects an in-process engine; every other form (`new Redis()`, a port, a
// host, a `redis://` URL) is plain ioredis, connecting over the network exactly as ioredis does.

// ioredis's modules are reached by path, not through the package's entry point, so that tests
// replacing `ioredis` with this package (`jest.mock('ioredis', ...)`) do not replace our base.
const IORedis = require('ioredis/built/Redis').default;
const Command = require('ioredis/built/Command').default;
const DataHandler = require('ioredis/built/DataHandler').default;
const { ReplyError } = require('redis-errors');
const native = require('./native');
const { Engine, kHandle } = require('./engine');
const { parseEngineUrl, isEngineUrl, networkOptions } = require('./url');
const { nodeify, isThenable } = require('./nodeify');
const { installFastCommands, allowsFastCommands } = require('./fast-commands');

native.registerJsHelpers(ReplyError, (...items) => items);

// ioredis's own wording, which callers match on.
const CONNECTION_CLOSED = 'Connection is closed.';
const ALREADY_CONNECTED = 'Redis is already connecting/connected';
const SUBSCRIBER_MODE = 'Connection in subscriber mode, only subscriber commands may be used';
const MONITOR_MODE = "Connection is in monitoring mode, can't process commands.";

/** Per-instance state of an embedded client; absent on a client of a remote server. */
const kEmbedded = Symbol('vermilion.embedded');

const noop = () => {};

class Redis extends IORedis {
  /**
   * `new Redis({ engine })`, `new Redis({ engineName: 'cache' })` and
   * `new Redis('vermilion://cache?db=2')` run on an in-process engine (`vermilion://` alone opens
   * a private one). Every other form — `new Redis()`, `new Redis(port, host)`,
   * `new Redis('redis://...')`, sentinels — is a network client, as in ioredis.
   */
  constructor(...args) {
    const embedded = embeddedOptions(args);
    if (!embedded) {
      super(...args);
      return;
    }
    if (embedded.servedAt !== undefined) {
      // The data directory belongs to another process, which serves it: connect there.
      super(...networkOptions(embedded.servedAt, embedded));
      return;
    }
    const { engine } = embedded;
    // ioredis would connect from inside its constructor, before this instance has its state;
    // it connects below instead, honouring the caller's `lazyConnect`.
    super({ ...embedded, lazyConnect: true });
    const lazyConnect = Boolean(embedded.lazyConnect);
    this.options.lazyConnect = lazyConnect;
    this[kEmbedded] = {
      engine, session: null, execute: null, call: null, callStrings: null, socket: null, fast: allowsFastCommands(this.options), blocked: false, queue: [], handler: null,
    };
    if (!lazyConnect) this.connect().catch(noop);
  }

  /** The engine this client runs on, or `undefined` for a client of a remote server. */
  get engine() {
    return this[kEmbedded]?.engine;
  }

  connect(callback) {
    const state = this[kEmbedded];
    if (!state) return super.connect(callback);
    return nodeify(openSession(this, state), callback);
  }

  disconnect(reconnect = false) {
    const state = this[kEmbedded];
    if (!state) return super.disconnect(reconnect);
    closeSession(this, state, { reconnecting: reconnect });
    if (reconnect) openSession(this, state).catch(noop);
  }

  /** A new client with the same options; an embedded one shares this client's engine. */
  duplicate(override) {
    return new this.constructor({ ...this.options, ...override });
  }

  /** @ignore Runs an ioredis `Command` on the engine and settles it with the reply. */
  sendCommand(command, stream) {
    const state = this[kEmbedded];
    if (!state) return super.sendCommand(command, stream);
    if (this.status === 'wait') this.connect().catch(noop);
    if (this.status === 'end') {
      command.reject(new Error(CONNECTION_CLOSED));
      return command.promise;
    }
    if (this.status === 'monitoring' && !Command.checkFlag('VALID_IN_MONITOR_MODE', command.name)) {
      command.reject(new Error(MONITOR_MODE));
      return command.promise;
    }
    if (this.condition?.subscriber && !Command.checkFlag('VALID_IN_SUBSCRIBER_MODE', command.name)) {
      command.reject(new Error(SUBSCRIBER_MODE));
      return command.promise;
    }
    if (state.blocked) {
      // Like a connection waiting on BLPOP: later commands run once it is answered.
      state.queue.push(command);
      return command.promise;
    }
    if (this.condition?.subscriber || Command.checkFlag('ENTER_SUBSCRIBER_MODE', command.name)) {
      runAsSubscriber(this, state, command);
      return command.promise;
    }
    if (command.toWritable !== Command.prototype.toWritable) {
      // A command that rewrites itself as it is written to a socket: ioredis's scripts send
      // EVAL the first time on a connection and EVALSHA after. The session is their socket.
      command.toWritable(state.socket);
    }
    const reply = state.execute(command.name, command.args, command.replyEncoding !== 'utf8');
    if (isThenable(reply)) {
      // A blocking command parked in the engine; the event loop keeps running meanwhile.
      state.blocked = true;
      reply.then((value) => {
        state.blocked = false;
        if (state.session === null) command.reject(new Error(CONNECTION_CLOSED));
        else settle(this, state, command, value);
        drainQueue(this, state);
      });
      return command.promise;
    }
    settle(this, state, command, reply);
    return command.promise;
  }
}

/** Settles an ioredis command with the engine's reply. */
function settle(redis, state, command, reply) {
  if (reply === undefined) {
    // Killed by another client (CLIENT KILL): the command never ran.
    closeSession(redis, state);
    command.reject(new Error(CONNECTION_CLOSED));
  } else if (reply instanceof ReplyError) {
    reply.command = { name: command.name, args: command.args };
    command.reject(reply);
  } else {
    command.resolve(reply);
    afterCommand(redis, state, command);
  }
}

/** Runs the commands that waited behind a blocking command, until one blocks again. */
function drainQueue(redis, state) {
  while (state.queue.length > 0 && !state.blocked) {
    const command = state.queue.shift();
    if (state.session === null) command.reject(new Error(CONNECTION_CLOSED));
    else redis.sendCommand(command);
  }
}

/**
 * Runs a command of a client that is (or is becoming) a subscriber. Its replies — one per
 * channel for SUBSCRIBE — and the messages pushed to it go through ioredis's own subscriber
 * logic (its DataHandler), exactly as if they came off a socket: subscription bookkeeping,
 * `message`/`pmessage`/`smessage` events and their Buffer variants, promise settling.
 */
function runAsSubscriber(redis, state, command) {
  listenForPushes(redis, state);
  deliverPushes(redis, state);
  const reply = state.execute(command.name, command.args, true);
  if (reply === undefined || reply instanceof ReplyError) {
    settle(redis, state, command, reply);
    return;
  }
  const frames = Command.checkFlag('ENTER_SUBSCRIBER_MODE', command.name) || Command.checkFlag('EXIT_SUBSCRIBER_MODE', command.name)
    ? reply
    : [reply];
  redis.commandQueue.push({ command, stream: null, select: redis.condition.select });
  for (const frame of frames) state.handler.returnReply(frame);
  afterCommand(redis, state, command);
}

/** Has the engine call back on this thread when messages arrive for the client. */
function listenForPushes(redis, state) {
  if (state.handler) return;
  // ioredis's reply dispatcher, minus its socket parser: only its reply logic is used.
  state.handler = Object.create(DataHandler.prototype);
  state.handler.redis = redis;
  native.onPush(state.session, () => deliverPushes(redis, state));
}

function deliverPushes(redis, state) {
  if (state.session === null) return;
  for (const frame of native.takePushes(state.session)) state.handler.returnReply(frame);
}

/**
 * The outcome of a direct method's command that the engine holds (a CLIENT PAUSE): like a
 * connection waiting on it, the client queues its next commands until it is answered.
 */
function awaitHeld(redis, state, command, held) {
  state.blocked = true;
  return held.then((reply) => {
    // The queue runs once this command is settled (the job below runs before its caller resumes).
    queueMicrotask(() => {
      state.blocked = false;
      drainQueue(redis, state);
    });
    if (state.session === null || reply === undefined) throw new Error(CONNECTION_CLOSED);
    if (reply instanceof ReplyError) {
      reply.command = command;
      throw reply;
    }
    return reply;
  });
}

installFastCommands(Redis.prototype, kEmbedded, awaitHeld);

/** Keeps ioredis's view of the connection in step with commands that change it. */
function afterCommand(redis, state, command) {
  const name = command.name.toLowerCase();
  if (name === 'select') {
    const db = Number.parseInt(command.args[0], 10);
    if (redis.condition.select !== db) {
      redis.condition.select = db;
      redis.emit('select', db);
    }
  } else if (name === 'quit' && native.isClosed(state.session)) {
    closeSession(redis, state);
  }
}

/**
 * Connects to the engine and replays ioredis's handshake (AUTH, SELECT, CLIENT SETNAME).
 * Status events follow ioredis's order: connecting, connect, ready.
 */
function openSession(redis, state) {
  if (redis.status === 'connecting' || redis.status === 'connect' || redis.status === 'ready') {
    return Promise.reject(new Error(ALREADY_CONNECTED));
  }
  const { options } = redis;
  redis.setStatus('connecting');
  state.session = native.connect(state.engine[kHandle]);
  state.execute = native.sessionExecutor(state.session);
  state.call = native.sessionCaller(state.session);
  state.callStrings = native.sessionStringsCaller(state.session);
  state.socket = {};
  redis.condition = {
    select: options.db,
    auth: options.username ? [options.username, options.password] : options.password,
    subscriber: false,
  };
  redis.setStatus('connect');
  if (options.password) {
    const reply = state.execute('auth', options.username ? [options.username, options.password] : [options.password], false);
    if (reply instanceof Error) {
      redis.silentEmit('error', reply);
      closeSession(redis, state);
      return Promise.reject(reply);
    }
  }
  if (options.db) {
    const reply = state.execute('select', [options.db], false);
    if (reply instanceof Error) redis.silentEmit('error', reply);
  }
  if (options.connectionName) {
    // Like ioredis, a name the engine refuses is not worth failing the connection for.
    state.execute('client', ['setname', options.connectionName], false);
  }
  redis.setStatus('ready');
  if (options.monitor) startMonitoring(redis, state);
  return Promise.resolve();
}

/**
 * The connection `redis.monitor()` makes: it runs MONITOR and then only receives, each line
 * going through ioredis's own parser of monitor output (its `monitor` events), as off a socket.
 */
function startMonitoring(redis, state) {
  const reply = state.execute('monitor', [], false);
  if (reply instanceof Error) {
    process.nextTick(() => redis.emit('error', reply));
    return;
  }
  listenForPushes(redis, state);
  redis.setStatus('monitoring');
  deliverPushes(redis, state);
}

/**
 * Disconnects from the engine; emits `close`, then `end` (or `reconnecting` when a new session
 * follows), as ioredis does.
 */
function closeSession(redis, state, { reconnecting = false } = {}) {
  if (state.session) {
    native.disconnect(state.session);
    state.session = null;
    state.execute = null;
    state.call = null;
    state.callStrings = null;
    state.handler = null;
  }
  if (redis.status === 'end') return;
  redis.setStatus('close');
  if (reconnecting) redis.setStatus('reconnecting', 0);
  else redis.setStatus('end');
}

function isOptions(arg) {
  return arg !== null && typeof arg === 'object';
}

/**
 * The options of an embedded client, with `engine` resolved, when the constructor's arguments
 * select one (an `engine` or `engineName` option, or a `vermilion://` URL); `undefined` for a
 * network client.
 */
function embeddedOptions(args) {
  const url = args.find(isEngineUrl);
  const objects = args.filter(isOptions);
  const namesEngine = url !== undefined || objects.some((arg) => arg.engine !== undefined || arg.engineName !== undefined);
  // A port, host, socket path, network URL or sentinels make a network client, as in ioredis;
  // with none of them (`new Redis()`, `new Redis({ db: 1 })`) the client gets a private engine.
  if (!namesEngine && namesServer(args)) return undefined;
  const options = {};
  // As ioredis reads its arguments: an earlier one wins over a later one.
  for (const values of url === undefined ? objects : [parseEngineUrl(url), ...objects]) {
    for (const [name, value] of Object.entries(values)) if (options[name] === undefined) options[name] = value;
  }
  if (options.servedAt !== undefined) return options;
  if (options.engine === undefined) {
    options.engine = options.engineName === undefined ? new Engine() : Engine.named(String(options.engineName));
  }
  if (!(options.engine instanceof Engine)) throw new TypeError('vermilion: the `engine` option must be an Engine');
  return options;
}

/** Options that name a server to connect to rather than an engine. */
const SERVER_OPTIONS = ['host', 'port', 'path', 'sentinels', 'Connector'];

function namesServer(args) {
  return args.some(
    (arg) => typeof arg === 'number'
      || (typeof arg === 'string' && !isEngineUrl(arg))
      || (isOptions(arg) && SERVER_OPTIONS.some((key) => arg[key] !== undefined)),
  );
}

module.exports = { Redis };
