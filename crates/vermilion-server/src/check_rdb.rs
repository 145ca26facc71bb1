//! `vermilion-server --check-rdb FILE`: reads an RDB file through and reports what it holds, or
//! where and why it is damaged, as `redis-check-rdb` does. Nothing is loaded or written.

use std::collections::BTreeMap;
use std::path::Path;

use vermilion_engine::persist::rdb_file::{parse, LoadSink};
use vermilion_engine::types::Value;

/// Counts what the file holds.
#[derive(Default)]
struct Inventory {
    aux: Vec<(String, String)>,
    functions: usize,
    db: u64,
    keys: BTreeMap<u64, (u64, u64)>,
    warnings: Vec<String>,
}

impl LoadSink for Inventory {
    fn aux(&mut self, name: &[u8], value: &[u8]) {
        self.aux.push((String::from_utf8_lossy(name).into_owned(), String::from_utf8_lossy(value).into_owned()));
    }

    fn function(&mut self, _code: &[u8]) -> Result<(), String> {
        self.functions += 1;
        Ok(())
    }

    fn select_db(&mut self, db: u64) -> Result<(), String> {
        self.db = db;
        Ok(())
    }

    fn key(&mut self, _key: Vec<u8>, _value: Value, expire_ms: Option<i64>) -> Result<(), String> {
        let (keys, expires) = self.keys.entry(self.db).or_default();
        *keys += 1;
        *expires += u64::from(expire_ms.is_some());
        Ok(())
    }

    fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }
}

/// Checks `path`; returns the report and whether the file is sound.
pub fn check(path: &Path) -> (String, bool) {
    let (report, rdb_len) = check_leading_rdb(path);
    (report, rdb_len.is_some())
}

/// Checks the RDB at the start of `path`; returns the report and, when it is sound, the bytes it
/// takes (an RDB-preamble AOF goes on after them).
pub fn check_leading_rdb(path: &Path) -> (String, Option<usize>) {
    let mut report = format!("[offset 0] Checking RDB file {}\n", path.display());
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            report.push_str(&format!("--- RDB ERROR DETECTED ---\n[offset 0] Cannot read the file: {error}\n"));
            return (report, None);
        }
    };
    let mut inventory = Inventory::default();
    let outcome = parse(&bytes, true, &mut inventory);
    for (name, value) in &inventory.aux {
        report.push_str(&format!("[info] AUX FIELD {name} = '{value}'\n"));
    }
    for warning in &inventory.warnings {
        report.push_str(&format!("[warning] {warning}\n"));
    }
    match outcome {
        Ok(summary) => {
            report.push_str(&format!("[info] RDB version {}\n", summary.version));
            if inventory.functions > 0 {
                report.push_str(&format!("[info] {} function libraries\n", inventory.functions));
            }
            for (db, (keys, expires)) in &inventory.keys {
                report.push_str(&format!("[info] db {db}: {keys} keys, {expires} with an expiry\n"));
            }
            let checksum = if summary.checksum_verified { "Checksum OK" } else { "No checksum to verify" };
            report.push_str(&format!("[offset {}] {checksum}\n", summary.len));
            report.push_str(&format!("[offset {}] \\o/ RDB looks OK! \\o/\n", summary.len));
            report.push_str(&format!("[info] {} keys read\n", summary.keys));
            (report, Some(summary.len))
        }
        Err(error) => {
            report.push_str("--- RDB ERROR DETECTED ---\n");
            report.push_str(&format!("[offset {}] {}\n", error.offset, error.reason));
            let read: u64 = inventory.keys.values().map(|(keys, _)| keys).sum();
            report.push_str(&format!("[info] {read} keys read before the error\n"));
            (report, None)
        }
    }
}
