//! The command table's vocabulary: flags, ACL categories and key specs, named as Redis names
//! them in `src/commands/*.json`, so `COMMAND INFO` and `COMMAND DOCS` answer as Redis does.

use super::Ctx;
use crate::reply::Reply;

/// What a handler returns; `Err` carries an error reply so handlers can use `?`.
pub type CmdResult = Result<Reply, Reply>;
pub type Handler = fn(&mut Ctx) -> CmdResult;
/// A command's own key finder: the positions of the keys in `argv`.
pub type KeyFinder = fn(&[&[u8]]) -> Vec<usize>;

/// Command flags (`COMMAND INFO`'s third field). The bit order is Redis's reply order.
pub mod flag {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 4;
    pub const PUBSUB: u32 = 1 << 5;
    pub const NOSCRIPT: u32 = 1 << 6;
    pub const BLOCKING: u32 = 1 << 7;
    pub const LOADING: u32 = 1 << 8;
    pub const STALE: u32 = 1 << 9;
    pub const SKIP_MONITOR: u32 = 1 << 10;
    pub const SKIP_SLOWLOG: u32 = 1 << 11;
    pub const FAST: u32 = 1 << 13;
    pub const NO_AUTH: u32 = 1 << 14;
    pub const MAY_REPLICATE: u32 = 1 << 15;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 16;
    pub const NO_MULTI: u32 = 1 << 17;
    pub const MOVABLEKEYS: u32 = 1 << 18;
    pub const ALLOW_BUSY: u32 = 1 << 19;

    /// Reply names, in Redis's order. `MAY_REPLICATE` stays internal: Redis hides it too.
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"), (READONLY, "readonly"), (DENYOOM, "denyoom"), (ADMIN, "admin"),
        (PUBSUB, "pubsub"), (NOSCRIPT, "noscript"), (BLOCKING, "blocking"), (LOADING, "loading"),
        (STALE, "stale"), (SKIP_MONITOR, "skip_monitor"), (SKIP_SLOWLOG, "skip_slowlog"),
        (FAST, "fast"), (NO_AUTH, "no_auth"),
        (NO_MANDATORY_KEYS, "no_mandatory_keys"), (NO_MULTI, "no_multi"),
        (MOVABLEKEYS, "movablekeys"), (ALLOW_BUSY, "allow_busy"),
    ];
}

/// ACL categories. Bit order is Redis's category table order, which `COMMAND INFO` follows.
pub mod acl {
    pub const KEYSPACE: u32 = 1 << 0;
    pub const READ: u32 = 1 << 1;
    pub const WRITE: u32 = 1 << 2;
    pub const SET: u32 = 1 << 3;
    pub const SORTEDSET: u32 = 1 << 4;
    pub const LIST: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const STRING: u32 = 1 << 7;
    pub const BITMAP: u32 = 1 << 8;
    pub const HYPERLOGLOG: u32 = 1 << 9;
    pub const GEO: u32 = 1 << 10;
    pub const STREAM: u32 = 1 << 11;
    pub const PUBSUB: u32 = 1 << 12;
    pub const ADMIN: u32 = 1 << 13;
    pub const FAST: u32 = 1 << 14;
    pub const SLOW: u32 = 1 << 15;
    pub const BLOCKING: u32 = 1 << 16;
    pub const DANGEROUS: u32 = 1 << 17;
    pub const CONNECTION: u32 = 1 << 18;
    pub const TRANSACTION: u32 = 1 << 19;
    pub const SCRIPTING: u32 = 1 << 20;

    pub const NAMES: &[(u32, &str)] = &[
        (KEYSPACE, "keyspace"), (READ, "read"), (WRITE, "write"), (SET, "set"),
        (SORTEDSET, "sortedset"), (LIST, "list"), (HASH, "hash"), (STRING, "string"),
        (BITMAP, "bitmap"), (HYPERLOGLOG, "hyperloglog"), (GEO, "geo"), (STREAM, "stream"),
        (PUBSUB, "pubsub"), (ADMIN, "admin"), (FAST, "fast"), (SLOW, "slow"),
        (BLOCKING, "blocking"), (DANGEROUS, "dangerous"), (CONNECTION, "connection"),
        (TRANSACTION, "transaction"), (SCRIPTING, "scripting"),
    ];
}

