//! SORT and SORT_RO, as Redis's `sort.c`: load the elements of a list, set or sorted set, weigh
//! them (by themselves or by `BY` pattern keys, numerically or with ALPHA), sort, cut with
//! LIMIT, and reply — or store — the elements or the values their `GET` patterns name.

use std::cmp::Ordering;
use std::ops::RangeInclusive;

use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::Ctx;
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::types::list::End;
use crate::types::{ListValue, Value};
use crate::util::parse_i64;

const SORT_ACL: u32 = acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS;
const COMPLEXITY: &str = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";

/// The keys `BY` and `GET` patterns name derive from the sorted elements, so no rule finds them.
const BY_GET_SPEC: KeySpec = KeySpec {
    flags: key::RO | key::ACCESS,
    begin: BeginSearch::Unknown,
    find: FindKeys::Unknown,
    notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
};

/// The destination follows STORE, which may stand anywhere among the options.
const STORE_SPEC: KeySpec = KeySpec {
    flags: key::OW | key::UPDATE,
    begin: BeginSearch::Unknown,
    find: FindKeys::Unknown,
    notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
};

/// The sorted key and the STORE destination, walking the options as Redis's `sortGetKeys` does
/// (skipping each option's arguments, so a pattern spelled "store" is not taken for STORE).
fn sort_keys(argv: &[&[u8]]) -> Vec<usize> {
    let mut keys = vec![1];
    let mut i = 2;
    while i < argv.len() {
        let skip = match argv[i].to_ascii_lowercase().as_slice() {
            b"limit" => 2,
            b"get" | b"by" => 1,
            b"store" => {
                if i + 1 < argv.len() {
                    keys.push(i + 1);
                }
                1
            }
            _ => 0,
        };
        i += skip + 1;
    }
    keys
}

pub static COMMANDS: &[Command] = &[
    Command::new("sort", -2, Group::Generic, sort).flags(flag::WRITE | flag::DENYOOM).acl(SORT_ACL)
        .keys(&[KeySpec::single(1, key::RO | key::ACCESS), BY_GET_SPEC, STORE_SPEC]).get_keys(sort_keys)
        .doc("1.0.0", COMPLEXITY, "Sort the elements in a list, set or sorted set"),
    Command::new("sort_ro", -2, Group::Generic, sort_ro).flags(flag::READONLY).acl(SORT_ACL)
        .keys(&[KeySpec::single(1, key::RO | key::ACCESS), BY_GET_SPEC]).get_keys(sort_keys)
        .doc("7.0.0", COMPLEXITY, "Sort the elements in a list, set or sorted set. Read-only variant of SORT."),
];

/// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC]
/// [ALPHA] [STORE destination]
fn sort(ctx: &mut Ctx) -> CmdResult {
    sort_generic(ctx, false)
}

/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC]
/// [ALPHA]
fn sort_ro(ctx: &mut Ctx) -> CmdResult {
    sort_generic(ctx, true)
}

/// SORT's options.
#[derive(Default)]
struct SortOptions<'a> {
    by: Option<&'a [u8]>,
    /// `BY` a pattern without `*`: every weight would be the same, so nothing is sorted.
    dont_sort: bool,
    offset: i64,
    /// Negative: no limit.
    count: i64,
    gets: Vec<&'a [u8]>,
    desc: bool,
    alpha: bool,
    store: Option<&'a [u8]>,
}

