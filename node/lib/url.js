'use strict';
// `vermilion://` URLs: which in-process engine a client runs on.
//
//   vermilion://                  a fresh private engine
//   vermilion://cache             the engine named "cache" in this process (Engine.named)
//   vermilion:///srv/data         the engine of that data directory (Engine.at), persisted there;
//                                 when another process owns and serves it, a network client of it
//   vermilion:///srv/data?appendonly=yes
//   vermilion://cache?db=2&connectionName=worker&maxmemory=100mb&maxmemory-policy=allkeys-lru
//   vermilion://user:secret@cache  AUTH as `user` with `secret`
//
// Query arguments that are ioredis options (`db`, `connectionName`, `keyPrefix`, ...) configure
// the client, as they would in a `redis://` URL; `manualClock=<ms>` starts a private engine on a
// manual clock; every other argument is an engine option under its Redis name.

const { Engine } = require('./engine');
const { servedAddress } = require('./server');

const SCHEME = 'vermilion:';

/** ioredis options a URL may carry, each with how to read it from text. */
const CLIENT_OPTIONS = {
  db: Number,
  connectionName: String,
  keyPrefix: String,
  username: String,
  password: String,
  lazyConnect: (text) => text === 'true' || text === 'yes' || text === '1',
  enableOfflineQueue: (text) => !(text === 'false' || text === 'no' || text === '0'),
};

function isEngineUrl(arg) {
  return typeof arg === 'string' && arg.startsWith(SCHEME);
}

/**
 * The client options a `vermilion://` URL stands for, `engine` included (opened if needed).
 * Throws a TypeError for a URL naming both an engine and a data directory.
 */
function parseEngineUrl(text) {
  const url = new URL(text);
  const options = {};
  const settings = {};
  let manualClock;
  for (const [name, value] of url.searchParams) {
    if (name === 'manualClock') manualClock = Number(value);
    else if (Object.hasOwn(CLIENT_OPTIONS, name)) options[name] = CLIENT_OPTIONS[name](value);
    else settings[name] = value;
  }
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  // The host as written: a non-special URL scheme keeps its case.
  const name = decodeURIComponent(url.host);
  const directory = url.pathname === '/' ? '' : decodeURIComponent(url.pathname);
  if (name !== '' && directory !== '') {
    throw new TypeError(`vermilion: a vermilion:// URL names an engine or a data directory, not both: ${text}`);
  }
  if (directory !== '') {
    const served = openOrLocate(directory, settings, manualClock);
    if (typeof served === 'string') return { ...options, servedAt: served };
    options.engine = served;
  } else if (name !== '') {
    options.engine = Engine.named(name, settings, { manualClock });
  } else {
    options.engine = new Engine(settings, { manualClock });
  }
  return options;
}

/**
 * The engine of `directory` opened in this process or, when another process owns it and serves
 * it, the first address it published (`unix:///...` or `redis://host:port`). With nobody serving
 * it, the lock error stands.
 */
function openOrLocate(directory, settings, manualClock) {
  try {
    return Engine.at(directory, settings, { manualClock });
  } catch (error) {
    if (!/is in use by another Vermilion engine/.test(String(error?.message))) throw error;
    const address = servedAddress(directory);
    if (address === undefined) throw error;
    return address;
  }
}

/** ioredis arguments for a published address, carrying the URL's client options. */
function networkOptions(address, options) {
  const { servedAt, ...clientOptions } = options;
  if (address.startsWith('unix://')) return [{ ...clientOptions, path: address.slice('unix://'.length) }];
  return [address, clientOptions];
}

module.exports = { isEngineUrl, parseEngineUrl, networkOptions };
