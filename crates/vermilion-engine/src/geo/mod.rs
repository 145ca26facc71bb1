//! Geohash math, as Redis's `geohash.c` / `geohash_helper.c` do it, so scores, decoded
//! coordinates, distances and search areas come out bit for bit the same.
//!
//! A position is a 52-bit interleaved geohash (26 steps of longitude and latitude bits, the
//! latitude in the even bits), stored as a sorted-set score. Latitudes stop at ±85.05112878,
//! the limits of the Web Mercator projection.

use std::f64::consts::PI;

pub const LONG_MIN: f64 = -180.0;
pub const LONG_MAX: f64 = 180.0;
pub const LAT_MIN: f64 = -85.05112878;
pub const LAT_MAX: f64 = 85.05112878;
/// 26 steps of two bits make the 52 bits a double holds exactly.
pub const STEP_MAX: u8 = 26;
/// Redis's Earth radius (the WGS-84 quadratic mean), in meters.
pub const EARTH_RADIUS_METERS: f64 = 6372797.560856;
const MERCATOR_MAX: f64 = 20037726.37;
const DEG_TO_RAD: f64 = PI / 180.0;

/// A closed interval of one coordinate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub min: f64,
    pub max: f64,
}

/// The coordinate ranges Redis encodes scores in.
pub const REDIS_LONGITUDES: Span = Span { min: LONG_MIN, max: LONG_MAX };
pub const REDIS_LATITUDES: Span = Span { min: LAT_MIN, max: LAT_MAX };
/// The ranges of the standard geohash (GEOHASH's strings).
pub const STANDARD_LONGITUDES: Span = Span { min: -180.0, max: 180.0 };
pub const STANDARD_LATITUDES: Span = Span { min: -90.0, max: 90.0 };

/// A geohash cell: `step` bits of each coordinate, interleaved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HashBits {
    pub bits: u64,
    pub step: u8,
}

impl HashBits {
    /// Redis marks a neighbour it does not need to search with all zeroes.
    const NONE: HashBits = HashBits { bits: 0, step: 0 };

    fn is_none(self) -> bool {
        self == HashBits::NONE
    }

    /// The cell's bits left-aligned to 52, i.e. the lowest score inside it.
    pub fn align52(self) -> u64 {
        self.bits << (52 - u32::from(self.step) * 2)
    }

    /// The scores `[min, max)` of every position inside the cell.
    pub fn score_range(self) -> (u64, u64) {
        let next = HashBits { bits: self.bits.wrapping_add(1), step: self.step };
        (self.align52(), next.align52())
    }
}

/// The longitude and latitude bounds of a cell.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    pub longitude: Span,
    pub latitude: Span,
}

/// Spreads the 32 bits of `v` over the even bits of a `u64`.
fn spread(v: u32) -> u64 {
    let mut x = u64::from(v);
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

/// Gathers the even bits of `v` into a `u32`: the inverse of [`spread`].
fn squash(v: u64) -> u32 {
    let mut x = v & 0x5555_5555_5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
    x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x >> 16)) & 0x0000_0000_FFFF_FFFF;
    x as u32
}

/// Whether a pair is inside the limits Redis can index.
pub fn valid_long_lat(longitude: f64, latitude: f64) -> bool {
    (LONG_MIN..=LONG_MAX).contains(&longitude) && (LAT_MIN..=LAT_MAX).contains(&latitude)
}

/// Encodes a position into a `step`-bit cell of the given ranges (Redis's `geohashEncode`).
pub fn encode(longitude: f64, latitude: f64, step: u8, longitudes: Span, latitudes: Span) -> Option<HashBits> {
    if !valid_long_lat(longitude, latitude) {
        return None;
    }
    if !(latitudes.min..=latitudes.max).contains(&latitude) || !(longitudes.min..=longitudes.max).contains(&longitude) {
        return None;
    }
    let cells = (1u64 << step) as f64;
    let lat_offset = (latitude - latitudes.min) / (latitudes.max - latitudes.min) * cells;
    let long_offset = (longitude - longitudes.min) / (longitudes.max - longitudes.min) * cells;
    let bits = spread(lat_offset as u32) | (spread(long_offset as u32) << 1);
    Some(HashBits { bits, step })
}

