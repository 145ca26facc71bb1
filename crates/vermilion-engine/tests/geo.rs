mod common;

use common::*;
use vermilion_engine::Reply;

fn arr(items: Vec<Reply>) -> Reply {
    Reply::Array(items)
}

fn bulks(words: &str) -> Reply {
    arr(words.split_whitespace().map(bulk).collect())
}

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
const SICILY: &str = "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania";

#[test]
fn geoadd_stores_geohash_scores_in_a_sorted_set() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, SICILY), int(2));
    assert_eq!(run(&mut c, "TYPE Sicily"), Reply::Simple("zset".into()));
    assert_eq!(run(&mut c, "ZSCORE Sicily Palermo"), Reply::Double(3479099956230698.0));
    assert_eq!(run(&mut c, "GEOADD Sicily NX 13 38 Palermo 14 37 Messina"), int(1));
    assert_eq!(run(&mut c, "ZSCORE Sicily Palermo"), Reply::Double(3479099956230698.0));
    assert_eq!(run(&mut c, "GEOADD Sicily XX CH 13 38 Palermo 1 1 Nowhere"), int(1));
    assert_eq!(run(&mut c, "ZSCORE Sicily Nowhere"), Reply::Null);
    assert_eq!(run(&mut c, "GEOADD Sicily CH 13 38 Palermo"), int(0));
    assert_eq!(run(&mut c, "GEOADD none XX 1 1 x"), int(0));
    assert_eq!(run(&mut c, "EXISTS none"), int(0));
}

#[test]
fn geoadd_errors_come_before_the_key_is_touched() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "GEOADD g 200 10 x"), err("ERR invalid longitude,latitude pair 200.000000,10.000000"));
    assert_eq!(run(&mut c, "GEOADD g 10 -85.06 x"), err("ERR invalid longitude,latitude pair 10.000000,-85.060000"));
    assert_eq!(run(&mut c, "GEOADD g abc 10 x"), err("ERR value is not a valid float"));
    assert_eq!(run(&mut c, "GEOADD g 1e400 10 x"), err("ERR value is not a valid float"));
    assert_eq!(run(&mut c, "GEOADD g 1 2 x 3"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "GEOADD g NX XX 1 2 x"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "GEOADD g GT 1 2 x"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "GEOADD g 1 2"), err("ERR wrong number of arguments for 'geoadd' command"));
    run(&mut c, "LPUSH list x");
    assert_eq!(run(&mut c, "GEOADD list 1 200 x"), err("ERR invalid longitude,latitude pair 1.000000,200.000000"));
    assert_eq!(run(&mut c, "GEOADD list 1 2 x"), err(WRONGTYPE));
    assert_eq!(run(&mut c, "EXISTS g"), int(0));
}

#[test]
fn positions_hashes_and_distances_print_as_redis() {
    let (_e, mut c) = setup();
    run(&mut c, SICILY);
    assert_eq!(
        run(&mut c, "GEOPOS Sicily Palermo nope"),
        arr(vec![bulks("13.36138933897018433 38.11555639549629859"), Reply::NullArray])
    );
    assert_eq!(run(&mut c, "GEOPOS nokey a"), arr(vec![Reply::NullArray]));
    assert_eq!(run(&mut c, "GEOHASH Sicily Palermo Catania"), bulks("sqc8b49rny0 sqdtr74hyu0"));
    assert_eq!(run(&mut c, "GEOHASH Sicily nope"), arr(vec![Reply::Null]));
    assert_eq!(run(&mut c, "GEODIST Sicily Palermo Catania"), bulk("166274.1516"));
    assert_eq!(run(&mut c, "GEODIST Sicily Palermo Catania km"), bulk("166.2742"));
    assert_eq!(run(&mut c, "GEODIST Sicily Palermo Palermo"), bulk("0.0000"));
    assert_eq!(run(&mut c, "GEODIST Sicily Palermo nope"), Reply::Null);
    assert_eq!(run(&mut c, "GEODIST nokey a b"), Reply::Null);
    assert_eq!(run(&mut c, "GEODIST Sicily Palermo Catania yd"), err("ERR unsupported unit provided. please use M, KM, FT, MI"));
    assert_eq!(run(&mut c, "GEODIST Sicily Palermo Catania km x"), err("ERR syntax error"));
    run(&mut c, "HELLO 3");
    assert_eq!(
        run(&mut c, "GEOPOS Sicily Catania"),
        arr(vec![arr(vec![Reply::Double(15.087267458438873), Reply::Double(37.50266842333162)])])
    );
}

