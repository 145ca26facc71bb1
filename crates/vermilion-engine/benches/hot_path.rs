//! Nanoseconds per `Client::execute` for the hottest commands: the floor every face builds on.
//! Run with `cargo bench -p vermilion-engine`.

mod support;

use support::measure;
use vermilion_engine::{Client, Config, ConnectionInfo, Engine};

fn main() {
    let engine = Engine::open(Config::default()).expect("engine opens");
    let mut client = engine.connect(ConnectionInfo::embedded("bench"));
    const N: u32 = 1_000_000;
    let keys: Vec<Vec<u8>> = (0..10_000).map(|i| format!("key:{i:07}").into_bytes()).collect();
    let value = vec![b'x'; 32];
    measure("SET key:NNNNNNN <32 bytes>", N, |i| {
        client.execute(&[b"SET", &keys[(i % 10_000) as usize], &value]);
    });
    measure("GET key:NNNNNNN", N, |i| {
        client.execute(&[b"GET", &keys[(i % 10_000) as usize]]);
    });
    measure("GET missing", N, |_| {
        client.execute(&[b"GET", b"missing"]);
    });
    measure("INCR counter", N, |_| {
        client.execute(&[b"INCR", b"counter"]);
    });
    measure("PING", N, |_| {
        client.execute(&[b"PING"]);
    });
    sorted_sets(&mut client);
}

/// The sorted-set commands on a set large enough (100k members) to use the skiplist encoding,
/// where lookups are hash probes and ranks are skiplist walks.
fn sorted_sets(client: &mut Client) {
    const MEMBERS: u32 = 100_000;
    let members: Vec<Vec<u8>> = (0..MEMBERS).map(|i| format!("member:{i:07}").into_bytes()).collect();
    let scores: Vec<Vec<u8>> = (0..MEMBERS * 2).map(|i| format!("{}", f64::from(i) * 1.5).into_bytes()).collect();
    for (i, member) in members.iter().enumerate() {
        client.execute(&[b"ZADD", b"big", &scores[i * 2], member]);
    }
    let member = |i: u32| &members[(i.wrapping_mul(7919) % MEMBERS) as usize];
    let mut round = 0u32;
    measure("ZADD new member (100k set)", MEMBERS, |i| {
        if i == 0 {
            round += 1;
        }
        let key = format!("grow:{round}");
        client.execute(&[b"ZADD", key.as_bytes(), &scores[i as usize], member(i)]);
    });
    measure("ZADD new score (100k set)", MEMBERS, |i| {
        client.execute(&[b"ZADD", b"big", &scores[(i % (MEMBERS * 2)) as usize], member(i)]);
    });
    measure("ZSCORE (100k set)", MEMBERS, |i| {
        client.execute(&[b"ZSCORE", b"big", member(i)]);
    });
    measure("ZRANK (100k set)", MEMBERS, |i| {
        client.execute(&[b"ZRANK", b"big", member(i)]);
    });
    let ranks: Vec<(Vec<u8>, Vec<u8>)> =
        (0..MEMBERS).map(|i| (format!("{}", i * 7 % MEMBERS).into_bytes(), format!("{}", i * 7 % MEMBERS + 9).into_bytes())).collect();
    measure("ZRANGE 10 by rank (100k set)", MEMBERS, |i| {
        let (start, stop) = &ranks[i as usize];
        client.execute(&[b"ZRANGE", b"big", start, stop]);
    });
    measure("ZRANGEBYSCORE LIMIT 10", MEMBERS, |i| {
        let (min, _) = &ranks[i as usize];
        client.execute(&[b"ZRANGEBYSCORE", b"big", min, b"+inf", b"LIMIT", b"0", b"10"]);
    });
}
