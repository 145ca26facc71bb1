mod common;

use common::*;
use vermilion_engine::{Client, ConnectionInfo, Outcome, Reply};

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
const INVALID_ID: &str = "ERR Invalid stream ID specified as stream command argument";
/// The manual clock's starting instant (see `common::setup`).
const T0: i64 = 1_700_000_000_000;

fn bulks(items: &[&str]) -> Reply {
    Reply::Array(items.iter().map(|s| bulk(s)).collect())
}

/// `[id, [field, value, ...]]`.
fn entry(id: &str, fields: &[&str]) -> Reply {
    Reply::Array(vec![bulk(id), bulks(fields)])
}

fn entries(items: &[(&str, &[&str])]) -> Reply {
    Reply::Array(items.iter().map(|(id, fields)| entry(id, fields)).collect())
}

/// The value of `name` in a RESP-neutral map reply.
fn field(reply: &Reply, name: &str) -> Reply {
    let Reply::Map(pairs) = reply else { panic!("not a map: {reply:?}") };
    pairs.iter().find(|(k, _)| *k == bulk(name)).unwrap_or_else(|| panic!("no field {name}")).1.clone()
}

/// The `index`-th element of an array reply.
fn nth(reply: &Reply, index: usize) -> Reply {
    let Reply::Array(items) = reply else { panic!("not an array: {reply:?}") };
    items[index].clone()
}

/// Adds entries `1-0 .. n-0`, each `f <i>`.
fn fill(c: &mut Client, key: &str, n: u64) {
    for i in 1..=n {
        assert_eq!(run(c, &format!("XADD {key} {i}-0 f {i}")), bulk(&format!("{i}-0")));
    }
}

/// A stream `s` with entries 1-0 .. 4-0 and a group `g` that has read none of them.
fn stream_with_group(c: &mut Client) {
    fill(c, "s", 4);
    assert_eq!(run(c, "XGROUP CREATE s g 0"), ok());
}

#[test]
fn xadd_ids_explicit_partial_and_automatic() {
    let (engine, mut c) = setup();
    assert_eq!(run(&mut c, "XADD s 5-1 a 1"), bulk("5-1"));
    assert_eq!(run(&mut c, "XADD s 5-* a 2"), bulk("5-2"));
    assert_eq!(run(&mut c, "XADD s 7 a 3"), bulk("7-0"));
    assert_eq!(run(&mut c, "XADD s 9-* a 4"), bulk("9-0"));
    assert_eq!(run(&mut c, "XADD s * a 5"), bulk(&format!("{T0}-0")));
    assert_eq!(run(&mut c, "XADD s * a 6"), bulk(&format!("{T0}-1")), "same millisecond: next sequence");
    engine.advance_time(3);
    assert_eq!(run(&mut c, "XADD s * a 7"), bulk(&format!("{}-0", T0 + 3)));
    assert_eq!(run(&mut c, "XLEN s"), int(7));
    assert_eq!(run(&mut c, "XADD z 0-* a 1"), bulk("0-1"), "0-0 is never a valid entry ID");
    assert_eq!(run(&mut c, "TYPE s"), Reply::simple("stream"));
    assert_eq!(run(&mut c, "OBJECT ENCODING s"), bulk("stream"));
}

