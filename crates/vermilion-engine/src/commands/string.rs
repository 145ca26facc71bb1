//! String commands.

use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::Ctx;
use crate::reply::Reply;
use crate::types::{StringValue, Value};

pub static COMMANDS: &[Command] = &[
    Command::new("get", 2, Group::String, get)
        .flags(flag::READONLY | flag::FAST).acl(acl::STRING)
        .keys(&[KeySpec::single(1, key::RO | key::ACCESS)])
        .doc("1.0.0", "O(1)", "Returns the string value of a key."),
    Command::new("set", -3, Group::String, set)
        .flags(flag::WRITE | flag::DENYOOM).acl(acl::STRING)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::UPDATE | key::VARIABLE_FLAGS)])
        .doc("1.0.0", "O(1)", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist."),
];

/// GET key
fn get(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(Reply::opt_bulk(ctx.read_string(key)?.map(|s| s.to_vec())))
}

/// SET key value
fn set(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let value = ctx.args.bytes()?;
    ctx.store(key, Value::String(StringValue::from_bytes(value.to_vec())), false);
    Ok(Reply::OK)
}