/// The 52-bit score of a valid position.
pub fn encode_score(longitude: f64, latitude: f64) -> Option<u64> {
    encode(longitude, latitude, STEP_MAX, REDIS_LONGITUDES, REDIS_LATITUDES).map(HashBits::align52)
}

/// The bounds of a cell (Redis's `geohashDecode`).
pub fn decode(hash: HashBits, longitudes: Span, latitudes: Span) -> Area {
    let lat_cell = squash(hash.bits);
    let long_cell = squash(hash.bits >> 1);
    let cells = (1u64 << hash.step) as f64;
    let edge = |span: Span, cell: u32| span.min + (f64::from(cell) * 1.0 / cells) * (span.max - span.min);
    Area {
        latitude: Span { min: edge(latitudes, lat_cell), max: edge(latitudes, lat_cell.wrapping_add(1)) },
        longitude: Span { min: edge(longitudes, long_cell), max: edge(longitudes, long_cell.wrapping_add(1)) },
    }
}

/// The bits of a score as C's `(uint64_t)` cast gives them on x86-64, for scores no GEOADD
/// wrote: negative scores wrap, and scores from 2^64 up read as 0.
fn score_bits(score: f64) -> u64 {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if score < TWO_POW_63 {
        // Below -2^63 the conversion gives i64::MIN, as x86's "integer indefinite" does.
        return (score as i64) as u64;
    }
    let high = score - TWO_POW_63;
    if high < TWO_POW_63 { (high as u64) ^ (1 << 63) } else { 0 }
}

