//! What a command that changed data leaves in the AOF: its arguments, rewritten where replaying
//! them as given would not reproduce the change, as Redis propagates them.
//!
//! Relative expiry becomes absolute (`PEXPIREAT`, `SET ... PXAT`, `RESTORE ... ABSTTL`), random
//! choices become the choice made (`SPOP` as `SREM` of the members popped, `XADD *` with the ID
//! given), and blocking commands become their non-blocking forms. A key the command left deleted
//! (an expiry already in the past) is logged as `DEL`.

use crate::keyspace::Db;
use crate::reply::Reply;

/// One logged command.
pub type Argv = Vec<Vec<u8>>;

fn argv(parts: &[&[u8]]) -> Argv {
    parts.iter().map(|p| p.to_vec()).collect()
}

fn number(n: i64) -> Vec<u8> {
    n.to_string().into_bytes()
}

/// The records that reproduce `argv`'s effect, given the database after it ran.
pub fn logged_forms(name: &str, args: &[&[u8]], reply: &Reply, db: &Db, now: i64) -> Vec<Argv> {
    let key = args.get(1).copied().unwrap_or_default();
    let gone = || vec![argv(&[b"DEL", key])];
    match name {
        "expire" | "pexpire" | "expireat" | "pexpireat" => match db.expire_of(key) {
            _ if !db.keys.contains_key(key) => gone(),
            Some(at) => vec![argv(&[b"PEXPIREAT", key, &number(at)])],
            None => vec![argv(&[b"PERSIST", key])],
        },
        "set" => set_with_expiry(key, args[2], db),
        "setex" | "psetex" => set_with_expiry(key, args[3], db),
        "getex" => match db.expire_of(key) {
            _ if !db.keys.contains_key(key) => gone(),
            Some(at) => vec![argv(&[b"PEXPIREAT", key, &number(at)])],
            None => vec![argv(&[b"PERSIST", key])],
        },
        "restore" if db.keys.contains_key(key) => {
            let at = db.expire_of(key).unwrap_or(0);
            vec![argv(&[b"RESTORE", key, &number(at), args[3], b"REPLACE", b"ABSTTL"])]
        }
        "restore" => gone(),
        "spop" => {
            let members: Vec<&[u8]> = match reply {
                Reply::Bulk(member) => vec![member],
                Reply::Array(items) | Reply::Set(items) => items.iter().filter_map(bulk).collect(),
                _ => Vec::new(),
            };
            if members.is_empty() {
                return Vec::new();
            }
            let mut out = argv(&[b"SREM", key]);
            out.extend(members.iter().map(|m| m.to_vec()));
            vec![out]
        }
        "blpop" | "brpop" | "bzpopmin" | "bzpopmax" => {
            let Some(popped_key) = first_bulk(reply) else { return Vec::new() };
            let verb: &[u8] = match name {
                "blpop" => b"LPOP",
                "brpop" => b"RPOP",
                "bzpopmin" => b"ZPOPMIN",
                _ => b"ZPOPMAX",
            };
            vec![argv(&[verb, popped_key])]
        }
        "blmove" => {
            let mut out = argv(&[b"LMOVE"]);
            out.extend(args[1..5].iter().map(|a| a.to_vec()));
            vec![out]
        }
        "brpoplpush" => vec![argv(&[b"RPOPLPUSH", args[1], args[2]])],
        "blmpop" | "bzmpop" => {
            let mut out = argv(&[if name == "blmpop" { b"LMPOP" } else { b"ZMPOP" }]);
            out.extend(args[2..].iter().map(|a| a.to_vec()));
            vec![out]
        }
        "xadd" => match (xadd_id_position(args), reply) {
            (Some(position), Reply::Bulk(id)) => {
                let mut out = argv(args);
                out[position] = id.to_vec();
                vec![out]
            }
            _ => vec![argv(args)],
        },
        "hexpire" | "hpexpire" | "hexpireat" => {
            let Some(amount) = std::str::from_utf8(args[2]).ok().and_then(|t| t.parse::<i64>().ok()) else { return vec![argv(args)] };
            let at = match name {
                "hexpire" => now.saturating_add(amount.saturating_mul(1000)),
                "hpexpire" => now.saturating_add(amount),
                _ => amount.saturating_mul(1000),
            };
            let mut out = argv(&[b"HPEXPIREAT", key, &number(at)]);
            out.extend(args[3..].iter().map(|a| a.to_vec()));
            vec![out]
        }
        _ => vec![argv(args)],
    }
}

/// `SET key value` with the expiry the key now has (`PXAT`), whatever options made it.
fn set_with_expiry(key: &[u8], value: &[u8], db: &Db) -> Vec<Argv> {
    if !db.keys.contains_key(key) {
        return vec![argv(&[b"DEL", key])];
    }
    match db.expire_of(key) {
        Some(at) => vec![argv(&[b"SET", key, value, b"PXAT", &number(at)])],
        None => vec![argv(&[b"SET", key, value])],
    }
}

fn bulk(reply: &Reply) -> Option<&[u8]> {
    match reply {
        Reply::Bulk(bytes) => Some(bytes),
        _ => None,
    }
}

fn first_bulk(reply: &Reply) -> Option<&[u8]> {
    match reply {
        Reply::Array(items) => items.first().and_then(bulk),
        _ => None,
    }
}

/// Where XADD's entry ID is: after the key, NOMKSTREAM and the trimming options.
fn xadd_id_position(args: &[&[u8]]) -> Option<usize> {
    let mut i = 2;
    while i < args.len() {
        let word = args[i].to_ascii_uppercase();
        match word.as_slice() {
            b"NOMKSTREAM" => i += 1,
            b"MAXLEN" | b"MINID" => {
                i += 1;
                if args.get(i).is_some_and(|a| *a == b"=" || *a == b"~") {
                    i += 1;
                }
                i += 1;
            }
            b"LIMIT" => i += 2,
            _ => return Some(i),
        }
    }
    None
}

/// Appends one command in RESP, as a client would send it.
pub fn encode(out: &mut Vec<u8>, parts: &[impl AsRef<[u8]>]) {
    out.push(b'*');
    out.extend_from_slice(itoa::Buffer::new().format(parts.len()).as_bytes());
    out.extend_from_slice(b"\r\n");
    for part in parts {
        let part = part.as_ref();
        out.push(b'$');
        out.extend_from_slice(itoa::Buffer::new().format(part.len()).as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xadd_id_found_after_options() {
        let args: Vec<&[u8]> = vec![b"XADD", b"s", b"NOMKSTREAM", b"MAXLEN", b"~", b"10", b"LIMIT", b"5", b"*", b"f", b"v"];
        assert_eq!(xadd_id_position(&args), Some(8));
        let args: Vec<&[u8]> = vec![b"xadd", b"s", b"*", b"f", b"v"];
        assert_eq!(xadd_id_position(&args), Some(2));
    }

    #[test]
    fn encodes_resp_arrays() {
        let mut out = Vec::new();
        encode(&mut out, &[b"SET".as_slice(), b"k", b""]);
        assert_eq!(out, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
    }
}
