//! Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.
//!
//! Subscribing answers with one confirmation frame per channel ([`Reply::Several`]); messages
//! reach subscribers through their mailboxes (see `crate::pubsub`).

use std::sync::Arc;

use super::table::{flag, key, CmdResult, Command, Group, KeySpec};
use super::{help_reply, Ctx};
use crate::pubsub::Kind;
use crate::reply::Reply;

const SUBSCRIBING: u32 = flag::PUBSUB | flag::NOSCRIPT | flag::LOADING | flag::STALE;
/// Shard channels are declared like keys (so a cluster can route them) but are not keys.
const SHARD_CHANNELS: &[KeySpec] = &[KeySpec::range(1, -1, 1, key::NOT_KEY)];

pub static COMMANDS: &[Command] = &[
    Command::new("subscribe", -2, Group::PubSub, subscribe).flags(SUBSCRIBING)
        .doc("2.0.0", "O(N) where N is the number of channels to subscribe to.", "Listens for messages published to channels."),
    Command::new("psubscribe", -2, Group::PubSub, psubscribe).flags(SUBSCRIBING)
        .doc("2.0.0", "O(N) where N is the number of patterns to subscribe to.", "Listens for messages published to channels that match one or more patterns."),
    Command::new("ssubscribe", -2, Group::PubSub, ssubscribe).flags(SUBSCRIBING).keys(SHARD_CHANNELS)
        .doc("7.0.0", "O(N) where N is the number of shard channels to subscribe to.", "Listens for messages published to shard channels."),
    Command::new("unsubscribe", -1, Group::PubSub, unsubscribe).flags(SUBSCRIBING)
        .doc("2.0.0", "O(N) where N is the number of channels to unsubscribe.", "Stops listening to messages posted to channels."),
    Command::new("punsubscribe", -1, Group::PubSub, punsubscribe).flags(SUBSCRIBING)
        .doc("2.0.0", "O(N) where N is the number of patterns to unsubscribe.", "Stops listening to messages published to channels that match one or more patterns."),
    Command::new("sunsubscribe", -1, Group::PubSub, sunsubscribe).flags(SUBSCRIBING).keys(SHARD_CHANNELS)
        .doc("7.0.0", "O(N) where N is the number of shard channels to unsubscribe.", "Stops listening to messages posted to shard channels."),
    Command::new("publish", 3, Group::PubSub, publish).flags(flag::PUBSUB | flag::LOADING | flag::STALE | flag::FAST | flag::MAY_REPLICATE)
        .doc("2.0.0", "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", "Posts a message to a channel."),
    Command::new("spublish", 3, Group::PubSub, spublish).flags(flag::PUBSUB | flag::LOADING | flag::STALE | flag::FAST | flag::MAY_REPLICATE)
        .keys(&[KeySpec::single(1, key::NOT_KEY)])
        .doc("7.0.0", "O(N) where N is the number of clients subscribed to the receiving shard channel.", "Post a message to a shard channel"),
    Command::container("pubsub", Group::PubSub, PUBSUB)
        .doc("2.8.0", "Depends on subcommand.", "A container for Pub/Sub commands."),
];

const INTROSPECTING: u32 = flag::PUBSUB | flag::LOADING | flag::STALE;

