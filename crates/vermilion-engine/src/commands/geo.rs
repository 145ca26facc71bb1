//! Geospatial commands. A geo index is a plain sorted set whose scores are 52-bit geohashes
//! (see `geo/`); like Redis's `geo.c`, every search form — GEORADIUS, GEORADIUSBYMEMBER, their
//! `_RO` variants, GEOSEARCH and GEOSEARCHSTORE — runs through one generic, `search_generic`.
//!
//! Distances are printed with four decimals and coordinates with up to 17, trailing zeroes
//! trimmed, exactly as Redis prints them.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::sort::partial_sort_by;
use super::Ctx;
use crate::geo as geohash;
use crate::geo::{Extent, Shape};
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::types::{Value, ZSetValue};
use crate::util::{parse_f64, parse_i64};

const GEO: u32 = acl::GEO;
const R: u32 = flag::READONLY;
const W_OOM: u32 = flag::WRITE | flag::DENYOOM;

const RO: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];

/// GEORADIUS and GEORADIUSBYMEMBER read key 1 and may write the key after STORE or STOREDIST,
/// searched from the first option.
const fn radius_store_specs(first_option: i32) -> [KeySpec; 3] {
    [KeySpec::single(1, key::RO | key::ACCESS), store_spec("STORE", first_option), store_spec("STOREDIST", first_option)]
}

const fn store_spec(keyword: &'static str, startfrom: i32) -> KeySpec {
    KeySpec {
        flags: key::OW | key::UPDATE,
        begin: BeginSearch::Keyword { keyword, startfrom },
        find: FindKeys::Range { lastkey: 0, keystep: 1, limit: 0 },
        notes: "",
    }
}
const GEORADIUS_KEYS: &[KeySpec] = &radius_store_specs(6);
const GEORADIUSBYMEMBER_KEYS: &[KeySpec] = &radius_store_specs(5);

const SEARCH_COMPLEXITY: &str = "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape";
const RADIUS_COMPLEXITY: &str = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.";

pub static COMMANDS: &[Command] = &[
    Command::new("geoadd", -5, Group::Geo, geoadd).flags(W_OOM).acl(GEO)
        .keys(&[KeySpec::single(1, key::RW | key::UPDATE)])
        .doc("3.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", "Add one or more geospatial items in the geospatial index represented using a sorted set"),
    Command::new("geodist", -4, Group::Geo, geodist).flags(R).acl(GEO).keys(RO)
        .doc("3.2.0", "O(log(N))", "Returns the distance between two members of a geospatial index"),
    Command::new("geohash", -2, Group::Geo, geohash).flags(R).acl(GEO).keys(RO)
        .doc("3.2.0", "O(log(N)) for each member requested, where N is the number of elements in the sorted set.", "Returns members of a geospatial index as standard geohash strings"),
    Command::new("geopos", -2, Group::Geo, geopos).flags(R).acl(GEO).keys(RO)
        .doc("3.2.0", "O(N) where N is the number of members requested.", "Returns longitude and latitude of members of a geospatial index"),
    Command::new("geosearch", -7, Group::Geo, geosearch).flags(R).acl(GEO).keys(RO)
        .doc("6.2.0", SEARCH_COMPLEXITY, "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle."),
    Command::new("geosearchstore", -8, Group::Geo, geosearchstore).flags(W_OOM).acl(GEO)
        .keys(&[KeySpec::single(1, key::OW | key::UPDATE), KeySpec::single(2, key::RO | key::ACCESS)])
        .doc("6.2.0", SEARCH_COMPLEXITY, "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key."),
    Command::new("georadius", -6, Group::Geo, georadius).flags(W_OOM).acl(GEO).keys(GEORADIUS_KEYS)
        .doc("3.2.0", RADIUS_COMPLEXITY, "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point"),
    Command::new("georadius_ro", -6, Group::Geo, georadius_ro).flags(R).acl(GEO).keys(RO)
        .doc("3.2.10", RADIUS_COMPLEXITY, "A read-only variant for GEORADIUS"),
    Command::new("georadiusbymember", -5, Group::Geo, georadiusbymember).flags(W_OOM).acl(GEO).keys(GEORADIUSBYMEMBER_KEYS)
        .doc("3.2.0", RADIUS_COMPLEXITY, "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member"),
    Command::new("georadiusbymember_ro", -5, Group::Geo, georadiusbymember_ro).flags(R).acl(GEO).keys(RO)
        .doc("3.2.10", RADIUS_COMPLEXITY, "A read-only variant for GEORADIUSBYMEMBER"),
];

