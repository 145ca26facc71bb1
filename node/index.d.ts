// Types of the public API. The methods of every command come from ioredis's own declarations;
// the native addon's functions are declared in native.d.ts, which the build generates.

import IORedis, { RedisOptions as IORedisOptions } from 'ioredis';

/** A Redis config value: numbers and booleans are written as Redis reads them (`yes`/`no`). */
export type ConfigValue = string | number | boolean | readonly (string | number)[];

/**
 * Engine settings under Redis's option names (`maxmemory`, `maxmemory-policy`, `databases`, ...),
 * or the same names in camelCase (`maxmemoryPolicy`).
 */
export interface EngineSettings {
  [name: string]: ConfigValue | undefined;
  maxmemory?: string | number;
  'maxmemory-policy'?: string;
  maxmemoryPolicy?: string;
  databases?: number;
  requirepass?: string;
  port?: number;
  bind?: string | readonly string[];
  unixsocket?: string;
}

export interface EngineOptions {
  /** Start a clock that stands still at this time (ms since the epoch) until `advanceTime`. */
  manualClock?: number;
}

/** An in-process engine: the databases shared by its embedded clients and servers. */
export declare class Engine {
  constructor(settings?: EngineSettings, options?: EngineOptions);
  /**
   * The engine called `name` in this process, opened on first use and kept until the process
   * exits. The main thread and every `worker_threads` worker naming it share its data. The first
   * caller's settings and clock open it; settings passed later are applied as `CONFIG SET` does.
   */
  static named(name: string, settings?: EngineSettings, options?: EngineOptions): Engine;
  /**
   * The engine whose data directory (its `dir` option) is `directory`: one per absolute path in
   * the process, the directory created if missing, its data loaded from and saved there. Throws
   * when another process's engine holds the directory. `vermilion:///path` URLs open it.
   */
  static at(directory: string, settings?: EngineSettings, options?: EngineOptions): Engine;
  /** The name of an engine opened with `Engine.named`. */
  readonly name?: string;
  /** The absolute data directory of an engine opened with `Engine.at`. */
  readonly dataDir?: string;
  /** An option's value as Redis prints it (`CONFIG GET`), or `null` for an unknown name. */
  config(name: string): string | null;
  /** Changes an option at run time, as `CONFIG SET` does. Throws for unknown or fixed options. */
  setConfig(name: string, value: ConfigValue): void;
  /** Moves a manual clock forward; false for an engine on the system clock. */
  advanceTime(ms: number): boolean;
  /** Stops background work (active expiry); clients keep working. */
  close(): void;
}

export interface RedisOptions extends IORedisOptions {
  /** Run on this in-process engine (any address also given is ignored). */
  engine?: Engine;
  /** Run on the in-process engine of this name (`Engine.named`). */
  engineName?: string;
}

/**
 * An ioredis client. With an `engine` or `engineName` option, or a `vermilion://` URL
 * (`vermilion://` for a private engine, `vermilion://name?db=2&maxmemory=1mb` for a named one,
 * `vermilion:///srv/data?appendonly=yes` for the persistent engine of a data directory),
 * it runs on an in-process engine; every other form (`new Redis()`, a port, a host, a
 * `redis://` URL) connects over the network, exactly as ioredis does.
 */
export declare class Redis extends IORedis {
  constructor(port: number, host: string, options: RedisOptions);
  /** `url`: a `redis://`, `rediss://` or `vermilion://` URL, or a unix socket path. */
  constructor(url: string, options: RedisOptions);
  constructor(port: number, options: RedisOptions);
  constructor(port: number, host: string);
  constructor(options: RedisOptions);
  constructor(port: number);
  constructor(path: string);
  constructor();
  /** The engine of an embedded client; `undefined` for a client of a remote server. */
  readonly engine: Engine | undefined;
  duplicate(override?: Partial<RedisOptions>): Redis;
}

export interface ServerOptions {
  /** TCP port; 0 picks a free one. Defaults to the engine's `port` setting. */
  port?: number;
  /** Addresses to listen on, in Redis's `bind` syntax. Defaults to the engine's `bind`. */
  bind?: string | readonly string[];
  /** Also listen on this unix socket. Defaults to the engine's `unixsocket`. */
  unixsocket?: string;
}

/** Serves an engine over TCP (and a unix socket) so other processes share its data. */
export declare class Server {
  constructor(engine: Engine, options?: ServerOptions);
  readonly engine: Engine;
  /** The TCP port served. */
  readonly port: number;
  /** Stops listening and closes every connection; the engine keeps its data. */
  stop(): void;
  /** Lets the process exit while serving. */
  unref(): this;
  /** Keeps the process alive while serving (the default). */
  ref(): this;
}

/** The error every error reply rejects with, as in ioredis. */
export { ReplyError } from 'ioredis';

export default Redis;
