use super::table::Command;

pub static COMMANDS: &[Command] = &[];

/// The engine's scripting state (Lua interpreter, script cache), kept in the keyspace so scripts
/// run under the same lock as every command.
#[derive(Default)]
pub struct ScriptingState {}