const UNDECODABLE_MEMBER: Reply = Reply::err("ERR could not decode requested zset member");
const BAD_UNIT: Reply = Reply::err("ERR unsupported unit provided. please use M, KM, FT, MI");

// ---------------------------------------------------------------------------------------------
// Argument helpers

/// A `longitude latitude` pair: both must be floats, then inside the indexable limits.
fn long_lat(longitude: &[u8], latitude: &[u8]) -> Result<[f64; 2], Reply> {
    let longitude = parse_f64(longitude).ok_or(errors::NOT_FLOAT)?;
    let latitude = parse_f64(latitude).ok_or(errors::NOT_FLOAT)?;
    if !geohash::valid_long_lat(longitude, latitude) {
        return Err(Reply::error(format!("ERR invalid longitude,latitude pair {longitude:.6},{latitude:.6}")));
    }
    Ok([longitude, latitude])
}

/// The meters in one `unit`.
fn unit_to_meters(unit: &[u8]) -> Result<f64, Reply> {
    Ok(match unit.to_ascii_lowercase().as_slice() {
        b"m" => 1.0,
        b"km" => 1000.0,
        b"ft" => 0.3048,
        b"mi" => 1609.34,
        _ => return Err(BAD_UNIT),
    })
}

/// A float, or the given error message.
fn float_or(arg: &[u8], not_a_number: &'static str) -> Result<f64, Reply> {
    parse_f64(arg).ok_or(Reply::err(not_a_number))
}

/// `radius unit`.
fn radius_and_unit(radius: &[u8], unit: &[u8]) -> Result<(f64, f64), Reply> {
    let radius = float_or(radius, "ERR need numeric radius")?;
    if radius < 0.0 {
        return Err(Reply::err("ERR radius cannot be negative"));
    }
    Ok((radius, unit_to_meters(unit)?))
}

/// `width height unit`.
fn box_and_unit(width: &[u8], height: &[u8], unit: &[u8]) -> Result<(f64, f64, f64), Reply> {
    let width = float_or(width, "ERR need numeric width")?;
    let height = float_or(height, "ERR need numeric height")?;
    if height < 0.0 || width < 0.0 {
        return Err(Reply::err("ERR height or width cannot be negative"));
    }
    Ok((width, height, unit_to_meters(unit)?))
}

/// A distance as Redis prints it: rounded half-to-even to four decimals (`fixedpoint_d2string`).
fn distance_text(d: f64) -> Vec<u8> {
    let scaled = (d * 10_000.0).round_ties_even() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let abs = scaled.unsigned_abs();
    format!("{sign}{}.{:04}", abs / 10_000, abs % 10_000).into_bytes()
}

/// A coordinate as Redis's `addReplyHumanLongDouble` prints it: `%.17Lf` with trailing zeroes
/// (and a bare trailing point) trimmed. RESP3 sends it as a double.
fn coordinate_reply(value: f64, resp3: bool) -> Reply {
    if resp3 {
        return Reply::Double(value);
    }
    let text = format!("{value:.17}");
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    Reply::bulk(if trimmed == "-0" { "0" } else { trimmed })
}

fn position_reply(xy: [f64; 2], resp3: bool) -> Reply {
    Reply::Array(vec![coordinate_reply(xy[0], resp3), coordinate_reply(xy[1], resp3)])
}

// ---------------------------------------------------------------------------------------------
// GEOADD

/// GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]
///
/// ZADD with scores computed from the coordinates; every pair is checked before the key is.
fn geoadd(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let (mut nx, mut xx, mut ch) = (false, false, false);
    while let Some(word) = ctx.args.peek() {
        match word.to_ascii_uppercase().as_slice() {
            b"NX" => nx = true,
            b"XX" => xx = true,
            b"CH" => ch = true,
            _ => break,
        }
        ctx.args.bytes()?;
    }
    let triples = ctx.args.rest();
    if triples.is_empty() || !triples.len().is_multiple_of(3) || (nx && xx) {
        return Err(errors::SYNTAX);
    }
    let mut points = Vec::with_capacity(triples.len() / 3);
    for triple in triples.chunks_exact(3) {
        let [longitude, latitude] = long_lat(triple[0], triple[1])?;
        let score = geohash::encode_score(longitude, latitude).expect("validated coordinates encode");
        points.push((score as f64, triple[2]));
    }

    let (mut added, mut updated) = (0, 0);
    let mut add_all = |zset: &mut ZSetValue| {
        for &(score, member) in &points {
            match zset.score(member) {
                Some(_) if nx => {}
                Some(current) if current != score => {
                    zset.set_score(member, score);
                    updated += 1;
                }
                Some(_) => {}
                None if xx => {}
                None => {
                    zset.set_score(member, score);
                    added += 1;
                }
            }
        }
    };
    if let Some(zset) = ctx.write_zset(key)? {
        add_all(zset);
    } else if !xx {
        let mut zset = ZSetValue::new();
        add_all(&mut zset);
        ctx.insert_absent(key, Value::ZSet(Box::new(zset)));
    }
    ctx.ks.dirty += (added + updated) as u64;
    // GEOADD is ZADD underneath, and publishes as ZADD does.
    if added + updated > 0 {
        ctx.notify(class::ZSET, "zadd", key);
    }
    Ok(Reply::Integer(if ch { added + updated } else { added }))
}

// ---------------------------------------------------------------------------------------------
// GEODIST, GEOHASH, GEOPOS

/// GEODIST key member1 member2 [M | KM | FT | MI]
fn geodist(ctx: &mut Ctx) -> CmdResult {
    let argv = ctx.args.argv();
    let to_meters = match argv.len() {
        4 => 1.0,
        5 => unit_to_meters(argv[4])?,
        _ => return Err(errors::SYNTAX),
    };
    let Some(zset) = ctx.read_zset(argv[1])? else { return Ok(Reply::Null) };
    let (Some(first), Some(second)) = (zset.score(argv[2]), zset.score(argv[3])) else {
        return Ok(Reply::Null);
    };
    let [lon1, lat1] = geohash::decode_score(first);
    let [lon2, lat2] = geohash::decode_score(second);
    Ok(Reply::bulk(distance_text(geohash::distance(lon1, lat1, lon2, lat2) / to_meters)))
}

/// GEOHASH key [member [member ...]]
fn geohash(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.args.rest();
    let zset = ctx.read_zset(key)?;
    let hashes = members.iter().map(|member| match zset.as_ref().and_then(|z| z.score(member)) {
        Some(score) => Reply::bulk(geohash::standard_geohash(score)),
        None => Reply::Null,
    });
    Ok(Reply::Array(hashes.collect()))
}

/// GEOPOS key [member [member ...]]
fn geopos(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.args.rest();
    let resp3 = ctx.resp3();
    let zset = ctx.read_zset(key)?;
    let positions = members.iter().map(|member| match zset.as_ref().and_then(|z| z.score(member)) {
        Some(score) => position_reply(geohash::decode_score(score), resp3),
        None => Reply::NullArray,
    });
    Ok(Reply::Array(positions.collect()))
}

// ---------------------------------------------------------------------------------------------
// The search family

/// Which search command runs: where its centre and extent come from and what it may store.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// GEORADIUS key longitude latitude radius unit ...
    Radius { store: bool },
    /// GEORADIUSBYMEMBER key member radius unit ...
    RadiusByMember { store: bool },
    /// GEOSEARCH key FROMMEMBER|FROMLONLAT ... BYRADIUS|BYBOX ...
    Search,
    /// GEOSEARCHSTORE destination source ... [STOREDIST]
    SearchStore,
}

impl Form {
    fn source_index(self) -> usize {
        if self == Form::SearchStore { 2 } else { 1 }
    }

    fn is_search(self) -> bool {
        matches!(self, Form::Search | Form::SearchStore)
    }

    /// Whether STORE/STOREDIST with a key name are options here.
    fn takes_store_key(self) -> bool {
        matches!(self, Form::Radius { store: true } | Form::RadiusByMember { store: true })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Unsorted,
    Ascending,
    Descending,
}

/// Where a search stores its result, and whether scores are distances instead of geohashes.
#[derive(Clone, Copy)]
struct Store<'a> {
    key: &'a [u8],
    distances: bool,
}

