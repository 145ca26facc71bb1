//! Sorted-set commands. Like Redis's `t_zset.c`, families share one generic each: ZADD and
//! ZINCRBY (`zadd_generic`), the ZRANGE forms and ZRANGESTORE (`zrange_generic`), the
//! ZREMRANGEBY* trio, ZPOPMIN/ZPOPMAX/ZMPOP, and the ZUNION/ZINTER/ZDIFF family with its STORE
//! forms and ZINTERCARD.
//!
//! Scores are answered as `Reply::Double`; each face prints them as Redis does. WITHSCORES
//! replies are flat (member, score, ...) arrays in RESP2 and arrays of pairs in RESP3, as in
//! Redis 7.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use ahash::AHashMap;
use rand::Rng;

use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::args::scan_cursor;
use super::{Args, Ctx};
use crate::double::write_g17;
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::types::zset::{Bounds, LexRange, ScoreRange};
use crate::types::set::Member;
use crate::types::{SetValue, Value, ZSetValue};
use crate::util::{parse_f64, parse_i64};

const ZS: u32 = acl::SORTEDSET;
const R: u32 = flag::READONLY;
const R_FAST: u32 = flag::READONLY | flag::FAST;
const W: u32 = flag::WRITE;
const W_FAST: u32 = flag::WRITE | flag::FAST;
const W_OOM: u32 = flag::WRITE | flag::DENYOOM;
const W_OOM_FAST: u32 = flag::WRITE | flag::DENYOOM | flag::FAST;

const RO: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];
const RW_DELETE: &[KeySpec] = &[KeySpec::single(1, key::RW | key::DELETE)];
const RW_POP: &[KeySpec] = &[KeySpec::single(1, key::RW | key::ACCESS | key::DELETE)];
/// `numkeys key [key ...]` from argument 1.
const NUMKEYS_RO: &[KeySpec] = &[numkeys_spec(1, key::RO | key::ACCESS)];
/// `destination numkeys key [key ...]`.
const STORE_NUMKEYS: &[KeySpec] = &[KeySpec::single(1, key::OW | key::UPDATE), numkeys_spec(2, key::RO | key::ACCESS)];

const fn numkeys_spec(index: i32, flags: u16) -> KeySpec {
    let find = FindKeys::Keynum { keynumidx: 0, firstkey: 1, keystep: 1 };
    KeySpec { flags, begin: BeginSearch::Index(index), find, notes: "" }
}

const RANGE_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";
const REMRANGE_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.";
const POP_COMPLEXITY: &str = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.";
const UNION_COMPLEXITY: &str = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const INTER_COMPLEXITY: &str = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
const DIFF_COMPLEXITY: &str = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";

