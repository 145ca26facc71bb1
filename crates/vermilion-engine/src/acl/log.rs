//! `ACL LOG`: recent denied commands and failed authentications, newest first. Repeats of the
//! same denial within a minute update one entry instead of adding more, as in Redis.

use std::collections::VecDeque;

use crate::reply::Reply;

/// How many entries are kept (Redis's `acllog-max-len` default).
const MAX_ENTRIES: usize = 128;
/// Repeats closer together than this are grouped into one entry.
const GROUPING_WINDOW_MS: i64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Command,
    Key,
    Channel,
    Auth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    TopLevel,
    Multi,
    Lua,
}

#[derive(Debug, Clone)]
struct Entry {
    count: u64,
    reason: Reason,
    context: Context,
    object: String,
    username: String,
    created_ms: i64,
    client_info: String,
}

#[derive(Debug, Default)]
pub struct AclLog {
    entries: VecDeque<Entry>,
}

impl AclLog {
    /// Records a denial at `now_ms`; `client_info` is the client's `CLIENT INFO` line.
    pub fn add(&mut self, reason: Reason, context: Context, object: String, username: String, now_ms: i64, client_info: String) {
        let similar = self.entries.iter().position(|e| {
            e.reason == reason
                && e.context == context
                && e.object == object
                && e.username == username
                && now_ms - e.created_ms < GROUPING_WINDOW_MS
        });
        if let Some(index) = similar {
            let mut entry = self.entries.remove(index).expect("index found above");
            entry.count += 1;
            entry.created_ms = now_ms;
            entry.client_info = client_info;
            self.entries.push_front(entry);
            return;
        }
        self.entries.push_front(Entry { count: 1, reason, context, object, username, created_ms: now_ms, client_info });
        self.entries.truncate(MAX_ENTRIES);
    }

    pub fn reset(&mut self) {
        self.entries.clear();
    }

    /// The newest `count` entries (all when `None`) as ACL LOG replies them.
    pub fn reply(&self, count: Option<usize>, now_ms: i64) -> Reply {
        let entries = self.entries.iter().take(count.unwrap_or(usize::MAX));
        Reply::Array(
            entries
                .map(|e| {
                    let field = |name: &'static str, value: Reply| (Reply::bulk(name), value);
                    Reply::Map(vec![
                        field("count", Reply::Integer(e.count as i64)),
                        field("reason", Reply::bulk(reason_name(e.reason))),
                        field("context", Reply::bulk(context_name(e.context))),
                        field("object", Reply::bulk(e.object.as_bytes())),
                        field("username", Reply::bulk(e.username.as_bytes())),
                        field("age-seconds", Reply::Double((now_ms - e.created_ms) as f64 / 1000.0)),
                        field("client-info", Reply::bulk(e.client_info.as_bytes())),
                    ])
                })
                .collect(),
        )
    }
}

fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::Command => "command",
        Reason::Key => "key",
        Reason::Channel => "channel",
        Reason::Auth => "auth",
    }
}

fn context_name(context: Context) -> &'static str {
    match context {
        Context::TopLevel => "toplevel",
        Context::Multi => "multi",
        Context::Lua => "lua",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_within_a_minute_share_an_entry() {
        let mut log = AclLog::default();
        log.add(Reason::Command, Context::TopLevel, "get".into(), "bob".into(), 0, String::new());
        log.add(Reason::Command, Context::TopLevel, "get".into(), "bob".into(), 1_000, String::new());
        log.add(Reason::Key, Context::TopLevel, "k".into(), "bob".into(), 2_000, String::new());
        log.add(Reason::Command, Context::TopLevel, "get".into(), "bob".into(), 30_000, String::new());
        log.add(Reason::Command, Context::TopLevel, "get".into(), "bob".into(), 95_000, String::new());
        assert_eq!(log.entries.len(), 3);
        assert_eq!((log.entries[0].count, log.entries[1].count), (1, 3));
        assert_eq!(log.entries[2].reason, Reason::Key);
    }
}
