//! The manifest of Redis 7's multi-part AOF: which files make up the log, in order.
//!
//! Each line names one file: `file appendonly.aof.1.base.rdb seq 1 type b` for the base (a
//! snapshot, RDB or AOF) and `file appendonly.aof.1.incr.aof seq 1 type i` for each incremental
//! file replayed after it, oldest first. Lines starting with `#` are comments; the pairs of a
//! line may come in any order, as Redis reads them.

use std::path::Path;

/// One file of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofFile {
    pub name: String,
    pub seq: u64,
}

/// The files of the log: an optional base, then incremental files in replay order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<AofFile>,
    pub incrs: Vec<AofFile>,
}

/// The manifest's own name: `appendonly.aof.manifest`.
pub fn manifest_name(prefix: &str) -> String {
    format!("{prefix}.manifest")
}

/// A base file's name: RDB with `aof-use-rdb-preamble yes`, RESP otherwise.
pub fn base_name(prefix: &str, seq: u64, rdb: bool) -> String {
    format!("{prefix}.{seq}.base.{}", if rdb { "rdb" } else { "aof" })
}

pub fn incr_name(prefix: &str, seq: u64) -> String {
    format!("{prefix}.{seq}.incr.aof")
}

impl Manifest {
    /// The sequence number the next incremental file gets.
    pub fn next_incr_seq(&self) -> u64 {
        self.incrs.last().map_or(1, |f| f.seq + 1)
    }

    pub fn next_base_seq(&self) -> u64 {
        self.base.as_ref().map_or(1, |f| f.seq + 1)
    }

    pub fn render(&self) -> String {
        let mut text = String::new();
        for (file, kind) in self.base.iter().map(|f| (f, 'b')).chain(self.incrs.iter().map(|f| (f, 'i'))) {
            text.push_str(&format!("file {} seq {} type {kind}\n", quote(&file.name), file.seq));
        }
        text
    }

    pub fn parse(text: &str) -> Result<Manifest, String> {
        let mut manifest = Manifest::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = || format!("Invalid AOF manifest file format (line {})", number + 1);
            let words = split_words(line).ok_or_else(bad)?;
            if words.len() % 2 != 0 {
                return Err(bad());
            }
            let (mut name, mut seq, mut kind) = (None, None, None);
            for pair in words.chunks_exact(2) {
                match pair[0].as_str() {
                    "file" => name = Some(pair[1].clone()),
                    "seq" => seq = pair[1].parse::<u64>().ok(),
                    "type" => kind = Some(pair[1].clone()),
                    // Fields of newer versions (e.g. timestamps) are not needed to load.
                    _ => {}
                }
            }
            let (Some(name), Some(seq), Some(kind)) = (name, seq, kind) else { return Err(bad()) };
            if name.contains('/') {
                return Err(bad());
            }
            let file = AofFile { name, seq };
            match kind.as_str() {
                "b" if manifest.base.is_none() => manifest.base = Some(file),
                "b" => return Err("Found duplicate base file information".into()),
                "i" => manifest.incrs.push(file),
                // History files await deletion; they are not part of the data.
                "h" => {}
                _ => return Err(bad()),
            }
        }
        manifest.incrs.sort_by_key(|f| f.seq);
        Ok(manifest)
    }

    /// Reads `dir/<prefix>.manifest`; `Ok(None)` when there is none.
    pub fn read(dir: &Path, prefix: &str) -> Result<Option<Manifest>, String> {
        let path = dir.join(manifest_name(prefix));
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| format!("The AOF manifest file {} is not text", path.display()))?;
                Manifest::parse(&text).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("Can't open the AOF manifest file {}: {e}", path.display())),
        }
    }
}

/// Names with spaces or quotes are written quoted, as Redis does.
fn quote(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '\'' && c != '\\') {
        return name.to_string();
    }
    let mut out = String::from("\"");
    for c in name.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Splits a line into words, honouring double quotes with backslash escapes.
fn split_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { return Some(words) };
        let mut word = String::new();
        if first == '"' {
            chars.next();
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => word.push(chars.next()?),
                    c => word.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        words.push(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_parses_redis_layout() {
        let manifest = Manifest {
            base: Some(AofFile { name: base_name("appendonly.aof", 1, true), seq: 1 }),
            incrs: vec![AofFile { name: incr_name("appendonly.aof", 1), seq: 1 }],
        };
        let text = manifest.render();
        assert_eq!(text, "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        assert_eq!(Manifest::parse(&text).unwrap(), manifest);
    }

    #[test]
    fn quoted_names_and_history_lines() {
        let text = "# comment\ntype i seq 2 file \"my file.aof\"\nfile old.aof seq 1 type h\n";
        let parsed = Manifest::parse(text).unwrap();
        assert_eq!(parsed.incrs, vec![AofFile { name: "my file.aof".into(), seq: 2 }]);
        assert!(parsed.base.is_none());
        assert!(Manifest::parse("file x seq\n").is_err());
    }
}
