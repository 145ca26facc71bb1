'use strict';
// How arguments and replies cross between JS and the engine on the direct path (the methods
// that call the engine with their arguments spread) and on ioredis's generic path: both must
// read and give back exactly what ioredis would send and parse.

const { Redis } = require('vermilion');
const { PRIVATE, disconnectedAfterEach } = require('./support');

const client = disconnectedAfterEach(Redis);

describe.each([
  ['direct methods', (r, name, ...args) => r[name](...args)],
  ['generic path', (r, name, ...args) => r.call(name, ...args)],
])('%s', (_path, run) => {
  test.each([
    [0, '0'],
    [-0, '0'],
    [42, '42'],
    [-7, '-7'],
    [2 ** 53 - 1, '9007199254740991'],
    [2 ** 60, String(2 ** 60)],
    [1.5, '1.5'],
    [0.1, '0.1'],
    [1e21, '1e+21'],
    [-1e-7, '-1e-7'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('the number %p is sent as %p, as String() writes it', async (number, text) => {
    const r = client(PRIVATE);
    await run(r, 'set', 'n', number);
    expect(await r.get('n')).toBe(text);
  });

  test.each([
    ['ascii', 'plain value'],
    ['empty', ''],
    ['Latin-1', 'café crème'],
    ['BMP', 'Ωμέγα — 日本語'],
    ['astral', 'emoji 😀 and more 🎉'],
    ['long ASCII', 'x'.repeat(127)],
    ['longer ASCII', 'y'.repeat(100_000)],
    ['long non-ASCII', 'é'.repeat(300)],
    ['a lone surrogate', 'broken \ud800 pair'],
  ])('a %s string goes in and comes back as UTF-8', async (_kind, value) => {
    const r = client(PRIVATE);
    await run(r, 'set', 'k', value);
    expect(await r.strlen('k')).toBe(Buffer.byteLength(value, 'utf8'));
    expect(await r.get('k')).toBe(Buffer.from(value, 'utf8').toString('utf8'));
  });

  test('Buffers go in as their bytes and come back as Buffers when asked', async () => {
    const r = client(PRIVATE);
    const bytes = Buffer.from([0, 0xff, 0x80, 0x41]);
    await run(r, 'set', Buffer.from('b'), bytes);
    expect(await r.getBuffer('b')).toEqual(bytes);
  });

  test.each([1, 3, 4, 10, 4096, 4097, 20_000])('an array reply of %p elements keeps every element in order', async (count) => {
    const r = client(PRIVATE);
    const members = Array.from({ length: count }, (_, i) => `m${i}`);
    await r.rpush('list', ...members);
    expect(await run(r, 'lrange', 'list', 0, -1)).toEqual(members);
    const scored = await r.zadd('z', ...members.flatMap((m, i) => [i, m]));
    expect(scored).toBe(count);
    expect(await run(r, 'zrange', 'z', 0, -1)).toEqual(members);
  });

  // Direct methods receive arrays of strings packed into one string (16-bit counts and lengths),
  // so the edges of that format get the same answers as the generic path.
  test.each([
    ['empty strings', ['', 'a', '', '']],
    ['control characters', ['\u0000', '\r\n', '\u007f']],
    ['non-ASCII among ASCII', ['plain', 'café', '日本', '😀']],
    ['a member of 65,534 bytes', ['x'.repeat(65_534), 'y']],
    ['a member of 65,535 bytes', ['x'.repeat(65_535), 'y']],
    ['a member of 70,000 bytes', ['short', 'z'.repeat(70_000)]],
  ])('an array of %s reads back exactly', async (_kind, members) => {
    const r = client(PRIVATE);
    await r.rpush('list', ...members);
    expect(await run(r, 'lrange', 'list', 0, -1)).toEqual(members);
    await r.hset('h', ...members.flatMap((m, i) => [`f${i}`, m]));
    expect((await run(r, 'hvals', 'h')).sort()).toEqual([...members].sort());
  });

  test.each([65_534, 65_535, 65_536])('an array of %p elements reads back whole', async (count) => {
    const r = client(PRIVATE);
    const members = Array.from({ length: count }, (_, i) => String(i));
    for (let i = 0; i < count; i += 10_000) await r.rpush('list', ...members.slice(i, i + 10_000));
    const read = await run(r, 'lrange', 'list', 0, -1);
    expect(read.length).toBe(count);
    expect(read).toEqual(members);
  });

  test('missing values read back as nulls among strings', async () => {
    const r = client(PRIVATE);
    await r.mset('a', '1', 'c', '');
    await r.hset('h', 'x', 'X');
    expect(await run(r, 'mget', 'a', 'b', 'c', 'd')).toEqual(['1', null, '', null]);
    expect(await run(r, 'hmget', 'h', 'x', 'y')).toEqual(['X', null]);
    expect(await run(r, 'hmget', 'missing', 'x')).toEqual([null]);
  });

  test('set members, integers and strings, read back as strings', async () => {
    const r = client(PRIVATE);
    await r.sadd('ints', 3, 1, 2);
    await r.sadd('words', 'b', 'a');
    expect((await run(r, 'smembers', 'ints')).sort()).toEqual(['1', '2', '3']);
    expect((await run(r, 'smembers', 'words')).sort()).toEqual(['a', 'b']);
    expect(await run(r, 'smembers', 'none')).toEqual([]);
  });

  test('replies other than arrays come through an array command unchanged', async () => {
    const r = client(PRIVATE);
    await r.set('text', 'v');
    await expect(run(r, 'lrange', 'text', 0, -1)).rejects.toThrow(/^WRONGTYPE/);
    await r.call('MULTI');
    expect(await run(r, 'zrange', 'z', 0, -1)).toBe('QUEUED');
    expect(await run(r, 'mget', 'text')).toBe('QUEUED');
    expect(await r.call('EXEC')).toEqual([[], ['v']]);
  });
});

test('whole and fractional scores read back as Redis prints them', async () => {
  const r = client(PRIVATE);
  await r.zadd('z', 3, 'whole', 1.1, 'fraction', -0, 'negative-zero', 1e17, 'big');
  expect(await r.zscore('z', 'whole')).toBe('3');
  expect(await r.zscore('z', 'fraction')).toBe('1.1000000000000001');
  expect(await r.zscore('z', 'big')).toBe('1e+17');
  expect(await r.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['negative-zero', '0', 'fraction', '1.1000000000000001', 'whole', '3', 'big', '1e+17']);
});