static PUBSUB: &[Command] = &[
    Command::new("pubsub|channels", -2, Group::PubSub, channels).flags(INTROSPECTING)
        .doc("2.8.0", "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", "Returns the active channels."),
    Command::new("pubsub|help", 2, Group::PubSub, help).flags(flag::LOADING | flag::STALE)
        .doc("6.2.0", "O(1)", "Returns helpful text about the different subcommands."),
    Command::new("pubsub|numpat", 2, Group::PubSub, numpat).flags(INTROSPECTING)
        .doc("2.8.0", "O(1)", "Returns a count of unique pattern subscriptions."),
    Command::new("pubsub|numsub", -2, Group::PubSub, numsub).flags(INTROSPECTING)
        .doc("2.8.0", "O(N) for the NUMSUB subcommand, where N is the number of requested channels", "Returns a count of subscribers to channels."),
    Command::new("pubsub|shardchannels", -2, Group::PubSub, shardchannels).flags(INTROSPECTING)
        .doc("7.0.0", "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).", "Returns the active shard channels."),
    Command::new("pubsub|shardnumsub", -2, Group::PubSub, shardnumsub).flags(INTROSPECTING)
        .doc("7.0.0", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", "Returns the count of subscribers of shard channels."),
];

fn subscribe(ctx: &mut Ctx) -> CmdResult {
    subscribe_each(ctx, Kind::Channel)
}

fn psubscribe(ctx: &mut Ctx) -> CmdResult {
    subscribe_each(ctx, Kind::Pattern)
}

fn ssubscribe(ctx: &mut Ctx) -> CmdResult {
    subscribe_each(ctx, Kind::Shard)
}

fn unsubscribe(ctx: &mut Ctx) -> CmdResult {
    unsubscribe_each(ctx, Kind::Channel)
}

fn punsubscribe(ctx: &mut Ctx) -> CmdResult {
    unsubscribe_each(ctx, Kind::Pattern)
}

fn sunsubscribe(ctx: &mut Ctx) -> CmdResult {
    unsubscribe_each(ctx, Kind::Shard)
}

/// Subscribes to every named channel (or pattern), confirming each in turn.
fn subscribe_each(ctx: &mut Ctx, kind: Kind) -> CmdResult {
    let names = ctx.args.rest();
    let client = Arc::clone(ctx.client.shared());
    let subs = &mut ctx.client.subscriptions;
    let frames = names.iter().map(|name| ctx.ks.pubsub.subscribe(subs, &client, kind, name)).collect();
    Ok(Reply::Several(frames))
}

/// Unsubscribes from the named channels, or from all of them when none is named.
fn unsubscribe_each(ctx: &mut Ctx, kind: Kind) -> CmdResult {
    let names = ctx.args.rest();
    let client = Arc::clone(ctx.client.shared());
    let subs = &mut ctx.client.subscriptions;
    let frames = if names.is_empty() {
        ctx.ks.pubsub.unsubscribe_all(subs, &client, kind)
    } else {
        names.iter().map(|name| ctx.ks.pubsub.unsubscribe(subs, &client, kind, name)).collect()
    };
    Ok(Reply::Several(frames))
}

/// PUBLISH channel message
fn publish(ctx: &mut Ctx) -> CmdResult {
    let (channel, message) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let now = ctx.engine.coarse_ms();
    Ok(Reply::Integer(ctx.ks.pubsub.publish(channel, message, now) as i64))
}

/// SPUBLISH shardchannel message
fn spublish(ctx: &mut Ctx) -> CmdResult {
    let (channel, message) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let now = ctx.engine.coarse_ms();
    Ok(Reply::Integer(ctx.ks.pubsub.publish_shard(channel, message, now) as i64))
}

/// PUBSUB CHANNELS [pattern]
fn channels(ctx: &mut Ctx) -> CmdResult {
    list_channels(ctx, Kind::Channel)
}

/// PUBSUB SHARDCHANNELS [pattern]
fn shardchannels(ctx: &mut Ctx) -> CmdResult {
    list_channels(ctx, Kind::Shard)
}

fn list_channels(ctx: &mut Ctx, kind: Kind) -> CmdResult {
    let pattern = match ctx.args.rest() {
        [] => None,
        [pattern] => Some(*pattern),
        _ => {
            // Redis names the subcommand as the client spelled it.
            let subcommand = String::from_utf8_lossy(ctx.args.argv()[1]);
            return Err(Reply::error(format!(
                "ERR unknown subcommand or wrong number of arguments for '{subcommand}'. Try PUBSUB HELP."
            )));
        }
    };
    let names = ctx.ks.pubsub.channel_names(kind, pattern);
    Ok(Reply::Array(names.into_iter().map(Reply::bulk).collect()))
}

/// PUBSUB NUMSUB [channel ...]
fn numsub(ctx: &mut Ctx) -> CmdResult {
    count_subscribers(ctx, Kind::Channel)
}

/// PUBSUB SHARDNUMSUB [shardchannel ...]
fn shardnumsub(ctx: &mut Ctx) -> CmdResult {
    count_subscribers(ctx, Kind::Shard)
}

/// Channel, count pairs — a flat array even in RESP3, as Redis replies.
fn count_subscribers(ctx: &mut Ctx, kind: Kind) -> CmdResult {
    let mut out = Vec::new();
    for channel in ctx.args.rest() {
        out.push(Reply::bulk(*channel));
        out.push(Reply::Integer(ctx.ks.pubsub.subscriber_count(kind, channel) as i64));
    }
    Ok(Reply::Array(out))
}

/// PUBSUB NUMPAT
fn numpat(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Integer(ctx.ks.pubsub.pattern_count() as i64))
}

/// PUBSUB HELP
fn help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("PUBSUB", &[
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
    ]))
}
