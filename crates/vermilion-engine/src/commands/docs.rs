//! The vocabulary of `COMMAND DOCS` beyond a command's summary: argument trees, change history
//! and deprecation, declared as data in `docs_table.rs` and answered as Redis 7.2 shapes them.

use crate::reply::Reply;

/// An argument's type, as `COMMAND DOCS` names it.
pub(super) type ArgKind = &'static str;
pub(super) const STRING: ArgKind = "string";
pub(super) const INTEGER: ArgKind = "integer";
pub(super) const DOUBLE: ArgKind = "double";
pub(super) const KEY: ArgKind = "key";
pub(super) const PATTERN: ArgKind = "pattern";
pub(super) const UNIX_TIME: ArgKind = "unix-time";
pub(super) const PURE_TOKEN: ArgKind = "pure-token";
/// One of the nested arguments.
pub(super) const ONEOF: ArgKind = "oneof";
/// The nested arguments, together.
pub(super) const BLOCK: ArgKind = "block";

const OPTIONAL: u8 = 1 << 0;
const MULTIPLE: u8 = 1 << 1;
const MULTIPLE_TOKEN: u8 = 1 << 2;
const ARG_FLAG_NAMES: &[(u8, &str)] = &[(OPTIONAL, "optional"), (MULTIPLE, "multiple"), (MULTIPLE_TOKEN, "multiple_token")];

const DEPRECATED: u8 = 1 << 0;
const SYSCMD: u8 = 1 << 1;
const DOC_FLAG_NAMES: &[(u8, &str)] = &[(DEPRECATED, "deprecated"), (SYSCMD, "syscmd")];

/// One argument of a command, possibly with nested arguments (`oneof`, `block`).
#[derive(Clone, Copy)]
pub(super) struct ArgDoc {
    name: &'static str,
    kind: ArgKind,
    /// How redis-cli shows it, when that is not its name.
    display: Option<&'static str>,
    /// Which key spec finds it, for a key.
    key_spec: Option<u32>,
    token: Option<&'static str>,
    since: Option<&'static str>,
    deprecated_since: Option<&'static str>,
    flags: u8,
    args: &'static [ArgDoc],
}

/// An argument named `name` of type `kind`; chain the setters below.
pub(super) const fn arg(name: &'static str, kind: ArgKind) -> ArgDoc {
    ArgDoc { name, kind, display: None, key_spec: None, token: None, since: None, deprecated_since: None, flags: 0, args: &[] }
}

impl ArgDoc {
    pub(super) const fn display(mut self, text: &'static str) -> Self {
        self.display = Some(text);
        self
    }

    pub(super) const fn key_spec(mut self, index: u32) -> Self {
        self.key_spec = Some(index);
        self
    }

    pub(super) const fn token(mut self, token: &'static str) -> Self {
        self.token = Some(token);
        self
    }

    pub(super) const fn since(mut self, version: &'static str) -> Self {
        self.since = Some(version);
        self
    }

    pub(super) const fn deprecated_since(mut self, version: &'static str) -> Self {
        self.deprecated_since = Some(version);
        self
    }

    pub(super) const fn optional(mut self) -> Self {
        self.flags |= OPTIONAL;
        self
    }

    pub(super) const fn multiple(mut self) -> Self {
        self.flags |= MULTIPLE;
        self
    }

    pub(super) const fn multiple_token(mut self) -> Self {
        self.flags |= MULTIPLE_TOKEN;
        self
    }

    pub(super) const fn args(mut self, args: &'static [ArgDoc]) -> Self {
        self.args = args;
        self
    }

    fn is_group(&self) -> bool {
        self.kind == ONEOF || self.kind == BLOCK
    }

    /// The argument's map, fields in Redis's order. Groups carry their nested arguments instead
    /// of a display text.
    fn reply(&self) -> Reply {
        let mut pairs = vec![("name", Reply::bulk(self.name)), ("type", Reply::bulk(self.kind))];
        if !self.is_group() {
            pairs.push(("display_text", Reply::bulk(self.display.unwrap_or(self.name))));
        }
        if let Some(index) = self.key_spec {
            pairs.push(("key_spec_index", Reply::Integer(index.into())));
        }
        let texts = [("token", self.token), ("since", self.since), ("deprecated_since", self.deprecated_since)];
        pairs.extend(texts.into_iter().filter_map(|(field, text)| Some((field, Reply::bulk(text?)))));
        if self.flags != 0 {
            pairs.push(("flags", flag_set(self.flags, ARG_FLAG_NAMES)));
        }
        if self.is_group() {
            pairs.push(("arguments", args_reply(self.args)));
        }
        map(pairs)
    }
}

