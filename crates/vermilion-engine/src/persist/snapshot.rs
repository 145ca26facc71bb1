//! Point-in-time snapshots of the keyspace without `fork()`: the engine lives inside Python and
//! Node processes, where forking is not an option.
//!
//! A snapshot freezes the geometry of each database's key table (no resizing, so every key
//! stays in its bucket) and then saves it bucket by bucket: a background walk takes a few hundred
//! keys per hold of the keyspace lock, and every write, *before* it changes a key whose bucket
//! the walk has not reached, saves that whole bucket first ([`Db::preserve`]). Each bucket is
//! thus saved exactly once, as it was when the snapshot began: keys added since are skipped
//! (the table remembers them), keys deleted or overwritten since were saved before the change.
//! The extra memory is a bit per bucket plus the serialized bytes waiting for the file.
//!
//! A database emptied by FLUSHDB/FLUSHALL mid-snapshot hands its frozen tables to the snapshot,
//! which finishes walking them and frees them off the lock; SWAPDB moves a database's snapshot
//! with it, since the snapshot records which number the keys are saved under.
//!
//! [`Db::preserve`]: crate::keyspace::Db::preserve

use crate::dict::Dict;
use crate::keyspace::Keyspace;
use crate::types::Value;

use super::rdb_file::{write_key, write_resize_db, write_select_db};
use super::rdb_value::Strings;

/// Keys saved at most per hold of the keyspace lock by the background walk.
const KEYS_PER_HOLD: usize = 256;
/// Serialized bytes per hold at most (a few big values end a hold early).
const BYTES_PER_HOLD: usize = 256 * 1024;
/// Buckets visited per hold at most, so a sparse table cannot hold the lock for long.
const BUCKETS_PER_HOLD: usize = 16 * KEYS_PER_HOLD;

/// A database's part in a snapshot under way (held in `Db::snapshot`).
pub struct DbSnapshot {
    /// The database number the snapshot saves these keys under (it travels with SWAPDB).
    saved_as: usize,
    strings: Strings,
    /// Buckets saved ahead of the walk by writes, waiting to be handed to the file.
    pending: Vec<u8>,
    /// The tables as they were when a flush emptied the database mid-snapshot.
    detached: Option<Box<(Dict<Value>, Dict<i64>)>>,
    /// The next bucket the walk saves.
    next_bucket: usize,
}

impl DbSnapshot {
    fn new(saved_as: usize, strings: Strings) -> Self {
        DbSnapshot { saved_as, strings, pending: Vec::new(), detached: None, next_bucket: 0 }
    }

    /// Saves `key`'s bucket of the live tables if the snapshot has not yet: called before a
    /// write changes `key` (or its expiry).
    pub(crate) fn save_bucket_of(&mut self, key: &[u8], keys: &mut Dict<Value>, expires: &Dict<i64>) {
        if self.detached.is_some() {
            // The snapshot reads the detached tables; the live ones hold only newer keys.
            return;
        }
        if let Some(bucket) = keys.unsaved_bucket(key) {
            save_bucket(bucket, keys, expires, &mut self.pending, self.strings);
        }
    }

    /// Before the database is emptied: keeps its tables for the snapshot, leaving empty ones.
    pub(crate) fn detach(&mut self, keys: &mut Dict<Value>, expires: &mut Dict<i64>) {
        if self.detached.is_none() {
            self.detached = Some(Box::new((std::mem::take(keys), std::mem::take(expires))));
        }
    }

    /// Saves buckets from where the walk stopped into `out`, until the table is done (true) or
    /// this hold's budget is spent. Returns whether the table is done, and the keys saved.
    fn walk(&mut self, keys: &mut Dict<Value>, expires: &Dict<i64>, out: &mut Vec<u8>) -> (bool, usize) {
        let (keys, expires) = match self.detached.as_deref_mut() {
            Some((keys, expires)) => (keys, &*expires),
            None => (keys, expires),
        };
        let mut saved = 0;
        let mut visited = 0;
        while self.next_bucket < keys.bucket_count() {
            saved += save_bucket(self.next_bucket, keys, expires, out, self.strings);
            self.next_bucket += 1;
            visited += 1;
            if saved >= KEYS_PER_HOLD || out.len() >= BYTES_PER_HOLD || visited >= BUCKETS_PER_HOLD {
                break;
            }
        }
        (self.next_bucket >= keys.bucket_count(), saved)
    }
}

