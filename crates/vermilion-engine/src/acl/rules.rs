//! One user's ACL rules: parsing Redis's rule words (`on`, `>pass`, `~key*`, `+@read`, ...) and
//! describing the result the way `ACL LIST` / `ACL GETUSER` print it.

use std::fmt::Write as _;

use ahash::AHashSet;

use crate::commands::table::{acl as category, Command};
use crate::commands::{self, flag};

/// Key permission bits of a `~` / `%R~` / `%W~` / `%RW~` pattern.
pub const READ: u8 = 1;
pub const WRITE: u8 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPattern {
    pub pattern: Vec<u8>,
    pub perms: u8,
}

/// What one user may do.
#[derive(Debug, Clone, Default)]
pub struct UserRules {
    pub enabled: bool,
    pub nopass: bool,
    /// SHA-256 digests of the passwords, as lowercase hex, in the order they were added.
    pub passwords: Vec<String>,
    /// Full names (`get`, `client|id`) of the commands allowed.
    pub allowed: AHashSet<&'static str>,
    /// Set by `+@all` / `allcommands`: commands added later are allowed too.
    pub all_commands: bool,
    /// The command rules as given since the last `+@all` / `-@all`, for describing them.
    pub command_rules: Vec<String>,
    pub keys: Vec<KeyPattern>,
    pub all_keys: bool,
    pub channels: Vec<Vec<u8>>,
    pub all_channels: bool,
}

/// Why a rule word was refused (the part after `Error in ACL SETUSER modifier '...': `).
pub type RuleError = &'static str;

const SYNTAX: RuleError = "Syntax error";

impl UserRules {
    /// A new user: disabled, no passwords, no commands, no keys, no channels.
    pub fn new() -> Self {
        UserRules::default()
    }

    /// The default user as Redis starts it: `on nopass ~* &* +@all`.
    pub fn unrestricted() -> Self {
        let mut rules = UserRules::new();
        for rule in ["on", "nopass", "~*", "&*", "+@all"] {
            rules.apply(rule.as_bytes()).expect("valid default rules");
        }
        rules
    }

    /// Whether every check would pass: the common case, skipped cheaply per command.
    pub fn is_unrestricted(&self) -> bool {
        self.all_commands && self.all_keys && self.all_channels && self.allowed.len() == every_command().len()
    }

    /// Applies one rule word.
    pub fn apply(&mut self, rule: &[u8]) -> Result<(), RuleError> {
        let lower = rule.to_ascii_lowercase();
        match lower.as_slice() {
            b"on" => self.enabled = true,
            b"off" => self.enabled = false,
            b"nopass" => {
                self.nopass = true;
                self.passwords.clear();
            }
            b"resetpass" => {
                self.nopass = false;
                self.passwords.clear();
            }
            b"allkeys" => self.apply(b"~*")?,
            b"resetkeys" => {
                self.keys.clear();
                self.all_keys = false;
            }
            b"allchannels" => self.apply(b"&*")?,
            b"resetchannels" => {
                self.channels.clear();
                self.all_channels = false;
            }
            b"allcommands" => self.apply(b"+@all")?,
            b"nocommands" => self.apply(b"-@all")?,
            b"reset" => {
                for word in ["resetpass", "resetkeys", "resetchannels", "off", "-@all"] {
                    self.apply(word.as_bytes())?;
                }
            }
            _ => self.apply_prefixed(rule)?,
        }
        Ok(())
    }