#[test]
fn radius_searches_sort_count_and_decorate() {
    let (_e, mut c) = setup();
    run(&mut c, SICILY);
    assert_eq!(
        run(&mut c, "GEORADIUS Sicily 15 37 200 km WITHDIST WITHHASH ASC"),
        arr(vec![
            arr(vec![bulk("Catania"), bulk("56.4413"), int(3479447370796909)]),
            arr(vec![bulk("Palermo"), bulk("190.4424"), int(3479099956230698)]),
        ])
    );
    assert_eq!(run(&mut c, "GEORADIUS Sicily 15 37 200 km DESC"), bulks("Palermo Catania"));
    assert_eq!(run(&mut c, "GEORADIUS_RO Sicily 15 37 200 km COUNT 1"), bulks("Catania"));
    assert_eq!(run(&mut c, "GEORADIUS Sicily 15 37 100 km"), bulks("Catania"));
    assert_eq!(run(&mut c, "GEORADIUSBYMEMBER Sicily Palermo 100 km"), bulks("Palermo"));
    assert_eq!(
        run(&mut c, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km DESC WITHDIST"),
        arr(vec![arr(vec![bulk("Palermo"), bulk("190.4424")]), arr(vec![bulk("Catania"), bulk("56.4413")])])
    );
    assert_eq!(run(&mut c, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 10 10 km"), arr(vec![]));
    assert_eq!(run(&mut c, "GEOSEARCH nokey FROMMEMBER x BYRADIUS 1 km"), arr(vec![]));
}

#[test]
fn searches_store_geohashes_or_distances() {
    let (_e, mut c) = setup();
    run(&mut c, SICILY);
    assert_eq!(run(&mut c, "GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 200 km STOREDIST"), int(2));
    assert_eq!(run(&mut c, "ZSCORE dst Palermo"), Reply::Double(0.0));
    assert_eq!(run(&mut c, "ZSCORE dst Catania"), Reply::Double(166.27415156960032));
    assert_eq!(run(&mut c, "GEORADIUS Sicily 15 37 200 km STORE near COUNT 1"), int(1));
    assert_eq!(run(&mut c, "ZRANGE near 0 -1 WITHSCORES"), arr(vec![bulk("Catania"), Reply::Double(3479447370796909.0)]));
    // Nothing found, or no source: the destination is deleted.
    assert_eq!(run(&mut c, "GEORADIUS Sicily -100 0 1 km STORE near"), int(0));
    assert_eq!(run(&mut c, "EXISTS near"), int(0));
    run(&mut c, "SET dst x");
    assert_eq!(run(&mut c, "GEOSEARCHSTORE dst nokey FROMLONLAT 0 0 BYRADIUS 1 km"), int(0));
    assert_eq!(run(&mut c, "EXISTS dst"), int(0));
}

#[test]
fn search_errors_follow_redis() {
    let (_e, mut c) = setup();
    run(&mut c, SICILY);
    let cases = [
        ("GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 1 km", "ERR could not decode requested zset member"),
        ("GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS x km", "ERR need numeric radius"),
        ("GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS -1 km", "ERR radius cannot be negative"),
        ("GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 x km", "ERR need numeric height"),
        ("GEOSEARCH Sicily FROMMEMBER Palermo BYBOX -1 1 km", "ERR height or width cannot be negative"),
        ("GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 yd", "ERR unsupported unit provided. please use M, KM, FT, MI"),
        ("GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km BYBOX 1 1 km", "ERR syntax error"),
        ("geosearch Sicily BYRADIUS 1 km ASC WITHDIST", "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch"),
        ("GEOSEARCH Sicily FROMLONLAT 1 1 ASC WITHDIST", "ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH"),
        ("GEOSEARCH Sicily FROMLONLAT 1 1 BYRADIUS 1 km ANY", "ERR the ANY argument requires COUNT argument"),
        ("GEOSEARCH Sicily FROMLONLAT 1 1 BYRADIUS 1 km COUNT 0", "ERR COUNT must be > 0"),
        ("GEOSEARCH Sicily FROMLONLAT 1 1 BYRADIUS 1 km COUNT x", "ERR value is not an integer or out of range"),
        ("GEOSEARCH Sicily FROMLONLAT 1 1 BYRADIUS 1 km STOREDIST", "ERR syntax error"),
        ("GEOSEARCHSTORE d Sicily FROMLONLAT 1 1 BYRADIUS 1 km WITHDIST", "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
        ("GEORADIUS Sicily 15 37 200 km STORE x WITHHASH", "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
        ("GEORADIUS_RO Sicily 15 37 200 km STORE x", "ERR syntax error"),
        ("GEORADIUS Sicily 15 95 200 km", "ERR invalid longitude,latitude pair 15.000000,95.000000"),
        ("GEORADIUSBYMEMBER Sicily nope 1 km", "ERR could not decode requested zset member"),
    ];
    for (command, error) in cases {
        assert_eq!(run(&mut c, command), err(error), "{command}");
    }
    // Without a source there is no member to decode, but the options are still checked.
    assert_eq!(run(&mut c, "GEORADIUSBYMEMBER nokey nope x km"), arr(vec![]));
    assert_eq!(run(&mut c, "GEORADIUS nokey 15 37 1 km ANY"), err("ERR the ANY argument requires COUNT argument"));
    run(&mut c, "LPUSH list x");
    assert_eq!(run(&mut c, "GEOSEARCH list FROMLONLAT 1 1 BYRADIUS 1 km"), err(WRONGTYPE));
    assert_eq!(run(&mut c, "GEOPOS list a"), err(WRONGTYPE));
}

#[test]
fn searches_find_every_point_near_cell_edges() {
    let (_e, mut c) = setup();
    // A ring of points about 1 km out in every direction, the centre on a cell corner.
    for (i, (dx, dy)) in [(0.0, 0.0089), (0.0, -0.0089), (0.0127, 0.0), (-0.0127, 0.0)].iter().enumerate() {
        run(&mut c, &format!("GEOADD ring {} {} p{i}", 0.0 + dx, 45.0 + dy));
    }
    assert_eq!(
        run(&mut c, "GEOSEARCH ring FROMLONLAT 0 45 BYRADIUS 1100 m ASC COUNT 10 WITHDIST"),
        arr(["p0 989.9602", "p1 990.0178", "p2 998.8611", "p3 998.8611"].into_iter().map(bulks).collect())
    );
    assert_eq!(run(&mut c, "GEOSEARCH ring FROMLONLAT 0 45 BYRADIUS 900 m"), arr(vec![]));
}
