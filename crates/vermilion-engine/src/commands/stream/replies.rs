//! Reply shapes of stream entries.

use super::*;

pub(super) fn id_reply(id: StreamId) -> Reply {
    Reply::bulk(id.to_string())
}

/// `[id, [field, value, ...]]`.
pub(super) fn entry_reply(id: StreamId, fields: Fields) -> Reply {
    Reply::Array(vec![id_reply(id), Reply::Array(fields.into_iter().map(Reply::bulk).collect())])
}

pub(super) fn entries_reply(entries: Vec<(StreamId, Fields)>) -> Reply {
    Reply::Array(entries.into_iter().map(|(id, fields)| entry_reply(id, fields)).collect())
}

pub(super) fn field(name: &'static str, value: Reply) -> (Reply, Reply) {
    (Reply::bulk(name), value)
}
