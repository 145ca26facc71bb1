//! Access control lists: users, their passwords and what each may run, touch and publish to.
//!
//! Every client runs as a user (`default` until it authenticates as another). The dispatcher
//! asks [`check`] before a command runs — top level, queued in MULTI, inside EXEC and from
//! scripts — unless the user is unrestricted, which one atomic load tells.

pub mod log;
pub mod rules;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;

use crate::commands::Command;
pub use log::{AclLog, Context as LogContext, Reason as LogReason};
pub use rules::{RuleError, UserRules};

/// One user. Clients authenticated as it share it, so changes apply to them at once.
pub struct AclUser {
    pub name: String,
    rules: RwLock<UserRules>,
    /// Cached `rules.is_unrestricted()`: the per-command check is skipped when set.
    unrestricted: AtomicBool,
    /// Set when the user is deleted: its clients are disconnected.
    deleted: AtomicBool,
}

impl AclUser {
    /// A user that may do anything, for internal sessions.
    pub fn unrestricted() -> Self {
        let rules = UserRules::unrestricted();
        AclUser {
            name: "default".into(),
            unrestricted: AtomicBool::new(rules.is_unrestricted()),
            rules: RwLock::new(rules),
            deleted: AtomicBool::new(false),
        }
    }

    fn new(name: &str, rules: UserRules) -> Arc<Self> {
        let unrestricted = rules.is_unrestricted();
        Arc::new(AclUser {
            name: name.to_string(),
            rules: RwLock::new(rules),
            unrestricted: AtomicBool::new(unrestricted),
            deleted: AtomicBool::new(false),
        })
    }

    pub fn rules(&self) -> parking_lot::RwLockReadGuard<'_, UserRules> {
        self.rules.read()
    }

    /// Replaces the rules (after a successful ACL SETUSER).
    pub fn set_rules(&self, rules: UserRules) {
        self.unrestricted.store(rules.is_unrestricted(), Ordering::Release);
        *self.rules.write() = rules;
    }

    pub fn is_unrestricted(&self) -> bool {
        self.unrestricted.load(Ordering::Acquire)
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::Acquire)
    }

    /// Whether `password` opens this user (enabled, and nopass or a matching password). The
    /// digest comparison takes the same time wherever the first difference is.
    pub fn accepts(&self, password: &[u8]) -> bool {
        let rules = self.rules.read();
        if !rules.enabled {
            return false;
        }
        if rules.nopass {
            return true;
        }
        let digest = rules::sha256_hex(password);
        rules.passwords.iter().fold(false, |found, p| found | constant_time_eq(p.as_bytes(), digest.as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// The users of an engine, and the log of denied attempts.
pub struct Acl {
    users: BTreeMap<String, Arc<AclUser>>,
    pub log: AclLog,
}

impl Default for Acl {
    fn default() -> Self {
        let mut users = BTreeMap::new();
        users.insert("default".to_string(), AclUser::new("default", UserRules::unrestricted()));
        Acl { users, log: AclLog::default() }
    }
}

impl Acl {
    pub fn user(&self, name: &str) -> Option<&Arc<AclUser>> {
        self.users.get(name)
    }

    pub fn default_user(&self) -> &Arc<AclUser> {
        &self.users["default"]
    }

    /// Users in name order.
    pub fn users(&self) -> impl Iterator<Item = &Arc<AclUser>> {
        self.users.values()
    }

    /// Applies rule words to a user, creating it if needed; all or nothing. On error, the
    /// offending word and why.
    pub fn set_user(&mut self, name: &str, words: &[&[u8]]) -> Result<(), (Vec<u8>, RuleError)> {
        let mut rules = match self.users.get(name) {
            Some(user) => user.rules().clone(),
            None => UserRules::new(),
        };
        for word in words {
            rules.apply(word).map_err(|why| (word.to_vec(), why))?;
        }
        match self.users.get(name) {
            Some(user) => user.set_rules(rules),
            None => {
                self.users.insert(name.to_string(), AclUser::new(name, rules));
            }
        }
        Ok(())
    }

    /// Deletes users; returns how many existed. Their clients notice through `is_deleted`.
    pub fn delete_user(&mut self, name: &str) -> bool {
        match self.users.remove(name) {
            Some(user) => {
                user.deleted.store(true, Ordering::Release);
                true
            }
            None => false,
        }
    }

    /// `requirepass`: the default user's only password (or nopass when empty), as Redis does.
    pub fn set_requirepass(&mut self, password: &str) {
        let user = self.default_user();
        let mut rules = user.rules().clone();
        if password.is_empty() {
            rules.apply(b"nopass").expect("valid rule");
        } else {
            rules.apply(b"resetpass").expect("valid rule");
            let mut rule = b">".to_vec();
            rule.extend_from_slice(password.as_bytes());
            rules.apply(&rule).expect("valid rule");
        }
        user.set_rules(rules);
    }

    /// Whether a new connection must authenticate (the default user needs a password or is off).
    pub fn default_requires_auth(&self) -> bool {
        let rules = self.default_user().rules();
        !(rules.enabled && rules.nopass)
    }
}

/// Why a command was refused, and at which argument (for ACL LOG).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    Command,
    Key(usize),
    Channel(usize),
}

/// Checks a command against a user's rules.
pub fn check(user: &AclUser, cmd: &Command, argv: &[&[u8]]) -> Result<(), Denial> {
    if user.is_unrestricted() {
        return Ok(());
    }
    let rules = user.rules();
    if !rules.may_run(cmd) {
        return Err(Denial::Command);
    }
    if !rules.all_keys {
        for (position, flags) in cmd.key_positions_with_flags(argv) {
            let flags = actual_key_flags(cmd, argv, flags);
            if !rules.may_access_key(argv[position], flags) {
                return Err(Denial::Key(position));
            }
        }
    }
    if !rules.all_channels {
        if let Some((first, all, patterns)) = rules::channel_arguments(cmd) {
            let last = if all { argv.len() } else { (first + 1).min(argv.len()) };
            for (position, channel) in argv.iter().enumerate().take(last).skip(first) {
                if !rules.may_use_channel(channel, patterns) {
                    return Err(Denial::Channel(position));
                }
            }
        }
    }
    Ok(())
}

/// A key spec marked VARIABLE_FLAGS states the most a command may do; what this call does
/// depends on its arguments, as Redis's key finders for SET and BITFIELD work out.
fn actual_key_flags(cmd: &Command, argv: &[&[u8]], flags: u16) -> u16 {
    use crate::commands::key;
    if flags & key::VARIABLE_FLAGS == 0 {
        return flags;
    }
    let has = |word: &[u8]| argv.iter().skip(2).any(|a| a.eq_ignore_ascii_case(word));
    match cmd.name {
        // Without GET, SET only overwrites.
        "set" if !has(b"GET") => key::OW | key::UPDATE,
        // Only GET operations: BITFIELD just reads.
        "bitfield" if !has(b"SET") && !has(b"INCRBY") => key::RO | key::ACCESS,
        _ => flags,
    }
}

/// The NOPERM error line of a denial at the top level or while queueing.
pub fn denial_error(denial: Denial, cmd: &Command) -> crate::reply::Reply {
    use crate::reply::Reply;
    match denial {
        Denial::Command => Reply::error(format!("NOPERM this user has no permissions to run the '{}' command", cmd.name)),
        Denial::Key(_) => Reply::err("NOPERM this user has no permissions to access one of the keys used as arguments"),
        Denial::Channel(_) => Reply::err("NOPERM this user has no permissions to access one of the channels used as arguments"),
    }
}
