//! RDB files: the `REDIS<version>` header, auxiliary fields, function libraries, databases of
//! keys with their expiry times, and the `EOF` opcode with a CRC64 of everything before it.
//!
//! Writing produces byte blocks ([`write_header`], [`write_select_db`], [`write_key`], ...) that a
//! [`ChecksumWriter`] streams to a file; the blocks may come in any order a snapshot finds
//! convenient, since a `SELECTDB` opcode precedes each run of one database's keys. Reading
//! ([`parse`]) walks a whole file and hands what it finds to a [`LoadSink`].

use std::io::{self, Write};

use super::rdb_value::{self, decode_object, read_length, read_string, rdb_type, write_length, write_string, Strings};
use super::{BadData, Reader};
use crate::types::Value;

/// The opcodes between keys (`RDB_OPCODE_*` in Redis's `rdb.h`).
pub mod opcode {
    /// Redis 7.4+: a cluster slot's key counts, a sizing hint.
    pub const SLOT_INFO: u8 = 244;
    pub const FUNCTION2: u8 = 245;
    /// Redis 7.0 release candidates' function format, which Redis itself no longer loads.
    pub const FUNCTION_PRE_GA: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// The version written: Redis 7.0's. Redis refuses files of versions newer than its own, and
/// every layout written here exists since 7.0, so 7.0, 7.2 and 7.4 all load these files.
pub const WRITE_VERSION: u16 = super::RDB_VERSION;
/// The newest version read: Redis 7.4's (hashes with field TTLs, slot info).
pub const MAX_READ_VERSION: u16 = 12;
/// The first version with a checksum after `EOF`.
const FIRST_CHECKSUM_VERSION: u16 = 5;

const MAGIC: &[u8; 5] = b"REDIS";

/// Module value opcodes inside `MODULE_AUX` (`RDB_MODULE_OPCODE_*`).
mod module_opcode {
    pub const EOF: u64 = 0;
    pub const SINT: u64 = 1;
    pub const UINT: u64 = 2;
    pub const FLOAT: u64 = 3;
    pub const DOUBLE: u64 = 4;
    pub const STRING: u64 = 5;
}

static CRC64: crc::Crc<u64, crc::Table<16>> = crc::Crc::<u64, crc::Table<16>>::new(&crc::CRC_64_REDIS);

/// CRC64 of `bytes` (Redis's Jones polynomial), as RDB files and DUMP payloads carry it.
pub fn crc64(bytes: &[u8]) -> u64 {
    CRC64.checksum(bytes)
}

// ---------------------------------------------------------------------------------------------
// Writing

/// An auxiliary field's value: text, or a number Redis writes integer-encoded when it fits.
pub enum AuxValue<'a> {
    Text(&'a str),
    Int(i64),
}

/// The magic, version, auxiliary fields and function libraries that open a file.
pub fn write_header(out: &mut Vec<u8>, aux: &[(&str, AuxValue)], library_codes: &[Vec<u8>]) {
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(format!("{WRITE_VERSION:04}").as_bytes());
    for (name, value) in aux {
        out.push(opcode::AUX);
        write_string(out, name.as_bytes());
        match value {
            AuxValue::Text(text) => write_string(out, text.as_bytes()),
            AuxValue::Int(n) => write_string(out, itoa::Buffer::new().format(*n).as_bytes()),
        }
    }
    for code in library_codes {
        out.push(opcode::FUNCTION2);
        write_string(out, code);
    }
}

pub fn write_select_db(out: &mut Vec<u8>, db: usize) {
    out.push(opcode::SELECTDB);
    write_length(out, db as u64);
}

/// The sizing hint after `SELECTDB`: how many keys, and how many of them with an expiry.
pub fn write_resize_db(out: &mut Vec<u8>, keys: usize, expires: usize) {
    out.push(opcode::RESIZEDB);
    write_length(out, keys as u64);
    write_length(out, expires as u64);
}

/// One key: its expiry time if any, then type, key and value.
pub fn write_key(out: &mut Vec<u8>, key: &[u8], value: &Value, expire_ms: Option<i64>, strings: Strings) {
    if let Some(when) = expire_ms {
        out.push(opcode::EXPIRETIME_MS);
        out.extend_from_slice(&when.to_le_bytes());
    }
    let type_at = out.len();
    rdb_value::encode_value_with(value, out, strings);
    // The key goes between the type byte and the object: move the object after it.
    let object = out.split_off(type_at + 1);
    rdb_value::write_string_with(out, key, strings);
    out.extend_from_slice(&object);
}

/// Streams a file's blocks to `inner` while keeping the CRC64 of everything written, which
/// [`ChecksumWriter::finish`] appends after `EOF` (or zero, for `rdbchecksum no`).
pub struct ChecksumWriter<W: Write> {
    inner: W,
    digest: Option<crc::Digest<'static, u64, crc::Table<16>>>,
    written: u64,
}

impl<W: Write> ChecksumWriter<W> {
    pub fn new(inner: W, checksum: bool) -> Self {
        ChecksumWriter { inner, digest: checksum.then(|| CRC64.digest()), written: 0 }
    }

    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(digest) = &mut self.digest {
            digest.update(bytes);
        }
        self.written += bytes.len() as u64;
        self.inner.write_all(bytes)
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Writes `EOF` and the checksum; returns the inner writer (flushed) and the file's size.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        self.write(&[opcode::EOF])?;
        let checksum: u64 = self.digest.take().map_or(0, |digest| digest.finalize());
        self.inner.write_all(&checksum.to_le_bytes())?;
        self.inner.flush()?;
        Ok((self.inner, self.written + 8))
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Where a file's contents go as they are read.
pub trait LoadSink {
    /// An auxiliary field (`redis-ver`, `ctime`, ...).
    fn aux(&mut self, _name: &[u8], _value: &[u8]) {}
    /// A function library's source code.
    fn function(&mut self, code: &[u8]) -> Result<(), String>;
    /// The database the following keys belong to.
    fn select_db(&mut self, db: u64) -> Result<(), String>;
    /// The sizing hint of the selected database.
    fn resize_db(&mut self, _keys: u64, _expires: u64) {}
    /// A key of the selected database; `expire_ms` is its absolute expiry time.
    fn key(&mut self, key: Vec<u8>, value: Value, expire_ms: Option<i64>) -> Result<(), String>;
    /// Something skipped that the operator should hear of (module data, empty keys).
    fn warn(&mut self, message: String);
    /// Called before each item with its offset in the file: how far the read has come.
    fn progress(&mut self, _offset: usize) {}
}

/// Why a file could not be read, and where: `offset` is where the damaged item starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub reason: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at offset {}", self.reason, self.offset)
    }
}