    fn apply_prefixed(&mut self, rule: &[u8]) -> Result<(), RuleError> {
        let (first, rest) = rule.split_first().ok_or(SYNTAX)?;
        match first {
            b'>' => {
                let digest = sha256_hex(rest);
                if !self.passwords.contains(&digest) {
                    self.passwords.push(digest);
                }
                self.nopass = false;
            }
            b'#' => {
                let hex = std::str::from_utf8(rest).ok().filter(|h| is_sha256_hex(h)).ok_or(
                    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
                )?;
                if !self.passwords.iter().any(|p| p == hex) {
                    self.passwords.push(hex.to_string());
                }
                self.nopass = false;
            }
            b'<' => {
                let digest = sha256_hex(rest);
                let before = self.passwords.len();
                self.passwords.retain(|p| *p != digest);
                if self.passwords.len() == before {
                    return Err("The password you are trying to remove from the user does not exist");
                }
            }
            b'!' => {
                let hex = std::str::from_utf8(rest).unwrap_or("");
                if !is_sha256_hex(hex) {
                    return Err("The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
                }
                let before = self.passwords.len();
                self.passwords.retain(|p| p != hex);
                if self.passwords.len() == before {
                    return Err("The password you are trying to remove from the user does not exist");
                }
            }
            b'~' => self.add_key_pattern(rest, READ | WRITE),
            b'%' => {
                let tilde = rest.iter().position(|&b| b == b'~').ok_or(SYNTAX)?;
                let mut perms = 0;
                for &c in &rest[..tilde] {
                    perms |= match c.to_ascii_uppercase() {
                        b'R' => READ,
                        b'W' => WRITE,
                        _ => return Err(SYNTAX),
                    };
                }
                if perms == 0 {
                    return Err(SYNTAX);
                }
                self.add_key_pattern(&rest[tilde + 1..], perms);
            }
            b'&' => {
                if rest == b"*" {
                    self.all_channels = true;
                    self.channels = vec![b"*".to_vec()];
                } else if !self.all_channels && !self.channels.iter().any(|c| c == rest) {
                    self.channels.push(rest.to_vec());
                }
            }
            b'+' | b'-' => self.apply_command_rule(*first == b'+', rest)?,
            _ => return Err(SYNTAX),
        }
        Ok(())
    }

    fn add_key_pattern(&mut self, pattern: &[u8], perms: u8) {
        if pattern == b"*" && perms == READ | WRITE {
            self.all_keys = true;
            self.keys = vec![KeyPattern { pattern: b"*".to_vec(), perms }];
            return;
        }
        if self.all_keys {
            return;
        }
        match self.keys.iter_mut().find(|k| k.pattern == pattern) {
            Some(existing) => existing.perms |= perms,
            None => self.keys.push(KeyPattern { pattern: pattern.to_vec(), perms }),
        }
    }

    /// `+cmd`, `-cmd`, `+cmd|sub`, `+@category`, `-@category`.
    fn apply_command_rule(&mut self, allow: bool, name: &[u8]) -> Result<(), RuleError> {
        let text = std::str::from_utf8(name).map_err(|_| SYNTAX)?.to_ascii_lowercase();
        if let Some(cat) = text.strip_prefix('@') {
            if cat == "all" {
                self.all_commands = allow;
                self.allowed.clear();
                if allow {
                    self.allowed.extend(every_command().iter().map(|c| c.name));
                }
                self.command_rules.clear();
                return Ok(());
            }
            let bit = category_bit(cat).ok_or("Unknown command or category name in ACL")?;
            for cmd in every_command().iter().filter(|c| c.acl_categories() & bit != 0) {
                self.set_allowed(cmd, allow);
            }
            self.command_rules.push(format!("{}@{cat}", if allow { '+' } else { '-' }));
            return Ok(());
        }
        let (container, sub) = match text.split_once('|') {
            Some((c, s)) => (c.to_string(), Some(s.to_string())),
            None => (text.clone(), None),
        };
        let cmd = commands::lookup(container.as_bytes()).ok_or("Unknown command or category name in ACL")?;
        match sub {
            None => {
                self.set_allowed(cmd, allow);
                for sub in cmd.subcommands {
                    self.set_allowed(sub, allow);
                }
            }
            Some(sub) => {
                if cmd.subcommands.is_empty() {
                    // First-argument rules (`+select|0`) are not supported.
                    return Err("Allowing first-arg of a subcommand is not supported");
                }
                let sub = commands::lookup_sub(cmd, sub.as_bytes()).ok_or("Unknown command or category name in ACL")?;
                self.set_allowed(sub, allow);
            }
        }
        let rule = format!("{}{text}", if allow { '+' } else { '-' });
        // A later rule for the same command replaces the earlier one, as in Redis 7.2.
        self.command_rules.retain(|r| r[1..] != text[..]);
        self.command_rules.push(rule);
        Ok(())
    }

    fn set_allowed(&mut self, cmd: &'static Command, allow: bool) {
        if allow {
            self.allowed.insert(cmd.name);
        } else {
            self.allowed.remove(cmd.name);
        }
    }

    /// Whether the user may run `cmd` (its subcommand, when it has one).
    pub fn may_run(&self, cmd: &Command) -> bool {
        self.allowed.contains(cmd.name)
    }

    /// Whether a key may be accessed with the key spec's flags.
    pub fn may_access_key(&self, key: &[u8], spec_flags: u16) -> bool {
        if self.all_keys {
            return true;
        }
        let needed = needed_permissions(spec_flags);
        self.keys.iter().any(|k| k.perms & needed == needed && crate::glob::glob_match(&k.pattern, key, false))
    }

    /// Whether a channel (or, for PSUBSCRIBE, a pattern taken literally) may be used.
    pub fn may_use_channel(&self, channel: &[u8], is_pattern: bool) -> bool {
        if self.all_channels {
            return true;
        }
        self.channels.iter().any(|allowed| {
            if is_pattern {
                allowed == channel
            } else {
                crate::glob::glob_match(allowed, channel, false)
            }
        })
    }

    /// The flags `ACL GETUSER` lists.
    pub fn flag_names(&self) -> Vec<&'static str> {
        let mut flags = vec![if self.enabled { "on" } else { "off" }];
        if self.nopass {
            flags.push("nopass");
        }
        flags
    }