/// A parsed search.
struct Query<'a> {
    shape: Shape,
    with_dist: bool,
    with_hash: bool,
    with_coord: bool,
    order: Order,
    /// 0: no limit.
    count: usize,
    /// With COUNT: stop at the first `count` matches rather than the nearest ones.
    any: bool,
    store: Option<Store<'a>>,
}

/// One match.
struct Point<'a> {
    member: &'a [u8],
    score: f64,
    xy: [f64; 2],
    /// In meters.
    distance: f64,
}

/// GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
/// [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]
fn georadius(ctx: &mut Ctx) -> CmdResult {
    search_generic(ctx, Form::Radius { store: true })
}

/// GEORADIUS_RO key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
/// [COUNT count [ANY]] [ASC|DESC]
fn georadius_ro(ctx: &mut Ctx) -> CmdResult {
    search_generic(ctx, Form::Radius { store: false })
}

/// GEORADIUSBYMEMBER key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
/// [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]
fn georadiusbymember(ctx: &mut Ctx) -> CmdResult {
    search_generic(ctx, Form::RadiusByMember { store: true })
}

/// GEORADIUSBYMEMBER_RO key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
/// [COUNT count [ANY]] [ASC|DESC]
fn georadiusbymember_ro(ctx: &mut Ctx) -> CmdResult {
    search_generic(ctx, Form::RadiusByMember { store: false })
}

/// GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude
/// BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]]
/// [WITHCOORD] [WITHDIST] [WITHHASH]
fn geosearch(ctx: &mut Ctx) -> CmdResult {
    search_generic(ctx, Form::Search)
}

/// GEOSEARCHSTORE destination source FROMMEMBER member|FROMLONLAT longitude latitude
/// BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]]
/// [STOREDIST]
fn geosearchstore(ctx: &mut Ctx) -> CmdResult {
    search_generic(ctx, Form::SearchStore)
}

/// Redis's `georadiusGeneric`: looks the source up (WRONGTYPE first), parses in Redis's order
/// (so errors come out as Redis's do), searches, then replies or stores.
fn search_generic(ctx: &mut Ctx, form: Form) -> CmdResult {
    let argv = ctx.args.argv();
    let resp3 = ctx.resp3();
    let source = ctx.read_zset(argv[form.source_index()])?.map(|z| &*z);
    let query = Query::parse(argv, form, source)?;
    let Some(zset) = source else {
        return match query.store {
            Some(store) => store_members(ctx, form, store.key, Vec::new()),
            None => Ok(Reply::Array(Vec::new())),
        };
    };
    let points = query.search(zset);
    match query.store {
        None => Ok(Reply::Array(points.iter().map(|p| query.point_reply(p, resp3)).collect())),
        Some(store) => {
            let members = stored_members(&points, store, query.shape.to_meters);
            store_members(ctx, form, store.key, members)
        }
    }
}