/// What a whole file held.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ParseSummary {
    pub version: u16,
    pub keys: u64,
    /// Whether the checksum was verified (false when the file carries none or `verify` was off).
    pub checksum_verified: bool,
    /// Bytes the RDB took, through its checksum: an RDB-preamble AOF goes on after them.
    pub len: usize,
}

/// Reads a whole RDB file, feeding `sink`. `verify_checksum` is `rdbchecksum`: a file saved
/// without a checksum (zero) is accepted either way.
pub fn parse(bytes: &[u8], verify_checksum: bool, sink: &mut impl LoadSink) -> Result<ParseSummary, ParseError> {
    let fail = |offset: usize, reason: &str| ParseError { offset, reason: reason.to_string() };
    if bytes.len() < 9 || &bytes[..5] != MAGIC {
        return Err(fail(0, "Wrong signature trying to load DB from file"));
    }
    let version = std::str::from_utf8(&bytes[5..9]).ok().and_then(|v| v.parse::<u16>().ok()).ok_or_else(|| fail(5, "Bad RDB version"))?;
    if version == 0 || version > MAX_READ_VERSION {
        return Err(fail(5, &format!("Can't handle RDB format version {version}")));
    }
    let mut r = Reader::new(bytes);
    r.take(9).expect("checked the length");
    let mut summary = ParseSummary { version, ..Default::default() };
    let mut expire_ms = None;
    loop {
        let item_start = r.position();
        sink.progress(item_start);
        let truncated = |_| fail(item_start, "Unexpected EOF reading RDB file");
        let type_byte = r.u8().map_err(truncated)?;
        match type_byte {
            opcode::EOF => break,
            opcode::SELECTDB => {
                let db = read_length(&mut r).map_err(truncated)?;
                sink.select_db(db).map_err(|reason| fail(item_start, &reason))?;
            }
            opcode::RESIZEDB => {
                let keys = read_length(&mut r).map_err(truncated)?;
                let expires = read_length(&mut r).map_err(truncated)?;
                sink.resize_db(keys, expires);
            }
            opcode::EXPIRETIME_MS => expire_ms = Some(i64::from_le_bytes(r.array().map_err(truncated)?)),
            opcode::EXPIRETIME => expire_ms = Some(i64::from(i32::from_le_bytes(r.array().map_err(truncated)?)) * 1000),
            // Eviction hints: this engine keeps its own access times.
            opcode::IDLE => {
                read_length(&mut r).map_err(truncated)?;
            }
            opcode::FREQ => {
                r.u8().map_err(truncated)?;
            }
            opcode::AUX => {
                let name = read_string(&mut r).map_err(truncated)?;
                let value = read_string(&mut r).map_err(truncated)?;
                sink.aux(&name, &value);
            }
            opcode::SLOT_INFO => {
                for _ in 0..3 {
                    read_length(&mut r).map_err(truncated)?;
                }
            }
            opcode::MODULE_AUX => {
                let module_id = skip_module_aux(&mut r).map_err(truncated)?;
                sink.warn(format!("Skipped the auxiliary data of module id {module_id:#x} at offset {item_start}: no modules are loaded"));
            }
            opcode::FUNCTION2 => {
                let code = read_string(&mut r).map_err(truncated)?;
                sink.function(&code).map_err(|reason| fail(item_start, &format!("Failed loading library: {reason}")))?;
            }
            opcode::FUNCTION_PRE_GA => return Err(fail(item_start, "Pre-release function format not supported")),
            _ => {
                let key = read_string(&mut r).map_err(truncated)?;
                let object_start = r.position();
                let object = decode_object(type_byte, &mut r).map_err(|BadData| {
                    if !rdb_type::is_known(type_byte) {
                        fail(item_start, &format!("Unknown RDB object type {type_byte}"))
                    } else if r.is_at_end() {
                        fail(object_start, "Unexpected EOF reading RDB file")
                    } else {
                        fail(object_start, &format!("Bad data format in a value of type {type_byte}"))
                    }
                })?;
                match object {
                    Some(value) => {
                        sink.key(key, value, expire_ms).map_err(|reason| fail(item_start, &reason))?;
                        summary.keys += 1;
                    }
                    None => sink.warn(format!("Skipped the empty key '{}' at offset {item_start}", String::from_utf8_lossy(&key))),
                }
                expire_ms = None;
            }
        }
    }
    let eof_end = r.position();
    if version >= FIRST_CHECKSUM_VERSION {
        let stored = u64::from_le_bytes(r.array().map_err(|_| fail(eof_end, "Unexpected EOF reading the RDB checksum"))?);
        if verify_checksum && stored != 0 {
            if stored != crc64(&bytes[..eof_end]) {
                return Err(fail(eof_end, "Wrong RDB checksum"));
            }
            summary.checksum_verified = true;
        }
    }
    summary.len = r.position();
    Ok(summary)
}