    /// `~app:* %R~logs:*`, or `~*`.
    pub fn describe_keys(&self) -> String {
        let mut out = String::new();
        for k in &self.keys {
            if !out.is_empty() {
                out.push(' ');
            }
            match k.perms {
                p if p == READ | WRITE => out.push('~'),
                READ => out.push_str("%R~"),
                _ => out.push_str("%W~"),
            }
            out.push_str(&String::from_utf8_lossy(&k.pattern));
        }
        out
    }

    /// `&*`, or `&news.*` ... (empty when there are none).
    pub fn describe_channels(&self) -> String {
        let parts: Vec<String> = self.channels.iter().map(|c| format!("&{}", String::from_utf8_lossy(c))).collect();
        parts.join(" ")
    }

    /// `+@all`, or `-@all +@hash +get -hdel`: categories first, then single commands, each in
    /// the order given (Redis 7.0 likewise lists categories before commands).
    pub fn describe_commands(&self) -> String {
        let mut out = String::from(if self.all_commands { "+@all" } else { "-@all" });
        let (categories, single): (Vec<&String>, Vec<&String>) = self.command_rules.iter().partition(|r| r[1..].starts_with('@'));
        for rule in categories.into_iter().chain(single) {
            out.push(' ');
            out.push_str(rule);
        }
        out
    }

    /// The whole user as `ACL LIST` prints it (without the leading `user <name>`).
    pub fn describe(&self) -> String {
        let mut out = self.flag_names().join(" ");
        for p in &self.passwords {
            let _ = write!(out, " #{p}");
        }
        let keys = self.describe_keys();
        if !keys.is_empty() {
            out.push(' ');
            out.push_str(&keys);
        }
        if !self.all_channels {
            out.push_str(" resetchannels");
        }
        let channels = self.describe_channels();
        if !channels.is_empty() {
            out.push(' ');
            out.push_str(&channels);
        }
        out.push(' ');
        out.push_str(&self.describe_commands());
        out
    }
}

/// The permissions a key spec needs: read for ACCESS, write for INSERT/DELETE/UPDATE; none
/// named means any pattern that matches will do.
fn needed_permissions(spec_flags: u16) -> u8 {
    use crate::commands::key;
    let mut needed = 0;
    if spec_flags & key::ACCESS != 0 {
        needed |= READ;
    }
    if spec_flags & (key::INSERT | key::DELETE | key::UPDATE) != 0 {
        needed |= WRITE;
    }
    needed
}

/// Every command and subcommand, once.
pub fn every_command() -> &'static [&'static Command] {
    static ALL: std::sync::LazyLock<Vec<&'static Command>> = std::sync::LazyLock::new(|| {
        let mut all = Vec::new();
        for cmd in commands::all_commands() {
            all.push(cmd);
            all.extend(cmd.subcommands.iter());
        }
        all
    });
    &ALL
}

/// The bit of an ACL category name.
pub fn category_bit(name: &str) -> Option<u32> {
    category::NAMES.iter().find(|(_, n)| *n == name).map(|(bit, _)| *bit)
}

/// Hex SHA-256, how Redis stores passwords.
pub fn sha256_hex(password: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(password);
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// How a command names channels: the index of its first channel argument, whether every
/// argument from there on is one, and whether they are patterns (PSUBSCRIBE).
pub fn channel_arguments(cmd: &Command) -> Option<(usize, bool, bool)> {
    match cmd.name {
        "publish" | "spublish" => Some((1, false, false)),
        "subscribe" | "ssubscribe" => Some((1, true, false)),
        "psubscribe" => Some((1, true, true)),
        _ => None,
    }
    .filter(|_| cmd.has(flag::PUBSUB))
}