impl<'a> SortOptions<'a> {
    /// Parses the options; STORE is no option of the read-only variant.
    fn parse(options: &'a [&'a [u8]], readonly: bool) -> Result<Self, Reply> {
        let mut parsed = SortOptions { count: -1, ..SortOptions::default() };
        let mut i = 0;
        while i < options.len() {
            let left = options.len() - i - 1;
            match options[i].to_ascii_uppercase().as_slice() {
                b"ASC" => parsed.desc = false,
                b"DESC" => parsed.desc = true,
                b"ALPHA" => parsed.alpha = true,
                b"LIMIT" if left >= 2 => {
                    parsed.offset = parse_i64(options[i + 1]).ok_or(errors::NOT_INTEGER)?;
                    parsed.count = parse_i64(options[i + 2]).ok_or(errors::NOT_INTEGER)?;
                    i += 2;
                }
                b"STORE" if left >= 1 && !readonly => {
                    parsed.store = Some(options[i + 1]);
                    i += 1;
                }
                b"BY" if left >= 1 => {
                    parsed.by = Some(options[i + 1]);
                    parsed.dont_sort = !options[i + 1].contains(&b'*');
                    i += 1;
                }
                b"GET" if left >= 1 => {
                    parsed.gets.push(options[i + 1]);
                    i += 1;
                }
                _ => return Err(errors::SYNTAX),
            }
            i += 1;
        }
        Ok(parsed)
    }

    /// The inclusive positions `(start, end)` LIMIT selects among `len` elements, as Redis
    /// clamps them; `end < start` selects nothing.
    fn window(&self, len: usize) -> (i64, i64) {
        let len = len as i64;
        let mut start = self.offset.clamp(0, len);
        let count = self.count.clamp(-1, len);
        let mut end = if count < 0 { len - 1 } else { start + count - 1 };
        if start >= len {
            start = len - 1;
            end = len - 2;
        }
        (start, end.min(len - 1))
    }
}

/// One element to sort with its weight: a number, or with ALPHA the BY value (if any).
struct Item {
    element: Vec<u8>,
    score: f64,
    by_value: Option<Vec<u8>>,
}

impl Item {
    fn new(element: Vec<u8>) -> Item {
        Item { element, score: 0.0, by_value: None }
    }
}