impl<'a> Query<'a> {
    fn parse(argv: &'a [&'a [u8]], form: Form, source: Option<&ZSetValue>) -> Result<Query<'a>, Reply> {
        let mut query = Query {
            shape: Shape { center: [0.0, 0.0], extent: Extent::Radius(0.0), to_meters: 1.0 },
            with_dist: false,
            with_hash: false,
            with_coord: false,
            order: Order::Unsorted,
            count: 0,
            any: false,
            store: None,
        };
        let first_option = match form {
            Form::Radius { .. } => {
                query.shape.center = long_lat(argv[2], argv[3])?;
                query.set_radius(argv[4], argv[5])?;
                6
            }
            Form::RadiusByMember { .. } => {
                // Without a source there is nothing to decode; parsing goes on to pick the reply.
                if let Some(zset) = source {
                    query.shape.center = member_position(zset, argv[2])?;
                    query.set_radius(argv[3], argv[4])?;
                }
                5
            }
            Form::Search => 2,
            Form::SearchStore => {
                query.store = Some(Store { key: argv[1], distances: false });
                3
            }
        };
        let (mut from_member, mut from_lonlat, mut by_radius, mut by_box) = (false, false, false, false);
        let options = &argv[first_option..];
        let mut i = 0;
        while i < options.len() {
            let left = options.len() - i - 1;
            let search = form.is_search();
            match options[i].to_ascii_uppercase().as_slice() {
                b"WITHDIST" => query.with_dist = true,
                b"WITHHASH" => query.with_hash = true,
                b"WITHCOORD" => query.with_coord = true,
                b"ANY" => query.any = true,
                b"ASC" => query.order = Order::Ascending,
                b"DESC" => query.order = Order::Descending,
                b"COUNT" if left >= 1 => {
                    let count = parse_i64(options[i + 1]).ok_or(errors::NOT_INTEGER)?;
                    if count <= 0 {
                        return Err(Reply::err("ERR COUNT must be > 0"));
                    }
                    query.count = usize::try_from(count).unwrap_or(usize::MAX);
                    i += 1;
                }
                word @ (b"STORE" | b"STOREDIST") if left >= 1 && form.takes_store_key() => {
                    query.store = Some(Store { key: options[i + 1], distances: word == b"STOREDIST" });
                    i += 1;
                }
                b"STOREDIST" if form == Form::SearchStore => {
                    query.store = Some(Store { key: argv[1], distances: true });
                }
                b"FROMMEMBER" if left >= 1 && search && !from_lonlat => {
                    if let Some(zset) = source {
                        query.shape.center = member_position(zset, options[i + 1])?;
                    }
                    from_member = true;
                    i += 1;
                }
                b"FROMLONLAT" if left >= 2 && search && !from_member => {
                    query.shape.center = long_lat(options[i + 1], options[i + 2])?;
                    from_lonlat = true;
                    i += 2;
                }
                b"BYRADIUS" if left >= 2 && search && !by_box => {
                    query.set_radius(options[i + 1], options[i + 2])?;
                    by_radius = true;
                    i += 2;
                }
                b"BYBOX" if left >= 3 && search && !by_radius => {
                    let (width, height, to_meters) = box_and_unit(options[i + 1], options[i + 2], options[i + 3])?;
                    query.shape.extent = Extent::Box { width, height };
                    query.shape.to_meters = to_meters;
                    by_box = true;
                    i += 3;
                }
                _ => return Err(errors::SYNTAX),
            }
            i += 1;
        }
        query.check(argv, form, from_member || from_lonlat, by_radius || by_box)?;
        // The nearest `count` need sorting; ANY takes the first found as they come.
        if query.count != 0 && query.order == Order::Unsorted && !query.any {
            query.order = Order::Ascending;
        }
        Ok(query)
    }

    fn set_radius(&mut self, radius: &[u8], unit: &[u8]) -> Result<(), Reply> {
        let (radius, to_meters) = radius_and_unit(radius, unit)?;
        self.shape.extent = Extent::Radius(radius);
        self.shape.to_meters = to_meters;
        Ok(())
    }

    /// The combination checks Redis makes once every option is read.
    fn check(&self, argv: &[&[u8]], form: Form, has_center: bool, has_extent: bool) -> Result<(), Reply> {
        if self.store.is_some() && (self.with_dist || self.with_hash || self.with_coord) {
            let what = if form == Form::SearchStore { "GEOSEARCHSTORE" } else { "STORE option in GEORADIUS" };
            return Err(Reply::error(format!("ERR {what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options")));
        }
        let name = String::from_utf8_lossy(argv[0]);
        if form.is_search() && !has_center {
            return Err(Reply::error(format!("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}")));
        }
        if form.is_search() && !has_extent {
            return Err(Reply::error(format!("ERR exactly one of BYRADIUS and BYBOX can be specified for {name}")));
        }
        if self.any && self.count == 0 {
            return Err(Reply::err("ERR the ANY argument requires COUNT argument"));
        }
        Ok(())
    }

    /// The matches, ordered as asked and cut to COUNT.
    fn search<'z>(&self, zset: &'z ZSetValue) -> Vec<Point<'z>> {
        let limit = if self.any { self.count } else { 0 };
        let mut points = Vec::new();
        for cell in self.shape.cells() {
            if limit != 0 && points.len() >= limit {
                break;
            }
            self.collect_cell(zset, cell, limit, &mut points);
        }
        let returned = if self.count == 0 { points.len() } else { self.count.min(points.len()) };
        let by_distance = |a: &Point, b: &Point| {
            let ordering = a.distance.partial_cmp(&b.distance).unwrap_or(Ordering::Equal);
            if self.order == Order::Descending { ordering.reverse() } else { ordering }
        };
        // As in Redis: a stable sort of everything, or a partial quicksort of the first COUNT
        // (which places equally distant points as Redis does).
        if self.order != Order::Unsorted {
            if returned == points.len() {
                points.sort_by(by_distance);
            } else {
                partial_sort_by(&mut points, 0..=returned as isize - 1, by_distance);
            }
        }
        points.truncate(returned);
        points
    }

    /// Appends the members of one geohash cell that fall inside the shape, stopping at `limit`.
    fn collect_cell<'z>(&self, zset: &'z ZSetValue, cell: geohash::HashBits, limit: usize, out: &mut Vec<Point<'z>>) {
        let (min, max) = cell.score_range();
        let range = crate::types::zset::ScoreRange { min: min as f64, min_exclusive: false, max: max as f64, max_exclusive: true };
        let Some(first) = zset.first_in_range(&range) else { return };
        for (member, score) in zset.range(first..zset.len(), false) {
            if score >= max as f64 {
                break;
            }
            let xy = geohash::decode_score(score);
            if let Some(distance) = self.shape.distance_if_inside(xy) {
                out.push(Point { member, score, xy, distance });
            }
            if limit != 0 && out.len() >= limit {
                break;
            }
        }
    }

    /// One match: the member alone, or `[member, distance?, hash?, [lon, lat]?]`.
    fn point_reply(&self, point: &Point, resp3: bool) -> Reply {
        if !(self.with_dist || self.with_hash || self.with_coord) {
            return Reply::bulk(point.member);
        }
        let mut fields = vec![Reply::bulk(point.member)];
        if self.with_dist {
            fields.push(Reply::bulk(distance_text(point.distance / self.shape.to_meters)));
        }
        if self.with_hash {
            fields.push(Reply::Integer(point.score as i64));
        }
        if self.with_coord {
            fields.push(position_reply(point.xy, resp3));
        }
        Reply::Array(fields)
    }
}