/// A command's documentation beyond its summary, since, group and complexity.
pub(super) struct CommandDoc {
    /// Full name, lowercase (`client|kill`).
    name: &'static str,
    doc_flags: u8,
    deprecated_since: Option<&'static str>,
    replaced_by: Option<&'static str>,
    /// `(version, what changed)`, oldest first.
    history: &'static [(&'static str, &'static str)],
    args: &'static [ArgDoc],
}

impl CommandDoc {
    pub(super) const fn new(name: &'static str) -> Self {
        CommandDoc { name, doc_flags: 0, deprecated_since: None, replaced_by: None, history: &[], args: &[] }
    }

    pub(super) const fn deprecated(mut self) -> Self {
        self.doc_flags |= DEPRECATED;
        self
    }

    pub(super) const fn syscmd(mut self) -> Self {
        self.doc_flags |= SYSCMD;
        self
    }

    pub(super) const fn deprecated_since(mut self, version: &'static str) -> Self {
        self.deprecated_since = Some(version);
        self
    }

    pub(super) const fn replaced_by(mut self, text: &'static str) -> Self {
        self.replaced_by = Some(text);
        self
    }

    pub(super) const fn history(mut self, history: &'static [(&'static str, &'static str)]) -> Self {
        self.history = history;
        self
    }

    pub(super) const fn args(mut self, args: &'static [ArgDoc]) -> Self {
        self.args = args;
        self
    }
}

/// The documentation of the command with this full name, if it has any beyond its summary.
fn lookup(name: &str) -> Option<&'static CommandDoc> {
    let table = super::docs_table::DOCS;
    table.binary_search_by(|doc| doc.name.cmp(name)).ok().map(|i| &table[i])
}

/// The fields `COMMAND DOCS` gives after `complexity`, in Redis's order: `doc_flags`,
/// `deprecated_since`, `replaced_by`, `history`, `arguments` (only those a command has).
pub(super) fn extra_fields(name: &str) -> Vec<(&'static str, Reply)> {
    let Some(doc) = lookup(name) else { return Vec::new() };
    let mut pairs = Vec::new();
    if doc.doc_flags != 0 {
        pairs.push(("doc_flags", flag_set(doc.doc_flags, DOC_FLAG_NAMES)));
    }
    if let Some(version) = doc.deprecated_since {
        pairs.push(("deprecated_since", Reply::bulk(version)));
    }
    if let Some(text) = doc.replaced_by {
        pairs.push(("replaced_by", Reply::bulk(text)));
    }
    if !doc.history.is_empty() {
        let entries = doc.history.iter().map(|(version, change)| Reply::Array(vec![Reply::bulk(*version), Reply::bulk(*change)]));
        pairs.push(("history", Reply::Set(entries.collect())));
    }
    if !doc.args.is_empty() {
        pairs.push(("arguments", args_reply(doc.args)));
    }
    pairs
}

fn args_reply(args: &[ArgDoc]) -> Reply {
    Reply::Array(args.iter().map(ArgDoc::reply).collect())
}

fn flag_set(bits: u8, names: &[(u8, &'static str)]) -> Reply {
    Reply::Set(names.iter().filter(|(bit, _)| bits & bit != 0).map(|(_, name)| Reply::Simple((*name).into())).collect())
}

fn map(pairs: Vec<(&'static str, Reply)>) -> Reply {
    Reply::Map(pairs.into_iter().map(|(field, value)| (Reply::bulk(field), value)).collect())
}

#[cfg(test)]
mod tests {
    use super::super::docs_table::DOCS;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(DOCS.windows(2).all(|pair| pair[0].name < pair[1].name));
    }

    #[test]
    fn documents_only_known_commands() {
        for doc in DOCS {
            assert!(crate::commands::lookup_full(doc.name.as_bytes()).is_some(), "{} is documented but unknown", doc.name);
        }
    }
}