#[test]
fn xadd_refuses_ids_that_do_not_grow() {
    let (_e, mut c) = setup();
    run(&mut c, "XADD s 5-5 a 1");
    let too_small = err("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    assert_eq!(run(&mut c, "XADD s 5-5 a 1"), too_small);
    assert_eq!(run(&mut c, "XADD s 4 a 1"), too_small);
    assert_eq!(run(&mut c, "XADD s 4-* a 1"), too_small);
    assert_eq!(run(&mut c, "XADD s 0-0 a 1"), err("ERR The ID specified in XADD must be greater than 0-0"));
    assert_eq!(run(&mut c, "XADD new 0-0 a 1"), err("ERR The ID specified in XADD must be greater than 0-0"));
    assert_eq!(run(&mut c, "EXISTS new"), int(0));
    for bad in ["5-x", "x", "-1", "1-2-3", "18446744073709551616", "+", "-"] {
        assert_eq!(run(&mut c, &format!("XADD s {bad} a 1")), err(INVALID_ID), "{bad}");
    }
    assert_eq!(run(&mut c, "XADD s 18446744073709551615-18446744073709551615 a 1"), bulk("18446744073709551615-18446744073709551615"));
    assert_eq!(
        run(&mut c, "XADD s * a 1"),
        err("ERR The stream has exhausted the last possible ID, unable to add more items")
    );
    assert_eq!(run(&mut c, "XLEN s"), int(2));
}

#[test]
fn xadd_arguments_and_nomkstream() {
    let (_e, mut c) = setup();
    let arity = err("ERR wrong number of arguments for 'xadd' command");
    assert_eq!(run(&mut c, "XADD s * a"), arity);
    assert_eq!(run(&mut c, "XADD s * a 1 b"), arity);
    assert_eq!(run(&mut c, "XADD s a b c"), err(INVALID_ID), "the first unknown word is the ID");
    assert_eq!(run(&mut c, "XADD s NOMKSTREAM * a 1"), Reply::Null);
    assert_eq!(run(&mut c, "EXISTS s"), int(0));
    run(&mut c, "XADD s 1 a 1");
    assert_eq!(run(&mut c, "XADD s nomkstream 2 a 1"), bulk("2-0"));
    assert_eq!(run(&mut c, "XADD s MAXLEN -1 * a 1"), err("ERR The MAXLEN argument must be >= 0."));
    assert_eq!(run(&mut c, "XADD s MAXLEN x * a 1"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "XADD s MINID x * a 1"), err(INVALID_ID));
    assert_eq!(
        run(&mut c, "XADD s MAXLEN 1 MINID 1 * a 1"),
        err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
    );
    assert_eq!(
        run(&mut c, "XADD s LIMIT 5 * a 1"),
        err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
    );
    assert_eq!(run(&mut c, "XADD s MAXLEN 5 LIMIT 5 * a 1"), err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
    assert_eq!(run(&mut c, "XADD s MAXLEN = 5 LIMIT 0 * a 1"), err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
    assert_eq!(run(&mut c, "XADD s LIMIT -1 * a 1"), err("ERR The LIMIT argument must be >= 0."));
    assert_eq!(run(&mut c, "XLEN s"), int(2), "nothing was added by the refused calls");
}

#[test]
fn xadd_trims_after_appending() {
    let (_e, mut c) = setup();
    fill(&mut c, "s", 5);
    assert_eq!(run(&mut c, "XADD s MAXLEN 2 6 f 6"), bulk("6-0"));
    assert_eq!(run(&mut c, "XRANGE s - +"), entries(&[("5-0", &["f", "5"]), ("6-0", &["f", "6"])]));
    assert_eq!(run(&mut c, "XADD s MINID = 6 7 f 7"), bulk("7-0"));
    assert_eq!(run(&mut c, "XLEN s"), int(2));
    assert_eq!(run(&mut c, "XADD s MAXLEN 0 8 f 8"), bulk("8-0"));
    assert_eq!(run(&mut c, "XLEN s"), int(0), "even the new entry goes");
    assert_eq!(run(&mut c, "EXISTS s"), int(1), "an empty stream is still a stream");
}

#[test]
fn xrange_and_xrevrange() {
    let (_e, mut c) = setup();
    fill(&mut c, "s", 4);
    let all = entries(&[("1-0", &["f", "1"]), ("2-0", &["f", "2"]), ("3-0", &["f", "3"]), ("4-0", &["f", "4"])]);
    assert_eq!(run(&mut c, "XRANGE s - +"), all);
    assert_eq!(run(&mut c, "XRANGE s 2 3"), entries(&[("2-0", &["f", "2"]), ("3-0", &["f", "3"])]));
    assert_eq!(run(&mut c, "XRANGE s (2-0 +"), entries(&[("3-0", &["f", "3"]), ("4-0", &["f", "4"])]));
    assert_eq!(run(&mut c, "XRANGE s - (2-0"), entries(&[("1-0", &["f", "1"])]));
    assert_eq!(run(&mut c, "XRANGE s - + COUNT 1"), entries(&[("1-0", &["f", "1"])]));
    assert_eq!(run(&mut c, "XRANGE s 3 2"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "XREVRANGE s + - COUNT 2"), entries(&[("4-0", &["f", "4"]), ("3-0", &["f", "3"])]));
    assert_eq!(run(&mut c, "XREVRANGE s (4-0 (1-0"), entries(&[("3-0", &["f", "3"]), ("2-0", &["f", "2"])]));
    assert_eq!(
        run(&mut c, "XREVRANGE s (4 (1"),
        entries(&[("4-0", &["f", "4"]), ("3-0", &["f", "3"]), ("2-0", &["f", "2"])]),
        "an end without a sequence means its last one, so (4 still includes 4-0"
    );
    assert_eq!(run(&mut c, "XRANGE s - + COUNT 0"), Reply::NullArray);
    assert_eq!(run(&mut c, "XRANGE s - + COUNT -3"), Reply::NullArray);
    assert_eq!(run(&mut c, "XRANGE nokey - + COUNT 0"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "XRANGE nokey - +"), Reply::Array(vec![]));
}

#[test]
fn range_argument_errors() {
    let (_e, mut c) = setup();
    fill(&mut c, "s", 1);
    assert_eq!(run(&mut c, "XRANGE s - + COUNT"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XRANGE s - + LIMIT 1"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XRANGE s - + COUNT x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "XRANGE s (- +"), err(INVALID_ID), "exclusive bounds take IDs only");
    assert_eq!(run(&mut c, "XRANGE s x +"), err(INVALID_ID));
    assert_eq!(
        run(&mut c, "XRANGE s (18446744073709551615-18446744073709551615 +"),
        err("ERR invalid start ID for the interval")
    );
    assert_eq!(run(&mut c, "XRANGE s - (0-0"), err("ERR invalid end ID for the interval"));
    assert_eq!(run(&mut c, "XRANGE s"), err("ERR wrong number of arguments for 'xrange' command"));
}

#[test]
fn xdel_and_the_deleted_id_high_water_mark() {
    let (_e, mut c) = setup();
    fill(&mut c, "s", 3);
    assert_eq!(run(&mut c, "XDEL s 2-0 2-0 9-0"), int(1));
    assert_eq!(run(&mut c, "XDEL s 1 x"), err(INVALID_ID));
    assert_eq!(run(&mut c, "XLEN s"), int(2), "an invalid ID deletes nothing");
    assert_eq!(run(&mut c, "XDEL nokey x"), int(0));
    assert_eq!(run(&mut c, "XDEL s 1-0 3-0"), int(2));
    let info = run(&mut c, "XINFO STREAM s");
    assert_eq!(field(&info, "length"), int(0));
    assert_eq!(field(&info, "max-deleted-entry-id"), bulk("3-0"));
    assert_eq!(field(&info, "recorded-first-entry-id"), bulk("0-0"));
    assert_eq!(field(&info, "entries-added"), int(3));
    assert_eq!(field(&info, "radix-tree-keys"), int(0));
    assert_eq!(field(&info, "first-entry"), Reply::Null);
    assert_eq!(run(&mut c, "XADD s 2 f v"), err("ERR The ID specified in XADD is equal or smaller than the target stream top item"));
}

#[test]
fn xtrim_exact_and_by_whole_nodes() {
    let (_e, mut c) = setup();
    fill(&mut c, "s", 350);
    assert_eq!(field(&run(&mut c, "XINFO STREAM s"), "radix-tree-keys"), int(4), "100 entries per node");
    assert_eq!(run(&mut c, "XTRIM s MAXLEN ~ 120"), int(200), "only whole nodes go");
    assert_eq!(run(&mut c, "XTRIM s MAXLEN ~ 10 LIMIT 50"), int(0), "a node has more entries than the limit");
    assert_eq!(run(&mut c, "XTRIM s MAXLEN ~ 10 LIMIT 200"), int(100));
    assert_eq!(run(&mut c, "XLEN s"), int(50));
    assert_eq!(run(&mut c, "XTRIM s MINID ~ 320"), int(0), "the last node holds IDs past 320");
    assert_eq!(run(&mut c, "XTRIM s MINID 320"), int(19));
    assert_eq!(run(&mut c, "XRANGE s - + COUNT 1"), entries(&[("320-0", &["f", "320"])]));
    assert_eq!(run(&mut c, "XTRIM s MAXLEN = 1"), int(30));
    assert_eq!(run(&mut c, "XRANGE s - +"), entries(&[("350-0", &["f", "350"])]));
    let info = run(&mut c, "XINFO STREAM s");
    assert_eq!(field(&info, "max-deleted-entry-id"), bulk("0-0"), "trimming leaves no tombstone");
    assert_eq!(field(&info, "recorded-first-entry-id"), bulk("350-0"));
}

#[test]
fn xtrim_errors() {
    let (_e, mut c) = setup();
    fill(&mut c, "s", 2);
    assert_eq!(run(&mut c, "XTRIM s FOO 1"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XTRIM nokey FOO 1"), err("ERR syntax error"), "arguments are checked first");
    assert_eq!(run(&mut c, "XTRIM nokey MAXLEN 1"), int(0));
    assert_eq!(run(&mut c, "XTRIM s LIMIT 1 x"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XTRIM s LIMIT 0 NOMKSTREAM"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XTRIM s MAXLEN 1 LIMIT 1"), err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
    assert_eq!(run(&mut c, "XTRIM s MAXLEN"), err("ERR wrong number of arguments for 'xtrim' command"));
    assert_eq!(run(&mut c, "XLEN s"), int(2));
}

#[test]
fn wrong_types_are_refused() {
    let (_e, mut c) = setup();
    run(&mut c, "SET str v");
    for cmd in [
        "XADD str * a 1", "XADD str NOMKSTREAM * a 1", "XLEN str", "XRANGE str - +", "XREVRANGE str + -", "XDEL str 1",
        "XDEL str x", "XTRIM str MAXLEN 1", "XREAD STREAMS str 0", "XREADGROUP GROUP g c STREAMS str >", "XACK str g 1",
        "XPENDING str g", "XCLAIM str g c 0 1", "XAUTOCLAIM str g c 0 0", "XSETID str 1", "XGROUP CREATE str g 0",
        "XGROUP CREATE str g 0 MKSTREAM", "XGROUP DESTROY str g", "XINFO STREAM str", "XINFO GROUPS str",
        "XINFO CONSUMERS str g",
    ] {
        assert_eq!(run(&mut c, cmd), err(WRONGTYPE), "{cmd}");
    }
    assert_eq!(run(&mut c, "GET str"), bulk("v"));
}

#[test]
fn xread_from_ids_dollar_and_plus() {
    let (_e, mut c) = setup();
    fill(&mut c, "a", 3);
    fill(&mut c, "b", 1);
    let from_a = |items: Reply| Reply::Array(vec![Reply::Array(vec![bulk("a"), items])]);
    assert_eq!(run(&mut c, "XREAD COUNT 2 STREAMS a 0"), from_a(entries(&[("1-0", &["f", "1"]), ("2-0", &["f", "2"])])));
    assert_eq!(run(&mut c, "XREAD STREAMS a 2-0"), from_a(entries(&[("3-0", &["f", "3"])])));
    assert_eq!(run(&mut c, "XREAD STREAMS a +"), from_a(entries(&[("3-0", &["f", "3"])])));
    assert_eq!(run(&mut c, "XREAD STREAMS a $"), Reply::NullArray);
    assert_eq!(run(&mut c, "XREAD STREAMS a 3"), Reply::NullArray);
    assert_eq!(run(&mut c, "XREAD STREAMS nokey 0"), Reply::NullArray);
    assert_eq!(
        run(&mut c, "XREAD COUNT 1 STREAMS nokey a b 0 0 0"),
        Reply::Array(vec![
            Reply::Array(vec![bulk("a"), entries(&[("1-0", &["f", "1"])])]),
            Reply::Array(vec![bulk("b"), entries(&[("1-0", &["f", "1"])])]),
        ])
    );
    run(&mut c, "HELLO 3");
    assert_eq!(run(&mut c, "XREAD STREAMS b 0"), Reply::Map(vec![(bulk("b"), entries(&[("1-0", &["f", "1"])]))]));
}

#[test]
fn xread_errors() {
    let (_e, mut c) = setup();
    fill(&mut c, "a", 1);
    let unbalanced = err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
    assert_eq!(run(&mut c, "XREAD STREAMS a a 0"), unbalanced);
    assert_eq!(run(&mut c, "XREADGROUP GROUP g c STREAMS a a >"), unbalanced);
    assert_eq!(run(&mut c, "XREAD COUNT 1 a 0"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XREAD STREAMS a x"), err(INVALID_ID));
    assert_eq!(run(&mut c, "XREAD COUNT x STREAMS a 0"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "XREAD BLOCK x STREAMS a 0"), err("ERR timeout is not an integer or out of range"));
    assert_eq!(run(&mut c, "XREAD BLOCK -1 STREAMS a 0"), err("ERR timeout is negative"));
    assert_eq!(run(&mut c, "XREAD STREAMS a >"), err("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."));
    assert_eq!(run(&mut c, "XREAD GROUP g c STREAMS a 0"), err("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."));
    assert_eq!(run(&mut c, "XREAD NOACK STREAMS a 0"), err("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."));
    assert_eq!(run(&mut c, "XREADGROUP COUNT 1 STREAMS a b > >"), err("ERR Missing GROUP option for XREADGROUP"));
}

#[test]
fn xread_block_waits_for_new_entries() {
    let (engine, mut reader) = setup();
    let mut writer = engine.connect(ConnectionInfo::embedded("test"));
    fill(&mut writer, "s", 1);
    let start = |c: &mut Client, line: &str| {
        let words: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        c.start(&words)
    };
    let Outcome::Blocked(waiter) = start(&mut reader, "XREAD BLOCK 0 STREAMS s 1-0") else { panic!("should block") };
    assert!(waiter.try_take().is_none());
    run(&mut writer, "XADD s 2-0 f 2");
    assert_eq!(waiter.try_take(), Some(Reply::Array(vec![Reply::Array(vec![bulk("s"), entries(&[("2-0", &["f", "2"])])])])));

    let Outcome::Blocked(waiter) = start(&mut reader, "XREAD BLOCK 100 STREAMS s 2-0") else { panic!("should block") };
    engine.advance_time(100);
    assert_eq!(waiter.try_take(), Some(Reply::NullArray), "the timeout follows the engine clock");

    // `$` is pinned to the last ID at the time of blocking, so the next entry is what it gets.
    let Outcome::Blocked(waiter) = start(&mut reader, "XREAD BLOCK 0 STREAMS s $") else { panic!("should block") };
    run(&mut writer, "XADD s 3-0 f 3");
    assert_eq!(waiter.try_take(), Some(Reply::Array(vec![Reply::Array(vec![bulk("s"), entries(&[("3-0", &["f", "3"])])])])));
    assert_eq!(run(&mut reader, "MULTI"), ok());
    assert_eq!(run(&mut reader, "XREAD BLOCK 0 STREAMS s 3-0"), Reply::QUEUED);
    assert_eq!(run(&mut reader, "EXEC"), Reply::Array(vec![Reply::NullArray]), "no waiting inside MULTI");
}

#[test]
fn xreadgroup_block_is_served_by_the_next_xadd() {
    let (engine, mut reader) = setup();
    let mut writer = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut writer, "XGROUP CREATE s g $ MKSTREAM");
    let words: Vec<&[u8]> = "XREADGROUP GROUP g alice BLOCK 0 STREAMS s >".split(' ').map(str::as_bytes).collect();
    let Outcome::Blocked(waiter) = reader.start(&words) else { panic!("should block") };
    run(&mut writer, "XADD s 1-0 f 1");
    assert_eq!(waiter.try_take(), Some(Reply::Array(vec![Reply::Array(vec![bulk("s"), entries(&[("1-0", &["f", "1"])])])])));
    assert_eq!(nth(&run(&mut writer, "XPENDING s g"), 0), int(1));
}

#[test]
fn consumer_groups_are_created_and_managed() {
    let (_e, mut c) = setup();
    let needs_key = err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
    assert_eq!(run(&mut c, "XGROUP CREATE s g $"), needs_key);
    assert_eq!(run(&mut c, "XGROUP CREATE s g $ MKSTREAM"), ok());
    assert_eq!(run(&mut c, "XLEN s"), int(0));
    assert_eq!(run(&mut c, "XGROUP CREATE s g 0"), err("BUSYGROUP Consumer Group name already exists"));
    assert_eq!(run(&mut c, "XGROUP CREATE s g2 x"), err(INVALID_ID));
    assert_eq!(run(&mut c, "XGROUP CREATE s g2 0 ENTRIESREAD -2"), err("ERR value for ENTRIESREAD must be positive or -1"));
    assert_eq!(run(&mut c, "XGROUP CREATE s g2 0 FOO"), err("ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."));
    assert_eq!(run(&mut c, "XGROUP SETID s nog 0"), err("NOGROUP No such consumer group 'nog' for key name 's'"));
    assert_eq!(run(&mut c, "XGROUP SETID s g 0 ENTRIESREAD"), err("ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP."));
    assert_eq!(run(&mut c, "XGROUP SETID s g 5-5 ENTRIESREAD 3"), ok());
    let groups = run(&mut c, "XINFO GROUPS s");
    assert_eq!(field(&nth(&groups, 0), "last-delivered-id"), bulk("5-5"));
    assert_eq!(field(&nth(&groups, 0), "entries-read"), int(3));
    assert_eq!(run(&mut c, "XGROUP CREATECONSUMER s g alice"), int(1));
    assert_eq!(run(&mut c, "XGROUP CREATECONSUMER s g alice"), int(0));
    assert_eq!(run(&mut c, "XGROUP CREATECONSUMER s nog alice"), err("NOGROUP No such consumer group 'nog' for key name 's'"));
    assert_eq!(run(&mut c, "XGROUP DELCONSUMER s g bob"), int(0));
    assert_eq!(run(&mut c, "XGROUP DELCONSUMER s g alice"), int(0), "alice had nothing pending");
    assert_eq!(run(&mut c, "XGROUP DESTROY s g"), int(1));
    assert_eq!(run(&mut c, "XGROUP DESTROY s g"), int(0));
    assert_eq!(run(&mut c, "XGROUP DESTROY nokey g"), needs_key);
    assert_eq!(run(&mut c, "XGROUP FOO s g"), err("ERR unknown subcommand 'FOO'. Try XGROUP HELP."));
    assert_eq!(run(&mut c, "XGROUP CREATE s"), err("ERR wrong number of arguments for 'xgroup|create' command"));
    let Reply::Array(help) = run(&mut c, "XGROUP HELP") else { panic!() };
    assert_eq!(help[0], Reply::simple("XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    assert_eq!(help.last(), Some(&Reply::simple("    Print this help.")));
}

#[test]
fn xreadgroup_delivers_new_entries_and_history() {
    let (_e, mut c) = setup();
    stream_with_group(&mut c);
    let from_s = |items: Reply| Reply::Array(vec![Reply::Array(vec![bulk("s"), items])]);
    assert_eq!(run(&mut c, "XREADGROUP GROUP g alice COUNT 2 STREAMS s >"), from_s(entries(&[("1-0", &["f", "1"]), ("2-0", &["f", "2"])])));
    assert_eq!(run(&mut c, "XREADGROUP GROUP g bob STREAMS s >"), from_s(entries(&[("3-0", &["f", "3"]), ("4-0", &["f", "4"])])));
    assert_eq!(run(&mut c, "XREADGROUP GROUP g carol STREAMS s >"), Reply::NullArray);
    let Reply::Array(consumers) = run(&mut c, "XINFO CONSUMERS s g") else { panic!() };
    assert_eq!(consumers.len(), 2, "a read that found nothing creates no consumer");
    assert_eq!(run(&mut c, "XREADGROUP GROUP g alice STREAMS s 0"), from_s(entries(&[("1-0", &["f", "1"]), ("2-0", &["f", "2"])])));
    assert_eq!(run(&mut c, "XREADGROUP GROUP g alice COUNT 1 STREAMS s 1"), from_s(entries(&[("2-0", &["f", "2"])])));
    run(&mut c, "XDEL s 1-0");
    assert_eq!(
        run(&mut c, "XREADGROUP GROUP g alice STREAMS s 0"),
        from_s(Reply::Array(vec![Reply::Array(vec![bulk("1-0"), Reply::NullArray]), entry("2-0", &["f", "2"])])),
        "a deleted pending entry comes back without fields"
    );
    assert_eq!(run(&mut c, "XREADGROUP GROUP g dave STREAMS s 0"), from_s(Reply::Array(vec![])));
    let pending = run(&mut c, "XPENDING s g - + 10 alice");
    assert_eq!(nth(&nth(&pending, 1), 3), int(4), "delivered by >, then three history reads");
}

#[test]
fn xreadgroup_errors() {
    let (_e, mut c) = setup();
    stream_with_group(&mut c);
    run(&mut c, "SET str v");
    let nogroup = |k: &str, g: &str| err(&format!("NOGROUP No such key '{k}' or consumer group '{g}' in XREADGROUP with GROUP option"));
    assert_eq!(run(&mut c, "XREADGROUP GROUP nog c STREAMS s >"), nogroup("s", "nog"));
    assert_eq!(run(&mut c, "XREADGROUP GROUP g c STREAMS nokey >"), nogroup("nokey", "g"));
    assert_eq!(run(&mut c, "XREADGROUP GROUP g c STREAMS s $"), err("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."));
    assert_eq!(run(&mut c, "XREADGROUP GROUP g c STREAMS s +"), err(INVALID_ID));
    assert_eq!(run(&mut c, "XREADGROUP GROUP g c STREAMS s x"), err(INVALID_ID));
    assert_eq!(run(&mut c, "XREADGROUP GROUP g c BLOCK 10 NOACK STREAMS s 0"), Reply::Array(vec![Reply::Array(vec![bulk("s"), Reply::Array(vec![])])]));
}

#[test]
fn noack_reads_leave_nothing_pending() {
    let (_e, mut c) = setup();
    stream_with_group(&mut c);
    let Reply::Array(read) = run(&mut c, "XREADGROUP GROUP g alice NOACK STREAMS s >") else { panic!() };
    assert_eq!(read.len(), 1);
    assert_eq!(run(&mut c, "XPENDING s g"), Reply::Array(vec![int(0), Reply::Null, Reply::Null, Reply::NullArray]));
    let group = nth(&run(&mut c, "XINFO GROUPS s"), 0);
    assert_eq!(field(&group, "last-delivered-id"), bulk("4-0"));
    assert_eq!(field(&group, "consumers"), int(1));
}

#[test]
fn entries_read_and_lag() {
    let (_e, mut c) = setup();
    stream_with_group(&mut c);
    let group = |c: &mut Client| nth(&run(c, "XINFO GROUPS s"), 0);
    assert_eq!(field(&group(&mut c), "entries-read"), Reply::Null);
    assert_eq!(field(&group(&mut c), "lag"), int(4));
    run(&mut c, "XREADGROUP GROUP g alice COUNT 1 STREAMS s >");
    assert_eq!(field(&group(&mut c), "entries-read"), int(1));
    assert_eq!(field(&group(&mut c), "lag"), int(3));
    run(&mut c, "XDEL s 3-0");
    assert_eq!(field(&group(&mut c), "lag"), Reply::Null, "a tombstone ahead makes the lag unknown");
    run(&mut c, "XREADGROUP GROUP g alice STREAMS s >");
    assert_eq!(field(&group(&mut c), "entries-read"), int(4));
    assert_eq!(field(&group(&mut c), "lag"), int(0));
    run(&mut c, "XADD s 5-0 f 5");
    assert_eq!(field(&group(&mut c), "lag"), int(1));
    run(&mut c, "XGROUP CREATE s late 4-0");
    let late = nth(&run(&mut c, "XINFO GROUPS s"), 1);
    assert_eq!(field(&late, "name"), bulk("late"));
    assert_eq!(field(&late, "lag"), Reply::Null, "4-0 lies beyond a tombstone, its position is unknown");
}

#[test]
fn xack_and_xpending() {
    let (engine, mut c) = setup();
    stream_with_group(&mut c);
    run(&mut c, "XREADGROUP GROUP g alice COUNT 3 STREAMS s >");
    engine.advance_time(500);
    run(&mut c, "XREADGROUP GROUP g bob STREAMS s >");
    engine.advance_time(100);
    let summary = Reply::Array(vec![
        int(4),
        bulk("1-0"),
        bulk("4-0"),
        Reply::Array(vec![bulks(&["alice", "3"]), bulks(&["bob", "1"])]),
    ]);
    assert_eq!(run(&mut c, "XPENDING s g"), summary);
    let pending = |id: &str, who: &str, idle: i64| Reply::Array(vec![bulk(id), bulk(who), int(idle), int(1)]);
    assert_eq!(
        run(&mut c, "XPENDING s g - + 10"),
        Reply::Array(vec![pending("1-0", "alice", 600), pending("2-0", "alice", 600), pending("3-0", "alice", 600), pending("4-0", "bob", 100)])
    );
    assert_eq!(run(&mut c, "XPENDING s g IDLE 300 (1-0 + 10"), Reply::Array(vec![pending("2-0", "alice", 600), pending("3-0", "alice", 600)]));
    assert_eq!(run(&mut c, "XPENDING s g - + 1 bob"), Reply::Array(vec![pending("4-0", "bob", 100)]));
    assert_eq!(run(&mut c, "XPENDING s g - + 10 nobody"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "XPENDING s g - + 0"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "XPENDING s g - +"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XPENDING s g IDLE 10 - +"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XPENDING s g - + x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "XPENDING s nog"), err("NOGROUP No such key 's' or consumer group 'nog'"));
    assert_eq!(run(&mut c, "XPENDING nokey g"), err("NOGROUP No such key 'nokey' or consumer group 'g'"));

    assert_eq!(run(&mut c, "XACK s g 1-0 1-0 9-0"), int(1));
    assert_eq!(run(&mut c, "XACK s g 2 x"), err(INVALID_ID));
    assert_eq!(run(&mut c, "XACK s nog x"), int(0), "no group: nothing to acknowledge");
    assert_eq!(run(&mut c, "XACK s g 2 3 4"), int(3));
    assert_eq!(run(&mut c, "XPENDING s g"), Reply::Array(vec![int(0), Reply::Null, Reply::Null, Reply::NullArray]));
}

#[test]
fn xclaim_moves_pending_entries() {
    let (engine, mut c) = setup();
    stream_with_group(&mut c);
    run(&mut c, "XREADGROUP GROUP g alice STREAMS s >");
    engine.advance_time(1000);
    assert_eq!(run(&mut c, "XCLAIM s g bob 2000 1-0"), Reply::Array(vec![]), "not idle long enough");
    assert_eq!(run(&mut c, "XCLAIM s g bob 500 1-0 2-0"), entries(&[("1-0", &["f", "1"]), ("2-0", &["f", "2"])]));
    assert_eq!(run(&mut c, "XCLAIM s g bob 0 3-0 JUSTID RETRYCOUNT 7 IDLE 250"), bulks(&["3-0"]));
    let pending = run(&mut c, "XPENDING s g - + 10");
    assert_eq!(nth(&pending, 0), Reply::Array(vec![bulk("1-0"), bulk("bob"), int(0), int(2)]));
    assert_eq!(nth(&pending, 2), Reply::Array(vec![bulk("3-0"), bulk("bob"), int(250), int(7)]));
    assert_eq!(nth(&pending, 3), Reply::Array(vec![bulk("4-0"), bulk("alice"), int(1000), int(1)]));

    assert_eq!(run(&mut c, "XCLAIM s g bob 0 9-0"), Reply::Array(vec![]), "not pending: nothing to claim");
    run(&mut c, "XACK s g 4-0");
    assert_eq!(run(&mut c, "XCLAIM s g carol 0 4-0 FORCE JUSTID"), bulks(&["4-0"]), "FORCE creates the pending entry");
    run(&mut c, "XDEL s 2-0");
    assert_eq!(run(&mut c, "XCLAIM s g carol 0 2-0"), Reply::Array(vec![]));
    assert_eq!(nth(&run(&mut c, "XPENDING s g"), 0), int(3), "a deleted entry leaves the PEL when claimed");
    assert_eq!(run(&mut c, "XCLAIM s g carol 0 1-0 LASTID 10-0 JUSTID"), bulks(&["1-0"]));
    assert_eq!(field(&nth(&run(&mut c, "XINFO GROUPS s"), 0), "last-delivered-id"), bulk("10-0"));
}

#[test]
fn xclaim_errors() {
    let (_e, mut c) = setup();
    stream_with_group(&mut c);
    assert_eq!(run(&mut c, "XCLAIM s nog c 0 1"), err("NOGROUP No such key 's' or consumer group 'nog'"));
    assert_eq!(run(&mut c, "XCLAIM nokey g c 0 1"), err("NOGROUP No such key 'nokey' or consumer group 'g'"));
    assert_eq!(run(&mut c, "XCLAIM s g c x 1"), err("ERR Invalid min-idle-time argument for XCLAIM"));
    assert_eq!(run(&mut c, "XCLAIM s g c 0 1 IDLE x"), err("ERR Invalid IDLE option argument for XCLAIM"));
    assert_eq!(run(&mut c, "XCLAIM s g c 0 1 TIME x"), err("ERR Invalid TIME option argument for XCLAIM"));
    assert_eq!(run(&mut c, "XCLAIM s g c 0 1 RETRYCOUNT x"), err("ERR Invalid RETRYCOUNT option argument for XCLAIM"));
    assert_eq!(run(&mut c, "XCLAIM s g c 0 1 LASTID x"), err(INVALID_ID));
    assert_eq!(run(&mut c, "XCLAIM s g c 0 1 BOGUS"), err("ERR Unrecognized XCLAIM option 'BOGUS'"));
    assert_eq!(run(&mut c, "XCLAIM s g c 0 1 IDLE"), err("ERR Unrecognized XCLAIM option 'IDLE'"));
}

#[test]
fn xautoclaim_scans_the_pel_with_a_cursor() {
    let (engine, mut c) = setup();
    stream_with_group(&mut c);
    run(&mut c, "XREADGROUP GROUP g alice STREAMS s >");
    engine.advance_time(100);
    let reply = |cursor: &str, claimed: Reply, deleted: &[&str]| Reply::Array(vec![bulk(cursor), claimed, bulks(deleted)]);
    assert_eq!(run(&mut c, "XAUTOCLAIM s g bob 50 0 COUNT 1"), reply("2-0", entries(&[("1-0", &["f", "1"])]), &[]));
    assert_eq!(run(&mut c, "XAUTOCLAIM s g bob 50 (1-0 COUNT 2 JUSTID"), reply("4-0", bulks(&["2-0", "3-0"]), &[]));
    run(&mut c, "XDEL s 4-0");
    assert_eq!(run(&mut c, "XAUTOCLAIM s g bob 50 4-0"), reply("0-0", Reply::Array(vec![]), &["4-0"]));
    assert_eq!(run(&mut c, "XAUTOCLAIM s g carol 500 0"), reply("0-0", Reply::Array(vec![]), &[]), "nothing idle enough");
    let pending = run(&mut c, "XPENDING s g - + 10");
    assert_eq!(nth(&pending, 0), Reply::Array(vec![bulk("1-0"), bulk("bob"), int(0), int(2)]));
    assert_eq!(nth(&pending, 1), Reply::Array(vec![bulk("2-0"), bulk("bob"), int(0), int(1)]), "JUSTID counts no delivery");
    assert_eq!(run(&mut c, "XAUTOCLAIM s g c 0 0 COUNT 0"), err("ERR COUNT must be > 0"));
    assert_eq!(run(&mut c, "XAUTOCLAIM s g c 0 0 COUNT x"), err("ERR COUNT must be > 0"));
    assert_eq!(run(&mut c, "XAUTOCLAIM s g c 0 0 FOO"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XAUTOCLAIM s g c x 0"), err("ERR Invalid min-idle-time argument for XAUTOCLAIM"));
    assert_eq!(run(&mut c, "XAUTOCLAIM s g c 0 x"), err(INVALID_ID));
    assert_eq!(run(&mut c, "XAUTOCLAIM s nog c 0 0"), err("NOGROUP No such key 's' or consumer group 'nog'"));
}

#[test]
fn xinfo_reports_streams_groups_and_consumers() {
    let (engine, mut c) = setup();
    stream_with_group(&mut c);
    let info = run(&mut c, "XINFO STREAM s");
    assert_eq!(field(&info, "length"), int(4));
    assert_eq!(field(&info, "radix-tree-keys"), int(1));
    assert_eq!(field(&info, "radix-tree-nodes"), int(2));
    assert_eq!(field(&info, "last-generated-id"), bulk("4-0"));
    assert_eq!(field(&info, "groups"), int(1));
    assert_eq!(field(&info, "first-entry"), entry("1-0", &["f", "1"]));
    assert_eq!(field(&info, "last-entry"), entry("4-0", &["f", "4"]));

    run(&mut c, "XREADGROUP GROUP g alice COUNT 1 STREAMS s >");
    engine.advance_time(42);
    let consumers = run(&mut c, "XINFO CONSUMERS s g");
    assert_eq!(
        nth(&consumers, 0),
        Reply::Map(vec![(bulk("name"), bulk("alice")), (bulk("pending"), int(1)), (bulk("idle"), int(42))])
    );
    let full = run(&mut c, "XINFO STREAM s FULL COUNT 1");
    assert_eq!(field(&full, "entries"), entries(&[("1-0", &["f", "1"])]));
    let group = nth(&field(&full, "groups"), 0);
    assert_eq!(field(&group, "pel-count"), int(1));
    assert_eq!(field(&group, "pending"), Reply::Array(vec![Reply::Array(vec![bulk("1-0"), bulk("alice"), int(T0), int(1)])]));
    let alice = nth(&field(&group, "consumers"), 0);
    assert_eq!(field(&alice, "seen-time"), int(T0));
    assert_eq!(field(&alice, "pending"), Reply::Array(vec![Reply::Array(vec![bulk("1-0"), int(T0), int(1)])]));

    assert_eq!(run(&mut c, "XINFO STREAM nokey"), err("ERR no such key"));
    assert_eq!(run(&mut c, "XINFO CONSUMERS s nog"), err("NOGROUP No such consumer group 'nog' for key name 's'"));
    assert_eq!(run(&mut c, "XINFO STREAM s FULL COUNT x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "XINFO STREAM s FOO"), err("ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."));
    assert_eq!(run(&mut c, "XINFO GROUPS nokey"), err("ERR no such key"));
    let Reply::Array(help) = run(&mut c, "XINFO HELP") else { panic!() };
    assert_eq!(help[0], Reply::simple("XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
}

#[test]
fn xsetid_moves_the_last_id() {
    let (_e, mut c) = setup();
    fill(&mut c, "s", 3);
    assert_eq!(run(&mut c, "XSETID s 2-0"), err("ERR The ID specified in XSETID is smaller than the target stream top item"));
    assert_eq!(run(&mut c, "XSETID s 10-0 ENTRIESADDED 2"), err("ERR The entries_added specified in XSETID is smaller than the target stream length"));
    assert_eq!(run(&mut c, "XSETID s 10-0 ENTRIESADDED -1"), err("ERR entries_added must be positive"));
    assert_eq!(run(&mut c, "XSETID s 10-0 MAXDELETEDID 11-0"), err("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"));
    assert_eq!(run(&mut c, "XSETID s 10-0 FOO 1"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "XSETID nokey 1-0"), err("ERR no such key"));
    assert_eq!(run(&mut c, "XSETID s 10-0 ENTRIESADDED 50 MAXDELETEDID 9-0"), ok());
    let info = run(&mut c, "XINFO STREAM s");
    assert_eq!(field(&info, "last-generated-id"), bulk("10-0"));
    assert_eq!(field(&info, "entries-added"), int(50));
    assert_eq!(field(&info, "max-deleted-entry-id"), bulk("9-0"));
    assert_eq!(run(&mut c, "XSETID s 8-0"), ok(), "only the top entry bounds it, as in Redis 7.0");
    assert_eq!(run(&mut c, "XADD s 8-* f v"), bulk("8-1"));
}