/// Saves one bucket (if not saved yet) into `out`; returns how many keys it held.
fn save_bucket(bucket: usize, keys: &mut Dict<Value>, expires: &Dict<i64>, out: &mut Vec<u8>, strings: Strings) -> usize {
    let mut count = 0;
    keys.save_bucket(bucket, |key, entry| {
        let expire = if expires.is_empty() { None } else { expires.get(key).copied() };
        write_key(out, key, entry, expire, strings);
        count += 1;
    });
    count
}

/// The background side of a snapshot: where the walk is, and what the file has been told.
pub struct SnapshotWalk {
    /// Keys and expiring keys of each database at the start, for `RESIZEDB` (zero: not saved).
    sizes: Vec<(usize, usize)>,
    /// The database the walk is in (by the number its keys are saved under).
    walking: usize,
    /// The database the file's last `SELECTDB` named.
    selected: Option<usize>,
    /// Databases whose `RESIZEDB` hint the file has had.
    announced: Vec<bool>,
    scratch: Vec<u8>,
    /// Keys saved so far by the walk (keys saved ahead of it by writes are not counted).
    pub keys_walked: u64,
}

impl SnapshotWalk {
    /// Starts a snapshot of `ks` as it is now: freezes every non-empty database's key table.
    pub fn begin(ks: &mut Keyspace, strings: Strings) -> SnapshotWalk {
        let mut sizes = vec![(0, 0); ks.dbs.len()];
        for (index, db) in ks.dbs.iter_mut().enumerate() {
            if db.is_empty() {
                continue;
            }
            sizes[index] = (db.keys.len(), db.expires.len());
            db.keys.freeze();
            db.snapshot = Some(Box::new(DbSnapshot::new(index, strings)));
        }
        let announced = vec![false; sizes.len()];
        SnapshotWalk { sizes, walking: 0, selected: None, announced, scratch: Vec::new(), keys_walked: 0 }
    }

    /// Keys in the snapshot.
    pub fn total_keys(&self) -> u64 {
        self.sizes.iter().map(|&(keys, _)| keys as u64).sum()
    }

    /// One hold of the keyspace lock: hands over the buckets writes saved ahead of the walk,
    /// then walks on. Appends the file's next bytes to `out`; returns true when the snapshot is
    /// complete (its state is then removed from `ks`, and returned in `garbage` to be freed
    /// after the lock is released).
    pub fn step(&mut self, ks: &mut Keyspace, out: &mut Vec<u8>, garbage: &mut Vec<Box<DbSnapshot>>) -> bool {
        for db in &mut ks.dbs {
            if let Some(snapshot) = db.snapshot.as_deref_mut().filter(|s| !s.pending.is_empty()) {
                self.select(snapshot.saved_as, out);
                out.append(&mut snapshot.pending);
            }
        }
        while self.walking < self.sizes.len() {
            let walking = self.walking;
            let Some(db) = ks.dbs.iter_mut().find(|db| db.snapshot.as_ref().is_some_and(|s| s.saved_as == walking)) else {
                self.walking += 1;
                continue;
            };
            let snapshot = db.snapshot.as_deref_mut().expect("found by its snapshot");
            self.scratch.clear();
            let (done, saved) = snapshot.walk(&mut db.keys, &db.expires, &mut self.scratch);
            self.keys_walked += saved as u64;
            if !self.scratch.is_empty() {
                self.select(walking, out);
                out.append(&mut self.scratch);
            }
            if !done {
                return false;
            }
            self.walking += 1;
        }
        end(ks, garbage);
        true
    }

    /// Points the file at database `db` (`SELECTDB`, and `RESIZEDB` the first time).
    fn select(&mut self, db: usize, out: &mut Vec<u8>) {
        if self.selected == Some(db) {
            return;
        }
        write_select_db(out, db);
        if !self.announced[db] {
            self.announced[db] = true;
            let (keys, expires) = self.sizes[db];
            write_resize_db(out, keys, expires);
        }
        self.selected = Some(db);
    }
}