/// Skips a module's auxiliary data (its values are typed, so they can be walked without the
/// module); returns the module id.
fn skip_module_aux(r: &mut Reader) -> Result<u64, BadData> {
    let module_id = read_length(r)?;
    // `when_opcode` and `when`, then opcode-led values until EOF.
    read_length(r)?;
    read_length(r)?;
    loop {
        match read_length(r)? {
            module_opcode::EOF => return Ok(module_id),
            module_opcode::SINT | module_opcode::UINT => {
                read_length(r)?;
            }
            module_opcode::FLOAT => {
                r.take(4)?;
            }
            module_opcode::DOUBLE => {
                r.take(8)?;
            }
            module_opcode::STRING => {
                read_string(r)?;
            }
            _ => return Err(BadData),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::StringValue;

    #[derive(Default)]
    struct Collected {
        db: u64,
        keys: Vec<(u64, Vec<u8>, Value, Option<i64>)>,
        aux: Vec<(Vec<u8>, Vec<u8>)>,
        functions: Vec<Vec<u8>>,
        warnings: Vec<String>,
    }

    impl LoadSink for Collected {
        fn aux(&mut self, name: &[u8], value: &[u8]) {
            self.aux.push((name.to_vec(), value.to_vec()));
        }
        fn function(&mut self, code: &[u8]) -> Result<(), String> {
            self.functions.push(code.to_vec());
            Ok(())
        }
        fn select_db(&mut self, db: u64) -> Result<(), String> {
            self.db = db;
            Ok(())
        }
        fn key(&mut self, key: Vec<u8>, value: Value, expire_ms: Option<i64>) -> Result<(), String> {
            self.keys.push((self.db, key, value, expire_ms));
            Ok(())
        }
        fn warn(&mut self, message: String) {
            self.warnings.push(message);
        }
    }

    fn string(text: &str) -> Value {
        Value::String(StringValue::from_bytes(text.as_bytes().to_vec()))
    }

    fn sample_file(checksum: bool) -> Vec<u8> {
        let mut body = Vec::new();
        write_header(&mut body, &[("redis-ver", AuxValue::Text("7.2.4")), ("ctime", AuxValue::Int(1_700_000_000))], &[b"#!lua name=lib\n".to_vec()]);
        write_select_db(&mut body, 3);
        write_resize_db(&mut body, 2, 1);
        write_key(&mut body, b"plain", &string("value"), None, Strings::Plain);
        write_key(&mut body, b"long", &string(&"abc".repeat(100)), Some(1234), Strings::Compressed);
        let mut writer = ChecksumWriter::new(Vec::new(), checksum);
        writer.write(&body).unwrap();
        writer.finish().unwrap().0
    }

    #[test]
    fn written_file_reads_back() {
        let file = sample_file(true);
        assert_eq!(&file[..9], b"REDIS0010");
        let mut sink = Collected::default();
        let summary = parse(&file, true, &mut sink).unwrap();
        assert_eq!(summary, ParseSummary { version: 10, keys: 2, checksum_verified: true, len: file.len() });
        assert_eq!(sink.aux[1], (b"ctime".to_vec(), b"1700000000".to_vec()));
        assert_eq!(sink.functions, vec![b"#!lua name=lib\n".to_vec()]);
        assert_eq!(sink.keys[0].0, 3);
        assert_eq!(sink.keys[1].1, b"long");
        assert_eq!(sink.keys[1].3, Some(1234));
        assert!(matches!(&sink.keys[1].2, Value::String(s) if s.to_vec() == "abc".repeat(100).into_bytes()));
    }

    #[test]
    fn long_strings_are_compressed() {
        let mut plain = Vec::new();
        let mut packed = Vec::new();
        write_key(&mut plain, b"k", &string(&"abc".repeat(100)), None, Strings::Plain);
        write_key(&mut packed, b"k", &string(&"abc".repeat(100)), None, Strings::Compressed);
        assert!(packed.len() < plain.len() / 5, "{} vs {}", packed.len(), plain.len());
    }

    #[test]
    fn zero_checksum_is_accepted_and_a_wrong_one_refused() {
        let file = sample_file(false);
        assert!(!parse(&file, true, &mut Collected::default()).unwrap().checksum_verified);
        let mut damaged = sample_file(true);
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        let error = parse(&damaged, true, &mut Collected::default()).unwrap_err();
        assert_eq!(error.reason, "Wrong RDB checksum");
        assert_eq!(error.offset, damaged.len() - 8);
        assert!(parse(&damaged, false, &mut Collected::default()).is_ok());
    }

    #[test]
    fn truncated_and_unknown_items_name_their_offset() {
        let file = sample_file(true);
        for len in 9..file.len() - 8 {
            assert!(parse(&file[..len], true, &mut Collected::default()).is_err(), "truncated at {len}");
        }
        let mut unknown = Vec::new();
        write_header(&mut unknown, &[], &[]);
        let at = unknown.len();
        unknown.extend_from_slice(&[100, 1, b'k', 0]);
        let error = parse(&unknown, true, &mut Collected::default()).unwrap_err();
        assert_eq!((error.offset, error.reason.as_str()), (at, "Unknown RDB object type 100"));
    }

    #[test]
    fn module_aux_is_skipped_with_a_warning() {
        let mut file = Vec::new();
        write_header(&mut file, &[], &[]);
        file.push(opcode::MODULE_AUX);
        for n in [0x1234u64, module_opcode::UINT, 2, module_opcode::SINT, 7, module_opcode::STRING] {
            write_length(&mut file, n);
        }
        write_string(&mut file, b"module data");
        write_length(&mut file, module_opcode::DOUBLE);
        file.extend_from_slice(&1.5f64.to_le_bytes());
        write_length(&mut file, module_opcode::EOF);
        write_key(&mut file, b"k", &string("v"), None, Strings::Plain);
        file.push(opcode::EOF);
        file.extend_from_slice(&[0; 8]);
        let mut sink = Collected::default();
        parse(&file, true, &mut sink).unwrap();
        assert_eq!(sink.keys.len(), 1);
        assert!(sink.warnings[0].contains("module"), "{:?}", sink.warnings);
    }

    #[test]
    fn opcodes_are_pinned() {
        use opcode::*;
        assert_eq!([SLOT_INFO, FUNCTION2, FUNCTION_PRE_GA, MODULE_AUX, IDLE, FREQ, AUX, RESIZEDB, EXPIRETIME_MS, EXPIRETIME, SELECTDB, EOF], [244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255]);
    }
}
