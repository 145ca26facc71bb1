use super::table::Command;
use crate::reply::Reply;

pub static COMMANDS: &[Command] = &[];

/// Client names may not contain spaces, newlines or other special characters.
pub fn validate_name(name: &[u8]) -> Result<(), Reply> {
    if name.iter().all(|&c| (b'!'..=b'~').contains(&c)) {
        Ok(())
    } else {
        Err(Reply::err("ERR Client names cannot contain spaces, newlines or special characters."))
    }
}