/// Key-spec flags (Redis's `CMD_KEY_*`), in Redis's reply order.
pub mod key {
    pub const RO: u16 = 1 << 0;
    pub const RW: u16 = 1 << 1;
    pub const OW: u16 = 1 << 2;
    pub const RM: u16 = 1 << 3;
    pub const ACCESS: u16 = 1 << 4;
    pub const UPDATE: u16 = 1 << 5;
    pub const INSERT: u16 = 1 << 6;
    pub const DELETE: u16 = 1 << 7;
    pub const NOT_KEY: u16 = 1 << 8;
    pub const INCOMPLETE: u16 = 1 << 9;
    pub const VARIABLE_FLAGS: u16 = 1 << 10;

    pub const NAMES: &[(u16, &str)] = &[
        (RO, "RO"), (RW, "RW"), (OW, "OW"), (RM, "RM"), (ACCESS, "access"), (UPDATE, "update"),
        (INSERT, "insert"), (DELETE, "delete"), (NOT_KEY, "not_key"), (INCOMPLETE, "incomplete"),
        (VARIABLE_FLAGS, "variable_flags"),
    ];
}

/// Where the search for a command's keys begins.
#[derive(Debug, Clone, Copy)]
pub enum BeginSearch {
    /// At a fixed argument index.
    Index(i32),
    /// After a keyword, searched from `startfrom` (negative: from the end).
    Keyword { keyword: &'static str, startfrom: i32 },
    /// No rule finds them (SORT's BY/GET/STORE keys); the command's `get_keys` does.
    Unknown,
}

/// How keys are found once the search has begun.
#[derive(Debug, Clone, Copy)]
pub enum FindKeys {
    /// `lastkey` relative to the begin index (negative: from the end), every `keystep` arguments;
    /// `limit` > 1 keeps only 1/limit of the remaining arguments.
    Range { lastkey: i32, keystep: i32, limit: i32 },
    /// The key count sits at `keynumidx`; keys follow from `firstkey`, every `keystep`.
    Keynum { keynumidx: i32, firstkey: i32, keystep: i32 },
    /// Found by the command's own `get_keys`.
    Unknown,
}

/// One key spec, as in Redis 7's command JSON.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub flags: u16,
    pub begin: BeginSearch,
    pub find: FindKeys,
    /// Redis's explanation of unusual flags (empty when there is none).
    pub notes: &'static str,
}

impl KeySpec {
    /// The common case: one key at `index`.
    pub const fn single(index: i32, flags: u16) -> KeySpec {
        KeySpec { flags, begin: BeginSearch::Index(index), find: FindKeys::Range { lastkey: 0, keystep: 1, limit: 0 }, notes: "" }
    }

    /// Keys from `index` to the end (or `lastkey` relative), every `step` arguments.
    pub const fn range(index: i32, lastkey: i32, step: i32, flags: u16) -> KeySpec {
        KeySpec { flags, begin: BeginSearch::Index(index), find: FindKeys::Range { lastkey, keystep: step, limit: 0 }, notes: "" }
    }

    pub const fn notes(mut self, notes: &'static str) -> KeySpec {
        self.notes = notes;
        self
    }

