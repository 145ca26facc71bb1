//! Replies to RESP bytes, in the protocol version the client chose (`HELLO 2` / `HELLO 3`).
//!
//! RESP2 has no maps, sets, doubles, booleans, big numbers, verbatim strings or pushes; Redis
//! downgrades them to arrays, bulk strings and integers, and so do we, byte for byte.

use vermilion_engine::double::write_g17;
use vermilion_engine::Reply;

/// Appends the encoding of `reply` for a client speaking RESP `resp` (2 or 3).
pub fn encode(reply: &Reply, resp: u8, out: &mut Vec<u8>) {
    let resp3 = resp >= 3;
    match reply {
        Reply::Simple(line) => write_line(b'+', line.as_bytes(), out),
        Reply::Error(line) => write_error(line.as_bytes(), out),
        Reply::Integer(n) => write_int(b':', *n, out),
        Reply::Bulk(bytes) => write_bulk(bytes, out),
        Reply::Null | Reply::NullArray if resp3 => out.extend_from_slice(b"_\r\n"),
        Reply::Null => out.extend_from_slice(b"$-1\r\n"),
        Reply::NullArray => out.extend_from_slice(b"*-1\r\n"),
        Reply::Array(items) => write_aggregate(b'*', items, resp, out),
        Reply::Set(items) => write_aggregate(if resp3 { b'~' } else { b'*' }, items, resp, out),
        Reply::Push(items) => write_aggregate(if resp3 { b'>' } else { b'*' }, items, resp, out),
        Reply::Several(replies) => {
            for reply in replies {
                encode(reply, resp, out);
            }
        }
        Reply::Map(pairs) => {
            if resp3 {
                write_len(b'%', pairs.len(), out);
            } else {
                write_len(b'*', pairs.len() * 2, out);
            }
            for (key, value) in pairs {
                encode(key, resp, out);
                encode(value, resp, out);
            }
        }
        Reply::Double(value) => write_double(*value, resp3, out),
        Reply::Bool(value) if resp3 => out.extend_from_slice(if *value { b"#t\r\n" } else { b"#f\r\n" }),
        Reply::Bool(value) => write_int(b':', i64::from(*value), out),
        Reply::BigNumber(digits) if resp3 => write_line(b'(', digits.as_bytes(), out),
        Reply::BigNumber(digits) => write_bulk(digits.as_bytes(), out),
        Reply::Verbatim(format, text) if resp3 => {
            write_len(b'=', format.len() + 1 + text.len(), out);
            out.extend_from_slice(format.as_bytes());
            out.push(b':');
            out.extend_from_slice(text);
            out.extend_from_slice(b"\r\n");
        }
        Reply::Verbatim(_, text) => write_bulk(text, out),
    }
}

/// Appends an error reply from a line such as `ERR syntax error` (no leading `-`).
pub fn write_error(line: &[u8], out: &mut Vec<u8>) {
    out.push(b'-');
    // A line break inside an error would corrupt the stream; Redis turns them into spaces.
    out.extend(line.iter().map(|&b| if matches!(b, b'\r' | b'\n') { b' ' } else { b }));
    out.extend_from_slice(b"\r\n");
}

fn write_line(prefix: u8, line: &[u8], out: &mut Vec<u8>) {
    out.push(prefix);
    out.extend_from_slice(line);
    out.extend_from_slice(b"\r\n");
}

fn write_int(prefix: u8, n: i64, out: &mut Vec<u8>) {
    write_line(prefix, itoa::Buffer::new().format(n).as_bytes(), out);
}

fn write_len(prefix: u8, len: usize, out: &mut Vec<u8>) {
    write_line(prefix, itoa::Buffer::new().format(len).as_bytes(), out);
}