fn sort_generic(ctx: &mut Ctx, readonly: bool) -> CmdResult {
    let argv = ctx.args.argv();
    let mut opts = SortOptions::parse(&argv[2..], readonly)?;
    let source = argv[1];
    let kind = match ctx.read(source).map(|value| &*value) {
        None => SourceKind::Missing,
        Some(Value::List(_)) => SourceKind::List,
        Some(Value::Set(_)) => SourceKind::Set,
        Some(Value::ZSet(_)) => SourceKind::ZSet,
        Some(_) => return Err(errors::WRONGTYPE),
    };
    // A set has no order of its own: where its hash order would leak into stored data, Redis
    // sorts it by the elements instead.
    if opts.dont_sort && kind == SourceKind::Set && opts.store.is_some() {
        opts.dont_sort = false;
        opts.alpha = true;
        opts.by = None;
    }

    let (mut items, (start, end)) = load(ctx, source, &opts);
    let mut unconvertible = false;
    if !opts.dont_sort {
        unconvertible = weigh(ctx, &mut items, &opts);
        // Redis sorts a window of BY-weighted elements with its partial quicksort, whose order
        // among equal weights is not the stable one; everything else with a stable merge sort.
        let whole = start == 0 && end == items.len() as i64 - 1;
        if opts.by.is_some() && !whole {
            partial_sort_by(&mut items, start as isize..=end as isize, |a, b| compare(a, b, &opts));
        } else {
            items.sort_by(|a, b| compare(a, b, &opts));
        }
    }
    if unconvertible {
        return Err(Reply::err("ERR One or more scores can't be converted into double"));
    }
    let selected = if end >= start { &items[start as usize..=end as usize] } else { &[][..] };
    match opts.store {
        None => Ok(Reply::Array(output(ctx, selected, &opts.gets).into_iter().map(|v| v.map_or(Reply::Null, Reply::bulk)).collect())),
        Some(destination) => {
            let values: Vec<Vec<u8>> = output(ctx, selected, &opts.gets).into_iter().map(Option::unwrap_or_default).collect();
            store_list(ctx, destination, values)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    Missing,
    List,
    Set,
    ZSet,
}

/// The elements to sort and the window of them to output. A list or sorted set that is not
/// sorted keeps its own order (reversed by DESC), and only the LIMIT window is loaded.
fn load(ctx: &mut Ctx, source: &[u8], opts: &SortOptions) -> (Vec<Item>, (i64, i64)) {
    let Some(entry) = ctx.db().keys.get(source) else { return (Vec::new(), opts.window(0)) };
    match entry {
        Value::List(list) if opts.dont_sort => {
            let (start, end) = opts.window(list.len());
            let range = if end >= start { start as usize..end as usize + 1 } else { 0..0 };
            let items: Vec<Item> = if opts.desc {
                let len = list.len();
                list.range(len - range.end..len - range.start).rev().map(|e| Item::new(e.to_vec())).collect()
            } else {
                list.range(range).map(|e| Item::new(e.to_vec())).collect()
            };
            let last = items.len() as i64 - 1;
            (items, (0, last))
        }
        Value::ZSet(zset) if opts.dont_sort => {
            let (start, end) = opts.window(zset.len());
            let range = if end >= start { start as usize..end as usize + 1 } else { 0..0 };
            let len = zset.len();
            let ranks = if opts.desc { len - range.end..len - range.start } else { range };
            let items: Vec<Item> = zset.range(ranks, opts.desc).map(|(m, _)| Item::new(m.to_vec())).collect();
            let last = items.len() as i64 - 1;
            (items, (0, last))
        }
        Value::List(list) => (list.iter().map(|e| Item::new(e.to_vec())).collect(), opts.window(list.len())),
        Value::Set(set) => (set.iter().map(|m| Item::new(m.to_vec())).collect(), opts.window(set.len())),
        Value::ZSet(zset) => (zset.iter().map(|(m, _)| Item::new(m.to_vec())).collect(), opts.window(zset.len())),
        _ => unreachable!("the source's type was checked"),
    }
}

/// Fills in the weights; returns whether some numeric weight could not be read.
fn weigh(ctx: &mut Ctx, items: &mut [Item], opts: &SortOptions) -> bool {
    let mut unconvertible = false;
    for item in items.iter_mut() {
        let by_value = match opts.by {
            Some(pattern) => match lookup_by_pattern(ctx, pattern, &item.element) {
                Some(value) => Some(value),
                // A missing weight counts as 0 (or sorts first with ALPHA).
                None => continue,
            },
            None => None,
        };
        if opts.alpha {
            item.by_value = by_value;
            continue;
        }
        match c_strtod(by_value.as_deref().unwrap_or(&item.element)) {
            Some(score) => item.score = score,
            None => unconvertible = true,
        }
    }
    unconvertible
}

/// Redis's `sortCompare`. Numeric ties fall back to the elements' bytes so the order is
/// deterministic; with ALPHA and BY, missing weights come first.
fn compare(a: &Item, b: &Item, opts: &SortOptions) -> Ordering {
    let ordering = if !opts.alpha {
        a.score.partial_cmp(&b.score).unwrap_or(Ordering::Equal).then_with(|| a.element.cmp(&b.element))
    } else if opts.by.is_some() {
        match (&a.by_value, &b.by_value) {
            (Some(x), Some(y)) => x.cmp(y),
            (x, y) => x.is_some().cmp(&y.is_some()),
        }
    } else {
        a.element.cmp(&b.element)
    };
    if opts.desc { ordering.reverse() } else { ordering }
}

/// The output values: each element itself, or, with GET patterns, what each pattern names
/// (`None` where that is missing).
fn output(ctx: &mut Ctx, items: &[Item], gets: &[&[u8]]) -> Vec<Option<Vec<u8>>> {
    if gets.is_empty() {
        return items.iter().map(|item| Some(item.element.clone())).collect();
    }
    let mut out = Vec::with_capacity(items.len() * gets.len());
    for item in items {
        for pattern in gets {
            out.push(lookup_by_pattern(ctx, pattern, &item.element));
        }
    }
    out
}

/// Stores the result as a list, or deletes the destination when there is none.
fn store_list(ctx: &mut Ctx, destination: &[u8], values: Vec<Vec<u8>>) -> CmdResult {
    let stored = values.len();
    if stored == 0 {
        if ctx.delete(destination) {
            ctx.notify(class::GENERIC, "del", destination);
        }
        return Ok(Reply::Integer(0));
    }
    let mut list = ListValue::new();
    let elements: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
    list.push(&elements, End::Tail);
    ctx.store(destination, Value::List(Box::new(list)), false);
    ctx.ks.dirty += stored as u64 - 1;
    ctx.notify(class::LIST, "sortstore", destination);
    Ok(Reply::Integer(stored as i64))
}

/// The value a BY or GET pattern names for one element (Redis's `lookupKeyByPattern`):
/// - `#` is the element itself;
/// - otherwise the first `*` is replaced by the element to make a key name, which must hold a
///   string — or, when `->field` follows the `*`, a hash whose field is read (a field past
///   its TTL reads as missing);
/// - a pattern without `*` names nothing.
fn lookup_by_pattern(ctx: &mut Ctx, pattern: &[u8], element: &[u8]) -> Option<Vec<u8>> {
    if pattern == b"#" {
        return Some(element.to_vec());
    }
    let star = pattern.iter().position(|&b| b == b'*')?;
    let after_star = &pattern[star + 1..];
    let arrow = after_star.windows(2).position(|w| w == b"->").filter(|&at| at + 2 < after_star.len());
    let (suffix, field) = match arrow {
        Some(at) => (&after_star[..at], Some(&after_star[at + 2..])),
        None => (after_star, None),
    };
    let key = [&pattern[..star], element, suffix].concat();
    match (&*ctx.read(&key)?, field) {
        (Value::String(s), None) => Some(s.to_vec()),
        // A field past its TTL is reclaimed, as any command naming a field does.
        (Value::Hash(_), Some(field)) => super::hash::live_field_value(ctx, &key, field),
        _ => None,
    }
}

/// Reads a weight as SORT does with C's `strtod`: leading white space is skipped, the text
/// ends at its first NUL byte, and the whole of it must be read — except that the empty text
/// reads as 0. Out-of-range values and NaN are refused.
fn c_strtod(text: &[u8]) -> Option<f64> {
    let text = text.split(|&b| b == 0).next().unwrap_or_default();
    if text.is_empty() {
        return Some(0.0);
    }
    let number = text.trim_ascii_start();
    let parsed: f64 = std::str::from_utf8(number).ok()?.parse().ok()?;
    let spelled_infinite = number.iter().any(|b| b.eq_ignore_ascii_case(&b'i'));
    let overflowed = parsed.is_infinite() && !spelled_infinite;
    let has_nonzero_digit = number.iter().take_while(|b| !b.eq_ignore_ascii_case(&b'e')).any(|b| (b'1'..=b'9').contains(b));
    let underflowed = (parsed == 0.0 && has_nonzero_digit) || parsed.is_subnormal();
    (!parsed.is_nan() && !overflowed && !underflowed).then_some(parsed)
}

/// Redis's `pqsort`: a quicksort (Bentley–McIlroy three-way partitioning, as in BSD's
/// `qsort`) that only recurses into partitions overlapping `wanted`, so the positions in
/// `wanted` end up sorted and the rest only partitioned. Equal elements land in the same
/// places Redis puts them, which clients see when weights tie.
pub(super) fn partial_sort_by<T>(v: &mut [T], wanted: RangeInclusive<isize>, cmp: impl Fn(&T, &T) -> Ordering) {
    let len = v.len();
    quicksort_window(v, 0, len, &cmp, &wanted);
}

fn quicksort_window<T>(v: &mut [T], mut start: usize, mut n: usize, cmp: &impl Fn(&T, &T) -> Ordering, wanted: &RangeInclusive<isize>) {
    loop {
        if n < 7 {
            insertion_sort(&mut v[start..start + n], cmp);
            return;
        }
        let a = start;
        v.swap(a, pivot_index(v, a, n, cmp));
        // [a+1, pa): equal to the pivot; [pa, pb): less; (pc, pd]: greater; (pd, a+n): equal.
        let (mut pa, mut pb, mut pc, mut pd) = (a + 1, a + 1, a + n - 1, a + n - 1);
        loop {
            while pb <= pc {
                match cmp(&v[pb], &v[a]) {
                    Ordering::Greater => break,
                    Ordering::Equal => {
                        v.swap(pa, pb);
                        pa += 1;
                    }
                    Ordering::Less => {}
                }
                pb += 1;
            }
            while pb <= pc {
                match cmp(&v[pc], &v[a]) {
                    Ordering::Less => break,
                    Ordering::Equal => {
                        v.swap(pc, pd);
                        pd -= 1;
                    }
                    Ordering::Greater => {}
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        // Move the equal runs from both ends into the middle.
        let end = a + n;
        let r = (pa - a).min(pb - pa);
        swap_runs(v, a, pb - r, r);
        let r = (pd - pc).min(end - pd - 1);
        swap_runs(v, pb, end - r, r);

        let overlaps = |first: usize, count: usize| {
            let (first, last) = (first as isize, (first + count) as isize - 1);
            !((*wanted.start() < first && *wanted.end() < first) || (*wanted.start() > last && *wanted.end() > last))
        };
        let less = pb - pa;
        if less > 1 && overlaps(a, less) {
            quicksort_window(v, a, less, cmp, wanted);
        }
        let greater = pd - pc;
        if greater > 1 && overlaps(end - greater, greater) {
            start = end - greater;
            n = greater;
            continue;
        }
        return;
    }
}

/// The pivot: the middle element, or the median of three (of three medians past 40 elements).
fn pivot_index<T>(v: &[T], a: usize, n: usize, cmp: &impl Fn(&T, &T) -> Ordering) -> usize {
    let mut middle = a + n / 2;
    if n > 7 {
        let (mut first, mut last) = (a, a + n - 1);
        if n > 40 {
            let d = n / 8;
            first = median_of_three(v, first, first + d, first + 2 * d, cmp);
            middle = median_of_three(v, middle - d, middle, middle + d, cmp);
            last = median_of_three(v, last - 2 * d, last - d, last, cmp);
        }
        middle = median_of_three(v, first, middle, last, cmp);
    }
    middle
}

fn median_of_three<T>(v: &[T], a: usize, b: usize, c: usize, cmp: &impl Fn(&T, &T) -> Ordering) -> usize {
    let less = |x: usize, y: usize| cmp(&v[x], &v[y]) == Ordering::Less;
    let greater = |x: usize, y: usize| cmp(&v[x], &v[y]) == Ordering::Greater;
    if less(a, b) {
        if less(b, c) { b } else if less(a, c) { c } else { a }
    } else if greater(b, c) {
        b
    } else if less(a, c) {
        a
    } else {
        c
    }
}

fn insertion_sort<T>(v: &mut [T], cmp: &impl Fn(&T, &T) -> Ordering) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && cmp(&v[j - 1], &v[j]) == Ordering::Greater {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Swaps the `count` elements from `x` with those from `y`, pairwise.
fn swap_runs<T>(v: &mut [T], x: usize, y: usize, count: usize) {
    for i in 0..count {
        v.swap(x + i, y + i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_read_like_strtod() {
        assert_eq!(c_strtod(b"1.5"), Some(1.5));
        assert_eq!(c_strtod(b"  -2"), Some(-2.0));
        assert_eq!(c_strtod(b""), Some(0.0));
        assert_eq!(c_strtod(b"inf"), Some(f64::INFINITY));
        assert_eq!(c_strtod(b"3\0junk"), Some(3.0));
        for bad in [&b"abc"[..], b"1 ", b" ", b"nan", b"1e400", b"1e-400", b"1x"] {
            assert_eq!(c_strtod(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn partial_sorts_order_the_window() {
        let mut rng_state = 12345u64;
        for len in [0usize, 1, 5, 7, 8, 30, 41, 200] {
            let mut v: Vec<u32> = (0..len)
                .map(|_| {
                    rng_state = rng_state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (rng_state >> 40) as u32 % 50
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort();
            let (lo, hi) = (len as isize / 3, len as isize / 2);
            partial_sort_by(&mut v, lo..=hi, |a, b| a.cmp(b));
            if len > 0 {
                assert_eq!(v[lo as usize..=hi as usize], sorted[lo as usize..=hi as usize], "len {len}");
            }
            partial_sort_by(&mut v, 0..=len as isize - 1, |a, b| a.cmp(b));
            assert_eq!(v, sorted);
        }
    }

    #[test]
    fn limit_windows_clamp_like_redis() {
        let opts = |offset, count| SortOptions { offset, count, ..SortOptions::default() };
        assert_eq!(opts(0, -1).window(5), (0, 4));
        assert_eq!(opts(1, 2).window(5), (1, 2));
        assert_eq!(opts(-3, 2).window(5), (0, 1));
        assert_eq!(opts(10, 2).window(5), (4, 3));
        assert_eq!(opts(0, 0).window(5), (0, -1));
        assert_eq!(opts(0, 100).window(5), (0, 4));
        assert_eq!(opts(0, -1).window(0), (-1, -2));
    }
}