/// The position of a member of the index.
fn member_position(zset: &ZSetValue, member: &[u8]) -> Result<[f64; 2], Reply> {
    zset.score(member).map(geohash::decode_score).ok_or(UNDECODABLE_MEMBER)
}

/// The (member, score) pairs a STORE writes: scores are geohashes, or distances in the
/// query's unit with STOREDIST. Neighbour cells can repeat a member; the set keeps it once.
fn stored_members(points: &[Point], store: Store, to_meters: f64) -> Vec<(Vec<u8>, f64)> {
    let mut seen = HashSet::with_capacity(points.len());
    points
        .iter()
        .filter(|p| seen.insert(p.member))
        .map(|p| (p.member.to_vec(), if store.distances { p.distance / to_meters } else { p.score }))
        .collect()
}

/// Replaces `key` with the result, or deletes it when there is none (publishing `del` if it
/// existed); replies with the count.
fn store_members(ctx: &mut Ctx, form: Form, key: &[u8], members: Vec<(Vec<u8>, f64)>) -> CmdResult {
    let stored = members.len();
    if stored == 0 {
        if ctx.delete(key) {
            ctx.notify(class::GENERIC, "del", key);
        }
    } else {
        ctx.store(key, Value::ZSet(Box::new(ZSetValue::from_members(members))), false);
        ctx.ks.dirty += stored as u64 - 1;
        let event = if form.is_search() { "geosearchstore" } else { "georadiusstore" };
        ctx.notify(class::ZSET, event, key);
    }
    Ok(Reply::Integer(stored as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_print_with_four_decimals() {
        assert_eq!(distance_text(166274.15156960033), b"166274.1516");
        assert_eq!(distance_text(0.0), b"0.0000");
        assert_eq!(distance_text(0.00005), b"0.0000");
        assert_eq!(distance_text(1.5), b"1.5000");
    }

    #[test]
    fn coordinates_print_like_long_doubles() {
        assert_eq!(coordinate_reply(13.361389338970184, false), Reply::bulk("13.36138933897018433"));
        assert_eq!(coordinate_reply(2.0, false), Reply::bulk("2"));
        assert_eq!(coordinate_reply(-0.0, false), Reply::bulk("0"));
    }
}
