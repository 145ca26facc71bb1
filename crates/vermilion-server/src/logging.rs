//! Log lines shaped like Redis's (`pid:M time level-mark message`), honouring `loglevel` and
//! `logfile`.

use std::fmt;
use std::fs::OpenOptions;
use std::sync::Mutex;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::registry::LookupSpan;

/// Redis's log levels, from the most to the least verbose, onto tracing's.
pub fn level_filter(loglevel: &str) -> LevelFilter {
    match loglevel {
        "debug" => LevelFilter::TRACE,
        "verbose" => LevelFilter::DEBUG,
        "warning" => LevelFilter::WARN,
        "nothing" => LevelFilter::OFF,
        _ => LevelFilter::INFO,
    }
}

/// Installs the global logger: stdout, or `logfile` (appended to) when set.
pub fn init(loglevel: &str, logfile: &str) -> Result<(), String> {
    let writer = if logfile.is_empty() {
        BoxMakeWriter::new(std::io::stdout)
    } else {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(logfile)
            .map_err(|e| format!("Can't open the log file: {e}"))?;
        BoxMakeWriter::new(Mutex::new(file))
    };
    tracing_subscriber::fmt()
        .with_max_level(level_filter(loglevel))
        .with_writer(writer)
        .event_format(RedisLine { pid: std::process::id() })
        .try_init()
        .map_err(|e| e.to_string())
}

/// `12345:M 2026-11-05T10:00:00.123456Z * Ready to accept connections tcp`
struct RedisLine {
    pid: u32,
}

impl<S, N> FormatEvent<S, N> for RedisLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        // Redis marks levels with one character: `.` debug, `-` verbose, `*` notice, `#` warning.
        let mark = match *event.metadata().level() {
            Level::TRACE => '.',
            Level::DEBUG => '-',
            Level::INFO => '*',
            Level::WARN | Level::ERROR => '#',
        };
        write!(writer, "{}:M ", self.pid)?;
        SystemTime.format_time(&mut writer)?;
        write!(writer, " {mark} ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}