    /// Appends the positions in `argv` of the keys this spec finds.
    pub fn positions(&self, argv: &[&[u8]], out: &mut Vec<usize>) {
        if self.flags & key::NOT_KEY != 0 {
            return;
        }
        let argc = argv.len() as i32;
        let start = match self.begin {
            BeginSearch::Index(i) => i,
            BeginSearch::Unknown => return,
            BeginSearch::Keyword { keyword, startfrom } => {
                let is_keyword = |i: &i32| argv[*i as usize].eq_ignore_ascii_case(keyword.as_bytes());
                let found = if startfrom >= 0 {
                    (startfrom..argc).find(is_keyword)
                } else {
                    (1..=(argc + startfrom).max(0)).rev().find(is_keyword)
                };
                match found {
                    Some(i) => i + 1,
                    None => return,
                }
            }
        };
        if start >= argc {
            return;
        }
        match self.find {
            FindKeys::Range { lastkey, keystep, limit } => {
                let last = if lastkey >= 0 {
                    start + lastkey
                } else if limit > 1 {
                    start + (argc - 1 - start) / limit
                } else {
                    argc + lastkey
                };
                let mut i = start;
                while i <= last.min(argc - 1) {
                    out.push(i as usize);
                    i += keystep.max(1);
                }
            }
            FindKeys::Unknown => {}
            FindKeys::Keynum { keynumidx, firstkey, keystep } => {
                let Some(n) = argv.get((start + keynumidx) as usize).and_then(|a| crate::util::parse_i64(a)) else {
                    return;
                };
                let mut i = start + firstkey;
                for _ in 0..n.max(0) {
                    if i >= argc {
                        break;
                    }
                    out.push(i as usize);
                    i += keystep.max(1);
                }
            }
        }
    }
}

/// Command groups, as `COMMAND DOCS` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Generic,
    String,
    List,
    Hash,
    Set,
    SortedSet,
    Stream,
    Bitmap,
    HyperLogLog,
    Geo,
    PubSub,
    Transactions,
    Scripting,
    Connection,
    Server,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Generic => "generic",
            Group::String => "string",
            Group::List => "list",
            Group::Hash => "hash",
            Group::Set => "set",
            Group::SortedSet => "sorted-set",
            Group::Stream => "stream",
            Group::Bitmap => "bitmap",
            Group::HyperLogLog => "hyperloglog",
            Group::Geo => "geo",
            Group::PubSub => "pubsub",
            Group::Transactions => "transactions",
            Group::Scripting => "scripting",
            Group::Connection => "connection",
            Group::Server => "server",
        }
    }
}

/// One command (or subcommand): everything the dispatcher and `COMMAND` need to know, and the
/// handler that does its work.
#[derive(Clone, Copy)]
pub struct Command {
    /// Lowercase; subcommands are `container|sub` as Redis spells their full names.
    pub name: &'static str,
    /// Redis arity: `n` exactly n arguments (name included), `-n` at least n.
    pub arity: i32,
    pub flags: u32,
    /// The command's own categories; those implied by flags are added by [`Command::acl_categories`].
    pub acl: u32,
    pub key_specs: &'static [KeySpec],
    pub group: Group,
    pub since: &'static str,
    pub complexity: &'static str,
    pub summary: &'static str,
    pub tips: &'static [&'static str],
    pub subcommands: &'static [Command],
    pub handler: Handler,
    /// Finds the key positions where the key specs cannot (Redis's `getkeys_proc`).
    pub get_keys: Option<KeyFinder>,
}

fn no_handler(_: &mut Ctx) -> CmdResult {
    unreachable!("container commands dispatch to their subcommands")
}

impl Command {
    /// A command with no flags, categories, keys or docs yet; chain the setters below.
    pub const fn new(name: &'static str, arity: i32, group: Group, handler: Handler) -> Command {
        Command {
            name,
            arity,
            flags: 0,
            acl: 0,
            key_specs: &[],
            group,
            since: "1.0.0",
            complexity: "O(1)",
            summary: "",
            tips: &[],
            subcommands: &[],
            handler,
            get_keys: None,
        }
    }

    /// A container (`CLIENT`, `OBJECT`, ...) whose work is done by its subcommands.
    pub const fn container(name: &'static str, group: Group, subcommands: &'static [Command]) -> Command {
        let mut c = Command::new(name, -2, group, no_handler);
        c.subcommands = subcommands;
        c
    }

    pub const fn flags(mut self, flags: u32) -> Command {
        self.flags = flags;
        self
    }

    pub const fn acl(mut self, acl: u32) -> Command {
        self.acl = acl;
        self
    }

    pub const fn keys(mut self, specs: &'static [KeySpec]) -> Command {
        self.key_specs = specs;
        self
    }

    pub const fn get_keys(mut self, get_keys: KeyFinder) -> Command {
        self.get_keys = Some(get_keys);
        self
    }

