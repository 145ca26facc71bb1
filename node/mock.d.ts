// Types of `vermilion/mock`: a drop-in for ioredis in test suites, used as
//   jest.mock('ioredis', () => require('vermilion/mock'));

import { Engine, Redis, RedisOptions, ReplyError as VermilionReplyError, Server as VermilionServer } from './index';

declare namespace RedisMock {
  /** A value of ioredis-mock's `data` option: strings, lists, sets, sorted sets, hashes. */
  type SeedValue =
    | string
    | number
    | Buffer
    | readonly (string | number | Buffer)[]
    | ReadonlySet<string | number>
    | ReadonlyMap<string, number>
    | { readonly [field: string]: string | number | Buffer };

  interface RedisMockOptions extends RedisOptions {
    /** Keys written into the engine when the client is made (with its `keyPrefix`). */
    data?: { readonly [key: string]: SeedValue };
    /**
     * Open the address's engine (if this client is the first of it) on a clock standing still at
     * this time (ms since the epoch), moved only by `advanceTime`.
     */
    manualClock?: number;
  }

  /**
   * ioredis's `Cluster`, as in ioredis-mock: at run time one client on the engine of the first
   * node (typed as ioredis's, which the code under test is written against).
   */
  const Cluster: typeof import('ioredis').Cluster;

  const Redis: typeof RedisMock;
  const ReplyError: typeof VermilionReplyError;
  const Engine: typeof import('./index').Engine;
  type Engine = import('./index').Engine;
  const Server: typeof VermilionServer;
  type Server = VermilionServer;
}

/**
 * An embedded ioredis client for tests. Clients of one address (host and port, or unix socket
 * path; `new Redis()` is localhost:6379) share an engine, as ioredis-mock's share data.
 */
declare class RedisMock extends Redis {
  constructor(port: number, host: string, options?: RedisMock.RedisMockOptions);
  constructor(url: string, options?: RedisMock.RedisMockOptions);
  constructor(port: number, options?: RedisMock.RedisMockOptions);
  constructor(options?: RedisMock.RedisMockOptions);
  /** The engine of this client's address. */
  readonly engine: Engine;
  /** Moves the engine's manual clock forward; false for an engine on the system clock. */
  advanceTime(ms: number): boolean;
  duplicate(override?: Partial<RedisMock.RedisMockOptions>): RedisMock;
  static readonly default: typeof RedisMock;
}

export = RedisMock;
