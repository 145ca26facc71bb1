//! Nanoseconds per `Client::execute` for the hottest commands: the floor every face builds on.
//! Run with `cargo bench -p vermilion-engine`.

use std::time::Instant;

use vermilion_engine::{Config, ConnectionInfo, Engine};

fn measure(label: &str, iterations: u32, mut f: impl FnMut(u32)) {
    // Best of five rounds, so a stray scheduler hiccup does not set the figure.
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            for i in 0..iterations {
                f(i);
            }
            start.elapsed().as_nanos() as f64 / f64::from(iterations)
        })
        .fold(f64::INFINITY, f64::min);
    println!("{label:<28} {best:>8.1} ns/op");
}

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
}