/// The position a score stands for: the centre of its cell, clamped to the valid limits.
pub fn decode_score(score: f64) -> [f64; 2] {
    let hash = HashBits { bits: score_bits(score), step: STEP_MAX };
    let area = decode(hash, REDIS_LONGITUDES, REDIS_LATITUDES);
    let longitude = ((area.longitude.min + area.longitude.max) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let latitude = ((area.latitude.min + area.latitude.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    [longitude, latitude]
}

/// The 11-character standard geohash of a score (GEOHASH).
pub fn standard_geohash(score: f64) -> [u8; 11] {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let [longitude, latitude] = decode_score(score);
    let bits = encode(longitude, latitude, STEP_MAX, STANDARD_LONGITUDES, STANDARD_LATITUDES).map_or(0, |h| h.bits);
    let mut out = [b'0'; 11];
    // 52 bits fill ten characters; the eleventh is always '0', as Redis prints it.
    for (i, c) in out.iter_mut().take(10).enumerate() {
        *c = ALPHABET[((bits >> (52 - (i + 1) * 5)) & 0x1f) as usize];
    }
    out
}

fn deg_rad(degrees: f64) -> f64 {
    degrees * DEG_TO_RAD
}

fn rad_deg(radians: f64) -> f64 {
    radians / DEG_TO_RAD
}

/// The distance between two latitudes on one meridian.
fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS_METERS * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// The haversine distance in meters between two positions (Redis's `geohashGetDistance`).
pub fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let v = ((deg_rad(lon2) - deg_rad(lon1)) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let (lat1r, lat2r) = (deg_rad(lat1), deg_rad(lat2));
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_METERS * a.sqrt().asin()
}

/// The area a search covers, in the search's unit.
#[derive(Debug, Clone, Copy)]
pub enum Extent {
    Radius(f64),
    Box { width: f64, height: f64 },
}

/// A search area: its centre, its extent, and the meters in one unit of the extent.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub center: [f64; 2],
    pub extent: Extent,
    pub to_meters: f64,
}

impl Shape {
    /// The distance in meters from the centre to `point`, if the point is inside the shape.
    pub fn distance_if_inside(&self, point: [f64; 2]) -> Option<f64> {
        let [x1, y1] = self.center;
        let [x2, y2] = point;
        match self.extent {
            Extent::Radius(radius) => {
                let d = distance(x1, y1, x2, y2);
                (d <= radius * self.to_meters).then_some(d)
            }
            Extent::Box { width, height } => {
                // The latitude test is the cheaper one, so it goes first.
                if lat_distance(y2, y1) > height * self.to_meters / 2.0 {
                    return None;
                }
                if distance(x2, y2, x1, y2) > width * self.to_meters / 2.0 {
                    return None;
                }
                Some(distance(x1, y1, x2, y2))
            }
        }
    }

    /// `[min_lon, min_lat, max_lon, max_lat]` around the shape (Redis's `geohashBoundingBox`).
    fn bounding_box(&self) -> [f64; 4] {
        let [longitude, latitude] = self.center;
        let (half_width, half_height) = match self.extent {
            Extent::Radius(r) => (r, r),
            Extent::Box { width, height } => (width / 2.0, height / 2.0),
        };
        let height = self.to_meters * half_height;
        let width = self.to_meters * half_width;
        let lat_delta = rad_deg(height / EARTH_RADIUS_METERS);
        let long_delta_top = rad_deg(width / EARTH_RADIUS_METERS / deg_rad(latitude + lat_delta).cos());
        let long_delta_bottom = rad_deg(width / EARTH_RADIUS_METERS / deg_rad(latitude - lat_delta).cos());
        // The wider edge is the one nearer the equator.
        let long_delta = if latitude < 0.0 { long_delta_bottom } else { long_delta_top };
        [longitude - long_delta, latitude - lat_delta, longitude + long_delta, latitude + lat_delta]
    }

    /// The radius in meters of the circle the step estimate works from (a box's half diagonal).
    fn radius_meters(&self) -> f64 {
        let radius = match self.extent {
            Extent::Radius(r) => r,
            Extent::Box { width, height } => ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt(),
        };
        radius * self.to_meters
    }

    /// The cells to search, in Redis's order: the centre's cell, then north, south, east, west,
    /// north-east, north-west, south-east, south-west, leaving out those the shape cannot reach
    /// and consecutive duplicates (huge radii make neighbours coincide).
    pub fn cells(&self) -> Vec<HashBits> {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounding_box();
        let [longitude, latitude] = self.center;
        let mut step = estimate_step(self.radius_meters(), latitude);
        let mut hash = encode(longitude, latitude, step, REDIS_LONGITUDES, REDIS_LATITUDES).unwrap_or_default();
        let mut neighbors = Neighbors::of(hash);

        // Near a cell edge the estimate can be one step too fine for a neighbour to cover it all.
        let north = decode(neighbors.north, REDIS_LONGITUDES, REDIS_LATITUDES);
        let south = decode(neighbors.south, REDIS_LONGITUDES, REDIS_LATITUDES);
        let east = decode(neighbors.east, REDIS_LONGITUDES, REDIS_LATITUDES);
        let west = decode(neighbors.west, REDIS_LONGITUDES, REDIS_LATITUDES);
        let too_fine = north.latitude.max < max_lat
            || south.latitude.min > min_lat
            || east.longitude.max < max_lon
            || west.longitude.min > min_lon;
        if step > 1 && too_fine {
            step -= 1;
            hash = encode(longitude, latitude, step, REDIS_LONGITUDES, REDIS_LATITUDES).unwrap_or_default();
            neighbors = Neighbors::of(hash);
        }
        let area = decode(hash, REDIS_LONGITUDES, REDIS_LATITUDES);
        if step >= 2 {
            neighbors.drop_unreachable(&area, [min_lon, min_lat, max_lon, max_lat]);
        }

        let candidates = [
            hash,
            neighbors.north,
            neighbors.south,
            neighbors.east,
            neighbors.west,
            neighbors.north_east,
            neighbors.north_west,
            neighbors.south_east,
            neighbors.south_west,
        ];
        let mut cells: Vec<HashBits> = Vec::with_capacity(candidates.len());
        for cell in candidates {
            if !cell.is_none() && cells.last() != Some(&cell) {
                cells.push(cell);
            }
        }
        cells
    }
}

/// The eight cells around one.
struct Neighbors {
    north: HashBits,
    south: HashBits,
    east: HashBits,
    west: HashBits,
    north_east: HashBits,
    north_west: HashBits,
    south_east: HashBits,
    south_west: HashBits,
}

impl Neighbors {
    fn of(hash: HashBits) -> Neighbors {
        let at = |dx: i8, dy: i8| move_y(move_x(hash, dx), dy);
        Neighbors {
            north: at(0, 1),
            south: at(0, -1),
            east: at(1, 0),
            west: at(-1, 0),
            north_east: at(1, 1),
            north_west: at(-1, 1),
            south_east: at(1, -1),
            south_west: at(-1, -1),
        }
    }

    /// Blanks the neighbours on sides where the centre cell already covers the bounding box.
    fn drop_unreachable(&mut self, area: &Area, [min_lon, min_lat, max_lon, max_lat]: [f64; 4]) {
        if area.latitude.min < min_lat {
            self.south = HashBits::NONE;
            self.south_west = HashBits::NONE;
            self.south_east = HashBits::NONE;
        }
        if area.latitude.max > max_lat {
            self.north = HashBits::NONE;
            self.north_east = HashBits::NONE;
            self.north_west = HashBits::NONE;
        }
        if area.longitude.min < min_lon {
            self.west = HashBits::NONE;
            self.south_west = HashBits::NONE;
            self.north_west = HashBits::NONE;
        }
        if area.longitude.max > max_lon {
            self.east = HashBits::NONE;
            self.south_east = HashBits::NONE;
            self.north_east = HashBits::NONE;
        }
    }
}

/// Moves a cell one step along the longitude bits (the odd ones), wrapping around.
fn move_x(hash: HashBits, d: i8) -> HashBits {
    move_along(hash, d, 0xaaaa_aaaa_aaaa_aaaa)
}

/// Moves a cell one step along the latitude bits (the even ones), wrapping around.
fn move_y(hash: HashBits, d: i8) -> HashBits {
    move_along(hash, d, 0x5555_5555_5555_5555)
}

/// Adds ±1 to the coordinate in the `mask` bits: the other coordinate's bits are filled with
/// ones (so a carry skips over them) when adding, and subtracted around when going back.
fn move_along(hash: HashBits, d: i8, mask: u64) -> HashBits {
    if d == 0 {
        return hash;
    }
    let shift = 64 - u32::from(hash.step) * 2;
    let mut moving = hash.bits & mask;
    let fixed = hash.bits & !mask;
    let other = !mask >> shift;
    if d > 0 {
        moving = moving.wrapping_add(other + 1);
    } else {
        moving = (moving | other).wrapping_sub(other + 1);
    }
    moving &= mask >> shift;
    HashBits { bits: moving | fixed, step: hash.step }
}

/// The coarsest step whose cells still hold a circle of `radius` meters (Redis's
/// `geohashEstimateStepsByRadius`), one coarser near the poles where cells narrow.
pub fn estimate_step(radius: f64, latitude: f64) -> u8 {
    if radius == 0.0 {
        return STEP_MAX;
    }
    let mut range = radius;
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&latitude) {
        step -= 1;
        if !(-80.0..=80.0).contains(&latitude) {
            step -= 1;
        }
    }
    step.clamp(1, i32::from(STEP_MAX)) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaving_round_trips() {
        for v in [0u32, 1, 0xdead_beef, u32::MAX, 1 << 26] {
            assert_eq!(squash(spread(v)), v);
        }
    }

    #[test]
    fn scores_match_redis() {
        // GEOADD Sicily 13.361389 38.115556 "Palermo" stores 3479099956230698.
        assert_eq!(encode_score(13.361389, 38.115556), Some(3479099956230698));
        assert_eq!(encode_score(15.087269, 37.502669), Some(3479447370796909));
        assert_eq!(encode_score(200.0, 10.0), None);
        let [lon, lat] = decode_score(3479099956230698.0);
        assert!((lon - 13.361389).abs() < 1e-5 && (lat - 38.115556).abs() < 1e-5);
        assert_eq!(&standard_geohash(3479099956230698.0), b"sqc8b49rny0");
    }

    #[test]
    fn neighbours_step_across_cells() {
        let hash = encode(13.0, 38.0, 10, REDIS_LONGITUDES, REDIS_LATITUDES).unwrap();
        let east = move_x(hash, 1);
        assert_eq!(move_x(east, -1), hash);
        let north = move_y(hash, 1);
        assert_eq!(move_y(north, -1), hash);
        let area = decode(hash, REDIS_LONGITUDES, REDIS_LATITUDES);
        let east_area = decode(east, REDIS_LONGITUDES, REDIS_LATITUDES);
        assert_eq!(area.longitude.max, east_area.longitude.min);
        assert_eq!(area.latitude, east_area.latitude);
    }

    #[test]
    fn step_estimates_follow_redis() {
        assert_eq!(estimate_step(0.0, 0.0), 26);
        assert_eq!(estimate_step(200_000.0, 0.0), 6);
        assert_eq!(estimate_step(200_000.0, 70.0), 5);
        assert_eq!(estimate_step(200_000.0, -85.0), 4);
        assert_eq!(estimate_step(1.0, 0.0), 24);
    }
}