/// Ends a snapshot (complete or abandoned): tables may resize again; the snapshot's state moves
/// to `garbage`, to be freed without the lock.
pub fn end(ks: &mut Keyspace, garbage: &mut Vec<Box<DbSnapshot>>) {
    for db in &mut ks.dbs {
        if let Some(snapshot) = db.snapshot.take() {
            db.keys.thaw();
            garbage.push(snapshot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::rdb_file::{parse, write_header, ChecksumWriter, LoadSink};
    use crate::types::{StringValue, Value};
    use std::collections::BTreeMap;

    type Model = BTreeMap<(u64, Vec<u8>), (Vec<u8>, Option<i64>)>;

    #[derive(Default)]
    struct Collect {
        db: u64,
        found: Model,
    }

    impl LoadSink for Collect {
        fn function(&mut self, _code: &[u8]) -> Result<(), String> {
            Ok(())
        }
        fn select_db(&mut self, db: u64) -> Result<(), String> {
            self.db = db;
            Ok(())
        }
        fn key(&mut self, key: Vec<u8>, value: Value, expire_ms: Option<i64>) -> Result<(), String> {
            let Value::String(s) = value else { return Err("not a string".into()) };
            let previous = self.found.insert((self.db, key.clone()), (s.to_vec(), expire_ms));
            if previous.is_some() {
                return Err(format!("duplicate {}", String::from_utf8_lossy(&key)));
            }
            Ok(())
        }
        fn warn(&mut self, _message: String) {}
    }

    fn put(ks: &mut Keyspace, db: usize, key: &str, value: &str) {
        let d = &mut ks.dbs[db];
        d.preserve(key.as_bytes());
        d.keys.insert(key.as_bytes(), Value::String(StringValue::from_bytes(value.as_bytes().to_vec())));
    }

    fn model_of(ks: &Keyspace) -> Model {
        let mut model = Model::new();
        for (index, db) in ks.dbs.iter().enumerate() {
            for (key, entry) in db.keys.iter() {
                let Value::String(s) = entry else { unreachable!() };
                model.insert((index as u64, key.to_vec()), (s.to_vec(), db.expire_of(key)));
            }
        }
        model
    }

    /// Runs a snapshot while a scripted stream of writes, deletes, flushes and swaps changes the
    /// keyspace between holds; the file must hold the keyspace as it was at the start.
    #[test]
    fn snapshot_holds_the_keyspace_as_it_was_when_it_began() {
        let mut ks = Keyspace::new(3, Default::default());
        for i in 0..3000 {
            put(&mut ks, i % 3, &format!("k{i}"), &format!("v{i}"));
            if i % 7 == 0 {
                ks.dbs[i % 3].set_expire(format!("k{i}").as_bytes(), 1_000_000 + i as i64);
            }
        }
        let expected = model_of(&ks);
        let mut walk = SnapshotWalk::begin(&mut ks, Strings::Compressed);
        let mut file = Vec::new();
        write_header(&mut file, &[], &[]);
        let mut garbage = Vec::new();
        let mut round = 0;
        while !walk.step(&mut ks, &mut file, &mut garbage) {
            round += 1;
            for j in 0..40 {
                let n = (round * 131 + j * 17) % 4000;
                let db = n % 3;
                let key = format!("k{n}");
                match j % 5 {
                    0 => {
                        ks.dbs[db].remove(key.as_bytes());
                    }
                    1 => ks.dbs[db].set_expire(key.as_bytes(), 5),
                    _ => put(&mut ks, db, &key, &format!("new{round}")),
                }
            }
            // Grow a database far past its frozen size: it must not resize mid-snapshot.
            for j in 0..200 {
                put(&mut ks, 1, &format!("grow{round}-{j}"), "x");
            }
            if round == 5 {
                ks.dbs.swap(0, 2);
            }
            if round == 9 {
                ks.dbs[1].clear();
            }
        }
        assert!(round > 5, "the snapshot took several holds ({round})");
        assert!(ks.dbs.iter().all(|db| db.snapshot.is_none()));
        let mut writer = ChecksumWriter::new(Vec::new(), true);
        writer.write(&file).unwrap();
        let (bytes, _) = writer.finish().unwrap();
        let mut collected = Collect::default();
        parse(&bytes, true, &mut collected).unwrap();
        assert_eq!(collected.found.len(), expected.len());
        assert!(collected.found == expected, "the snapshot differs from the keyspace at its start");
    }
}
