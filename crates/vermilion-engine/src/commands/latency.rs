//! LATENCY: latency spikes by event class, and per-command latency histograms.

use super::table::{acl, flag, CmdResult, Command, Group};
use super::{help_reply, Ctx};
use crate::reply::Reply;

const FLAGS: u32 = flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE;

pub static COMMANDS: &[Command] = &[Command::container("latency", Group::Server, LATENCY)];

static LATENCY: &[Command] = &[
    Command::new("latency|doctor", 2, Group::Server, doctor).flags(FLAGS)
        .tips(&["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"])
        .doc("2.8.13", "O(1)", "Returns a human-readable latency analysis report."),
    Command::new("latency|help", 2, Group::Server, help).flags(flag::LOADING | flag::STALE).acl(acl::SLOW)
        .doc("2.8.13", "O(1)", "Returns helpful text about the different subcommands."),
    Command::new("latency|histogram", -2, Group::Server, histogram).flags(FLAGS)
        .tips(&["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"])
        .doc("7.0.0", "O(N) where N is the number of commands with latency information being retrieved.",
            "Returns the cumulative distribution of latencies of a subset or all commands."),
    Command::new("latency|history", 3, Group::Server, history).flags(FLAGS)
        .tips(&["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"])
        .doc("2.8.13", "O(1)", "Returns timestamp-latency samples for an event."),
    Command::new("latency|latest", 2, Group::Server, latest).flags(FLAGS)
        .tips(&["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"])
        .doc("2.8.13", "O(1)", "Returns the latest latency samples for all events."),
    Command::new("latency|reset", -2, Group::Server, reset).flags(FLAGS)
        .tips(&["request_policy:all_nodes", "response_policy:agg_sum"])
        .doc("2.8.13", "O(1)", "Resets the latency data for one or more events."),
];

/// LATENCY LATEST — for each event: name, time of its latest spike, that spike, the worst.
fn latest(ctx: &mut Ctx) -> CmdResult {
    let monitor = ctx.engine.observer.latency.lock();
    let events = monitor
        .events
        .iter()
        .filter_map(|(name, series)| {
            let last = series.samples.back()?;
            Some(Reply::Array(vec![
                Reply::bulk(name.as_bytes()),
                Reply::Integer(last.time),
                Reply::Integer(last.latency_ms as i64),
                Reply::Integer(series.max_ms as i64),
            ]))
        })
        .collect();
    Ok(Reply::Array(events))
}

/// LATENCY HISTORY event — its samples as (time, latency ms), oldest first.
fn history(ctx: &mut Ctx) -> CmdResult {
    let event = ctx.args.text()?;
    let monitor = ctx.engine.observer.latency.lock();
    let samples = monitor.events.get(&event).map_or_else(Vec::new, |series| {
        series
            .samples
            .iter()
            .map(|s| Reply::Array(vec![Reply::Integer(s.time), Reply::Integer(s.latency_ms as i64)]))
            .collect()
    });
    Ok(Reply::Array(samples))
}

/// LATENCY RESET [event ...] — how many events were forgotten.
fn reset(ctx: &mut Ctx) -> CmdResult {
    let events: Vec<String> = ctx.args.rest().iter().map(|e| String::from_utf8_lossy(e).into_owned()).collect();
    Ok(Reply::Integer(ctx.engine.observer.latency.lock().reset(&events) as i64))
}

/// LATENCY DOCTOR
fn doctor(ctx: &mut Ctx) -> CmdResult {
    let report = ctx.engine.observer.latency.lock().doctor();
    Ok(Reply::Verbatim("txt", report.into_bytes()))
}

/// LATENCY HISTOGRAM [command ...] — for each command called: its calls and the cumulative
/// count of calls at or under each power-of-two µs bound.
fn histogram(ctx: &mut Ctx) -> CmdResult {
    let wanted: Vec<&'static Command> = ctx.args.rest().iter().filter_map(|name| super::lookup_full(name)).collect();
    let all = ctx.args.rest().is_empty();
    let map = ctx.engine.observer.with_tallies(&ctx.ks.calls, |tallies| {
        tallies
            .commands()
            .into_iter()
            .filter(|t| all || wanted.iter().any(|w| std::ptr::eq(*w, t.cmd)))
            .filter_map(|t| {
                let histogram = t.histogram.as_ref()?;
                let buckets = histogram
                    .cumulative_buckets()
                    .into_iter()
                    .map(|(bound_ns, count)| (Reply::Integer((bound_ns / 1000) as i64), Reply::Integer(count as i64)))
                    .collect();
                Some((
                    Reply::bulk(t.cmd.name.as_bytes()),
                    Reply::Map(vec![
                        (Reply::bulk("calls"), Reply::Integer(t.calls as i64)),
                        (Reply::bulk("histogram_usec"), Reply::Map(buckets)),
                    ]),
                ))
            })
            .collect()
    });
    Ok(Reply::Map(map))
}

/// LATENCY HELP
fn help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("LATENCY", &[
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
    ]))
}