pub static COMMANDS: &[Command] = &[
    Command::new("zadd", -4, Group::SortedSet, zadd).flags(W_OOM_FAST).acl(ZS)
        .keys(&[KeySpec::single(1, key::RW | key::UPDATE)])
        .doc("1.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", "Add one or more members to a sorted set, or update its score if it already exists"),
    Command::new("zincrby", 4, Group::SortedSet, zincrby).flags(W_OOM_FAST).acl(ZS)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::UPDATE)])
        .doc("1.2.0", "O(log(N)) where N is the number of elements in the sorted set.", "Increment the score of a member in a sorted set"),
    Command::new("zrem", -3, Group::SortedSet, zrem).flags(W_FAST).acl(ZS).keys(RW_DELETE)
        .doc("1.2.0", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", "Remove one or more members from a sorted set"),
    Command::new("zcard", 2, Group::SortedSet, zcard).flags(R_FAST).acl(ZS).keys(&[KeySpec::single(1, key::RO)])
        .doc("1.2.0", "O(1)", "Get the number of members in a sorted set"),
    Command::new("zcount", 4, Group::SortedSet, zcount).flags(R_FAST).acl(ZS).keys(RO)
        .doc("2.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Count the members in a sorted set with scores within the given values"),
    Command::new("zlexcount", 4, Group::SortedSet, zlexcount).flags(R_FAST).acl(ZS).keys(RO)
        .doc("2.8.9", "O(log(N)) with N being the number of elements in the sorted set.", "Count the number of members in a sorted set between a given lexicographical range"),
    Command::new("zscore", 3, Group::SortedSet, zscore).flags(R_FAST).acl(ZS).keys(RO)
        .doc("1.2.0", "O(1)", "Get the score associated with the given member in a sorted set"),
    Command::new("zmscore", -3, Group::SortedSet, zmscore).flags(R_FAST).acl(ZS).keys(RO)
        .doc("6.2.0", "O(N) where N is the number of members being requested.", "Get the score associated with the given members in a sorted set"),
    Command::new("zrank", -3, Group::SortedSet, zrank).flags(R_FAST).acl(ZS).keys(RO)
        .doc("2.0.0", "O(log(N))", "Determine the index of a member in a sorted set"),
    Command::new("zrevrank", -3, Group::SortedSet, zrevrank).flags(R_FAST).acl(ZS).keys(RO)
        .doc("2.0.0", "O(log(N))", "Determine the index of a member in a sorted set, with scores ordered from high to low"),
    Command::new("zrange", -4, Group::SortedSet, zrange).flags(R).acl(ZS).keys(RO)
        .doc("1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", "Return a range of members in a sorted set"),
    Command::new("zrangestore", -5, Group::SortedSet, zrangestore).flags(W_OOM).acl(ZS)
        .keys(&[KeySpec::single(1, key::OW | key::UPDATE), KeySpec::single(2, key::RO | key::ACCESS)])
        .doc("6.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", "Store a range of members from sorted set into another key"),
    Command::new("zrevrange", -4, Group::SortedSet, zrevrange).flags(R).acl(ZS).keys(RO)
        .doc("1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", "Return a range of members in a sorted set, by index, with scores ordered from high to low"),
    Command::new("zrangebyscore", -4, Group::SortedSet, zrangebyscore).flags(R).acl(ZS).keys(RO)
        .doc("1.0.5", RANGE_COMPLEXITY, "Return a range of members in a sorted set, by score"),
    Command::new("zrevrangebyscore", -4, Group::SortedSet, zrevrangebyscore).flags(R).acl(ZS).keys(RO)
        .doc("2.2.0", RANGE_COMPLEXITY, "Return a range of members in a sorted set, by score, with scores ordered from high to low"),
    Command::new("zrangebylex", -4, Group::SortedSet, zrangebylex).flags(R).acl(ZS).keys(RO)
        .doc("2.8.9", RANGE_COMPLEXITY, "Return a range of members in a sorted set, by lexicographical range"),
    Command::new("zrevrangebylex", -4, Group::SortedSet, zrevrangebylex).flags(R).acl(ZS).keys(RO)
        .doc("2.8.9", RANGE_COMPLEXITY, "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings."),
    Command::new("zremrangebyrank", 4, Group::SortedSet, zremrangebyrank).flags(W).acl(ZS).keys(RW_DELETE)
        .doc("2.0.0", REMRANGE_COMPLEXITY, "Remove all members in a sorted set within the given indexes"),
    Command::new("zremrangebyscore", 4, Group::SortedSet, zremrangebyscore).flags(W).acl(ZS).keys(RW_DELETE)
        .doc("1.2.0", REMRANGE_COMPLEXITY, "Remove all members in a sorted set within the given scores"),
    Command::new("zremrangebylex", 4, Group::SortedSet, zremrangebylex).flags(W).acl(ZS).keys(RW_DELETE)
        .doc("2.8.9", REMRANGE_COMPLEXITY, "Remove all members in a sorted set between the given lexicographical range"),
    Command::new("zpopmin", -2, Group::SortedSet, zpopmin).flags(W_FAST).acl(ZS).keys(RW_POP)
        .doc("5.0.0", POP_COMPLEXITY, "Remove and return members with the lowest scores in a sorted set"),
    Command::new("zpopmax", -2, Group::SortedSet, zpopmax).flags(W_FAST).acl(ZS).keys(RW_POP)
        .doc("5.0.0", POP_COMPLEXITY, "Remove and return members with the highest scores in a sorted set"),
    Command::new("zmpop", -4, Group::SortedSet, zmpop).flags(W).acl(ZS)
        .keys(&[numkeys_spec(1, key::RW | key::ACCESS | key::DELETE)])
        .doc("7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with scores in a sorted set"),
    Command::new("bzpopmin", -3, Group::SortedSet, bzpopmin).flags(flag::WRITE | flag::NOSCRIPT | flag::FAST | flag::BLOCKING).acl(ZS)
        .keys(&[KeySpec::range(1, -2, 1, key::RW | key::ACCESS | key::DELETE)])
        .doc("5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available"),
    Command::new("bzpopmax", -3, Group::SortedSet, bzpopmax).flags(flag::WRITE | flag::NOSCRIPT | flag::FAST | flag::BLOCKING).acl(ZS)
        .keys(&[KeySpec::range(1, -2, 1, key::RW | key::ACCESS | key::DELETE)])
        .doc("5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available"),
    Command::new("bzmpop", -5, Group::SortedSet, bzmpop).flags(flag::WRITE | flag::BLOCKING).acl(ZS)
        .keys(&[numkeys_spec(2, key::RW | key::ACCESS | key::DELETE)])
        .doc("7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with scores in a sorted set or block until one is available"),
    Command::new("zrandmember", -2, Group::SortedSet, zrandmember).flags(R).acl(ZS).keys(RO)
        .tips(&["nondeterministic_output"])
        .doc("6.2.0", "O(N) where N is the number of elements returned", "Get one or multiple random elements from a sorted set"),
    Command::new("zunion", -3, Group::SortedSet, zunion).flags(R).acl(ZS).keys(NUMKEYS_RO)
        .doc("6.2.0", UNION_COMPLEXITY, "Add multiple sorted sets"),
    Command::new("zinter", -3, Group::SortedSet, zinter).flags(R).acl(ZS).keys(NUMKEYS_RO)
        .doc("6.2.0", INTER_COMPLEXITY, "Intersect multiple sorted sets"),
    Command::new("zdiff", -3, Group::SortedSet, zdiff).flags(R).acl(ZS).keys(NUMKEYS_RO)
        .doc("6.2.0", DIFF_COMPLEXITY, "Subtract multiple sorted sets"),
    Command::new("zunionstore", -4, Group::SortedSet, zunionstore).flags(W_OOM).acl(ZS).keys(STORE_NUMKEYS)
        .doc("2.0.0", "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", "Add multiple sorted sets and store the resulting sorted set in a new key"),
    Command::new("zinterstore", -4, Group::SortedSet, zinterstore).flags(W_OOM).acl(ZS).keys(STORE_NUMKEYS)
        .doc("2.0.0", INTER_COMPLEXITY, "Intersect multiple sorted sets and store the resulting sorted set in a new key"),
    Command::new("zdiffstore", -4, Group::SortedSet, zdiffstore).flags(W_OOM).acl(ZS).keys(STORE_NUMKEYS)
        .doc("6.2.0", DIFF_COMPLEXITY, "Subtract multiple sorted sets and store the resulting sorted set in a new key"),
    Command::new("zintercard", -3, Group::SortedSet, zintercard).flags(R).acl(ZS).keys(NUMKEYS_RO)
        .doc("7.0.0", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", "Intersect multiple sorted sets and return the cardinality of the result"),
    Command::new("zscan", -3, Group::SortedSet, zscan).flags(R).acl(ZS).keys(RO)
        .tips(&["nondeterministic_output"])
        .doc("2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", "Incrementally iterate sorted sets elements and associated scores"),
];

const NAN_RESULT: Reply = Reply::err("ERR resulting score is not a number (NaN)");
const NOT_FLOAT_RANGE: Reply = Reply::err("ERR min or max is not a float");
const NOT_LEX_RANGE: Reply = Reply::err("ERR min or max not valid string range item");
const MUST_BE_POSITIVE: Reply = Reply::err("ERR value is out of range, must be positive");

mod plumbing;
mod add;
mod members;
mod ranges;
mod pop;
mod random;
mod algebra;
mod scan;

use plumbing::*;
use add::*;
use members::*;
use ranges::*;
use pop::*;
use random::*;
use algebra::*;
use scan::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_scores_print_as_redis_stores_them() {
        let text = |f: fn(f64) -> Vec<u8>, v: f64| String::from_utf8(f(v)).unwrap();
        assert_eq!(text(score_text, 1.1), "1.1000000000000001");
        assert_eq!(text(score_text, 4e18), "4e+18");
        assert_eq!(text(listpack_score_text, 4e18), "4000000000000000000");
        assert_eq!(text(listpack_score_text, 5e18), "5e+18");
        assert_eq!(text(listpack_score_text, -3.0), "-3");
        assert_eq!(text(listpack_score_text, 2.5), "2.5");
        assert_eq!(text(listpack_score_text, f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn ranks_clamp_like_redis() {
        assert_eq!(clamp_ranks(0, -1, 5), 0..5);
        assert_eq!(clamp_ranks(-100, 100, 5), 0..5);
        assert_eq!(clamp_ranks(3, 1, 5), 0..0);
        assert_eq!(clamp_ranks(5, 10, 5), 0..0);
        assert_eq!(clamp_ranks(-2, -1, 5), 3..5);
        assert_eq!(clamp_ranks(0, -6, 5), 0..0);
    }
}