fn write_bulk(bytes: &[u8], out: &mut Vec<u8>) {
    write_len(b'$', bytes.len(), out);
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

fn write_aggregate(prefix: u8, items: &[Reply], resp: u8, out: &mut Vec<u8>) {
    write_len(prefix, items.len(), out);
    for item in items {
        encode(item, resp, out);
    }
}

/// RESP3 `,1.5`; RESP2 a bulk string of the same text (Redis 7.0's `addReplyDouble`).
fn write_double(value: f64, resp3: bool, out: &mut Vec<u8>) {
    let mut text = Vec::with_capacity(24);
    write_g17(value, &mut text);
    if resp3 {
        write_line(b',', &text, out);
    } else {
        write_bulk(&text, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn both(reply: Reply) -> (String, String) {
        let (mut two, mut three) = (Vec::new(), Vec::new());
        encode(&reply, 2, &mut two);
        encode(&reply, 3, &mut three);
        (String::from_utf8(two).unwrap(), String::from_utf8(three).unwrap())
    }

    fn same(reply: Reply, expected: &str) {
        assert_eq!(both(reply), (expected.to_string(), expected.to_string()));
    }

    #[test]
    fn scalars_are_the_same_in_both_protocols() {
        same(Reply::OK, "+OK\r\n");
        same(Reply::err("ERR syntax error"), "-ERR syntax error\r\n");
        same(Reply::Error(Cow::Owned("ERR a\r\nb".into())), "-ERR a  b\r\n");
        same(Reply::Integer(-42), ":-42\r\n");
        same(Reply::Integer(i64::MIN), ":-9223372036854775808\r\n");
        same(Reply::bulk("hello"), "$5\r\nhello\r\n");
        same(Reply::bulk(""), "$0\r\n\r\n");
        same(Reply::Array(vec![]), "*0\r\n");
        same(Reply::Array(vec![Reply::Integer(1), Reply::bulk("a")]), "*2\r\n:1\r\n$1\r\na\r\n");
    }

    #[test]
    fn nulls() {
        assert_eq!(both(Reply::Null), ("$-1\r\n".into(), "_\r\n".into()));
        assert_eq!(both(Reply::NullArray), ("*-1\r\n".into(), "_\r\n".into()));
    }

    #[test]
    fn maps_flatten_in_resp2() {
        let map = Reply::Map(vec![(Reply::bulk("a"), Reply::Integer(1)), (Reply::bulk("b"), Reply::Null)]);
        assert_eq!(both(map), ("*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n".into(), "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n".into()));
    }

    #[test]
    fn sets_and_pushes_become_arrays_in_resp2() {
        let items = || vec![Reply::bulk("x")];
        assert_eq!(both(Reply::Set(items())), ("*1\r\n$1\r\nx\r\n".into(), "~1\r\n$1\r\nx\r\n".into()));
        assert_eq!(both(Reply::Push(items())), ("*1\r\n$1\r\nx\r\n".into(), ">1\r\n$1\r\nx\r\n".into()));
    }

    #[test]
    fn doubles_use_g17() {
        assert_eq!(both(Reply::Double(1.1)), ("$18\r\n1.1000000000000001\r\n".into(), ",1.1000000000000001\r\n".into()));
        assert_eq!(both(Reply::Double(3.0)), ("$1\r\n3\r\n".into(), ",3\r\n".into()));
        assert_eq!(both(Reply::Double(f64::INFINITY)), ("$3\r\ninf\r\n".into(), ",inf\r\n".into()));
        assert_eq!(both(Reply::Double(f64::NEG_INFINITY)), ("$4\r\n-inf\r\n".into(), ",-inf\r\n".into()));
        assert_eq!(both(Reply::Double(f64::NAN)), ("$3\r\nnan\r\n".into(), ",nan\r\n".into()));
    }

    #[test]
    fn booleans_become_integers_in_resp2() {
        assert_eq!(both(Reply::Bool(true)), (":1\r\n".into(), "#t\r\n".into()));
        assert_eq!(both(Reply::Bool(false)), (":0\r\n".into(), "#f\r\n".into()));
    }

    #[test]
    fn big_numbers_become_bulks_in_resp2() {
        let n = "3492890328409238509324850943850943825024385";
        assert_eq!(both(Reply::BigNumber(n.into())), (format!("$43\r\n{n}\r\n"), format!("({n}\r\n")));
    }

    #[test]
    fn verbatim_strings_lose_their_format_in_resp2() {
        let reply = Reply::Verbatim("txt", b"Some string".to_vec());
        assert_eq!(both(reply), ("$11\r\nSome string\r\n".into(), "=15\r\ntxt:Some string\r\n".into()));
    }

    #[test]
    fn nested_aggregates_downgrade_all_the_way() {
        let reply = Reply::Array(vec![Reply::Map(vec![(Reply::simple("k"), Reply::Set(vec![Reply::Bool(true)]))])]);
        assert_eq!(both(reply), ("*1\r\n*2\r\n+k\r\n*1\r\n:1\r\n".into(), "*1\r\n%1\r\n+k\r\n~1\r\n#t\r\n".into()));
    }
}