    pub const fn tips(mut self, tips: &'static [&'static str]) -> Command {
        self.tips = tips;
        self
    }

    pub const fn doc(mut self, since: &'static str, complexity: &'static str, summary: &'static str) -> Command {
        self.since = since;
        self.complexity = complexity;
        self.summary = summary;
        self
    }

    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// The full name's container part (`client` for `client|list`), or the name itself.
    pub fn container_name(&self) -> &'static str {
        self.name.split('|').next().unwrap_or(self.name)
    }

    /// Categories including those Redis derives from flags (`setImplicitACLCategories`).
    pub fn acl_categories(&self) -> u32 {
        let mut cats = self.acl;
        if self.has(flag::WRITE) {
            cats |= acl::WRITE;
        }
        if self.has(flag::READONLY) && cats & acl::SCRIPTING == 0 {
            cats |= acl::READ;
        }
        if self.has(flag::ADMIN) {
            cats |= acl::ADMIN | acl::DANGEROUS;
        }
        if self.has(flag::PUBSUB) {
            cats |= acl::PUBSUB;
        }
        if self.has(flag::FAST) {
            cats |= acl::FAST;
        }
        if self.has(flag::BLOCKING) {
            cats |= acl::BLOCKING;
        }
        if cats & acl::FAST == 0 {
            cats |= acl::SLOW;
        }
        cats
    }

    /// The legacy `(first, last, step)` key triple Redis derives from the key specs: contiguous
    /// index/range specs merge; anything else makes the keys "movable".
    pub fn legacy_key_range(&self) -> (i32, i32, i32) {
        let mut range: Option<(i32, i32, i32)> = None;
        for spec in self.key_specs {
            let (BeginSearch::Index(first), FindKeys::Range { lastkey, keystep, .. }) = (spec.begin, spec.find) else {
                continue;
            };
            if spec.flags & key::INCOMPLETE != 0 {
                continue;
            }
            let last = if lastkey < 0 { lastkey } else { first + lastkey };
            range = Some(match range {
                None => (first, last, keystep),
                Some((f, l, s)) if l >= 0 && last >= 0 && s == keystep && l + s == first => (f, last, s),
                Some((f, l, s)) => (f.min(first), if l < 0 || last < 0 { l.min(last) } else { l.max(last) }, s.max(keystep)),
            });
        }
        range.unwrap_or((0, 0, 0))
    }

    /// Whether the keys cannot all be found from the legacy triple.
    pub fn has_movable_keys(&self) -> bool {
        self.key_specs.iter().any(|s| {
            !matches!((s.begin, s.find), (BeginSearch::Index(_), FindKeys::Range { .. })) || s.flags & key::INCOMPLETE != 0
        })
    }

    /// Whether `argc` (name included) satisfies the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i64;
        let arity = i64::from(self.arity);
        (arity > 0 && argc == arity) || (arity < 0 && argc >= -arity)
    }

    /// The key arguments' positions with the flags of the key spec that found each (for ACL
    /// checks: reading and writing need different permissions). Keys only a command's own key
    /// finder knows (SORT's BY/GET/STORE) count as read and written.
    pub fn key_positions_with_flags(&self, argv: &[&[u8]]) -> Vec<(usize, u16)> {
        if let Some(get_keys) = self.get_keys {
            return get_keys(argv).into_iter().map(|p| (p, key::RW | key::ACCESS | key::UPDATE)).collect();
        }
        let mut out = Vec::new();
        let mut found = Vec::new();
        for spec in self.key_specs {
            found.clear();
            spec.positions(argv, &mut found);
            out.extend(found.iter().map(|&p| (p, spec.flags)));
        }
        out
    }

    /// The positions of the key arguments in `argv`, from the key specs.
    pub fn key_positions(&self, argv: &[&[u8]]) -> Vec<usize> {
        if let Some(get_keys) = self.get_keys {
            return get_keys(argv);
        }
        let mut out = Vec::new();
        for spec in self.key_specs {
            spec.positions(argv, &mut out);
        }
        out
    }
}
