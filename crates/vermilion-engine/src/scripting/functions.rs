//! Redis 7 functions: libraries of Lua functions loaded with `FUNCTION LOAD`, called with FCALL.
//!
//! Libraries get their own interpreter, as in Redis. A library's code runs once, at load, in an
//! environment that offers only `redis.register_function`, `redis.log` and the version; the
//! functions it registers keep that environment, which then reads through to the full sandbox
//! (the same trick as Redis: one environment table whose metatable is switched).

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ahash::AHashMap;
use mlua::{Function, Table, Value, Variadic};
use parking_lot::Mutex;

use super::library::{self, read_registration, Metadata, Registration, BAD_NAME};
use super::sandbox::{make_strict, mark_readonly, readonly_view, refuse_write};
use super::{lib_error, lua_message, redis_lib, watchdog, Call, Interpreter, ScriptFlags, ScriptKind, ScriptStatus};
use crate::commands::Ctx;
use crate::engine::Engine;
use crate::persist::rdb_value::{read_length, read_string, write_string};
use crate::persist::{verify_payload, Reader, RDB_VERSION};
use crate::reply::Reply;

/// Name of the chunk library code is compiled as; error positions read `user_function:<line>`.
const LIBRARY_CHUNK: &str = "@user_function";
/// How long a library's code may run while it loads through `FUNCTION LOAD` (Redis's 500 ms).
pub(crate) const LOAD_TIMEOUT: Duration = Duration::from_millis(500);
/// The one engine there is, as `FUNCTION LIST` and `FUNCTION STATS` name it.
pub(crate) const ENGINE_NAME: &str = "LUA";
/// RDB opcode of a library's code (`RDB_OPCODE_FUNCTION2`), in RDB files and FUNCTION DUMP.
pub const RDB_OPCODE_FUNCTION2: u8 = 245;
/// The 7.0 release candidates' opcode: name, engine, optional description, then the code.
pub const RDB_OPCODE_FUNCTION: u8 = 246;

/// A function a library registered.
pub(crate) struct FunctionDef {
    pub name: String,
    pub description: Option<Vec<u8>>,
    pub flags: ScriptFlags,
    callback: Function,
}

/// A loaded library: its code as given (metadata line included) and its functions by name.
pub(crate) struct Library {
    pub name: String,
    pub code: Vec<u8>,
    pub functions: BTreeMap<String, FunctionDef>,
}

/// How `FUNCTION RESTORE` treats the libraries already loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RestorePolicy {
    /// Drop them all first.
    Flush,
    /// Keep them; a name collision fails the restore.
    Append,
    /// Keep them; a restored library replaces one of the same name.
    Replace,
}

/// The libraries and the interpreter their functions live in.
pub(crate) struct Functions {
    interpreter: Interpreter,
    /// The metatable of the libraries' environment: its `__index` is the load API while a
    /// library loads, the sandbox otherwise.
    environment_meta: Table,
    environment: Table,
    load_api: Table,
    /// The functions registered by the library being loaded; `None` when none is loading.
    registering: Arc<Mutex<Option<Vec<Registration>>>>,
    libraries: BTreeMap<String, Library>,
    /// Every function's lowercase name → its library: FCALL finds functions ignoring case.
    index: AHashMap<String, String>,
}

impl Functions {
    pub(crate) fn new(now_ms: i64, status: Arc<ScriptStatus>) -> mlua::Result<Functions> {
        let interpreter = Interpreter::new(now_ms, status)?;
        let lua = &interpreter.lua;
        let refuse = refuse_write(lua)?;
        let registering: Arc<Mutex<Option<Vec<Registration>>>> = Arc::default();

        let load_redis = lua.create_table()?;
        let pending = Arc::clone(&registering);
        load_redis.raw_set("register_function", lua.create_function(move |_, args: Variadic<Value>| register(&pending, &args))?)?;
        redis_lib::install_load_api(lua, &load_redis, &interpreter.shared)?;
        make_strict(lua, &load_redis, &refuse)?;
        let load_api = lua.create_table()?;
        load_api.raw_set("redis", readonly_view(lua, load_redis, &refuse)?)?;
        make_strict(lua, &load_api, &refuse)?;

        let environment_meta = lua.create_table()?;
        environment_meta.raw_set("__index", interpreter.sandbox.clone())?;
        environment_meta.raw_set("__newindex", refuse)?;
        environment_meta.raw_set("__metatable", false)?;
        let environment = lua.create_table()?;
        environment.set_metatable(Some(environment_meta.clone()))?;
        mark_readonly(lua, &environment)?;
        Ok(Functions {
            interpreter,
            environment_meta,
            environment,
            load_api,
            registering,
            libraries: BTreeMap::new(),
            index: AHashMap::new(),
        })
    }

    pub(crate) fn libraries(&self) -> impl Iterator<Item = &Library> {
        self.libraries.values()
    }

    pub(crate) fn library_count(&self) -> usize {
        self.libraries.len()
    }

    pub(crate) fn function_count(&self) -> usize {
        self.libraries.values().map(|l| l.functions.len()).sum()
    }

    pub(crate) fn used_memory(&self) -> usize {
        self.interpreter.used_memory()
    }

    /// The function FCALL names, ignoring case.
    pub(crate) fn find(&self, name: &[u8]) -> Option<&FunctionDef> {
        lookup(&self.libraries, &self.index, name)
    }

    /// `FUNCTION LOAD [REPLACE] code`: compiles and registers a library; returns its name.
    pub(crate) fn load(&mut self, engine: &Engine, code: &[u8], replace: bool, timeout: Option<Duration>) -> Result<String, String> {
        let metadata = checked_metadata(code)?;
        let name = String::from_utf8(metadata.name.clone()).expect("valid names are ASCII");
        if self.libraries.contains_key(&name) && !replace {
            return Err(format!("Library '{name}' already exists"));
        }
        let library = self.build(engine, code, &metadata, timeout)?;
        for function in library.functions.values() {
            match self.index.get(&function.name.to_ascii_lowercase()) {
                Some(owner) if *owner != name => return Err(format!("Function {} already exists", function.name)),
                _ => {}
            }
        }
        self.unlink(&name);
        self.link(library);
        Ok(name)
    }

    /// Compiles a library and runs its code to collect the functions it registers.
    fn build(&mut self, engine: &Engine, code: &[u8], metadata: &Metadata, timeout: Option<Duration>) -> Result<Library, String> {
        let body = &code[metadata.body_start..];
        let chunk = self
            .interpreter
            .compile(body, LIBRARY_CHUNK, self.environment.clone())
            .map_err(|e| format!("Error compiling function: {}", lua_message(&e)))?;
        let registered = self.run_load(engine, &chunk, timeout).map_err(|message| format!("Error registering functions: {message}"))?;
        if registered.is_empty() {
            return Err("No functions registered".into());
        }
        let functions = registered
            .into_iter()
            .map(|r| {
                let name = String::from_utf8(r.name).expect("registration checked the name");
                (name.clone(), FunctionDef { name, description: r.description, flags: r.flags, callback: r.callback })
            })
            .collect();
        let name = String::from_utf8(metadata.name.clone()).expect("valid names are ASCII");
        Ok(Library { name, code: code.to_vec(), functions })
    }

    /// Runs a library's code under the load API; returns what it registered, or the error line.
    fn run_load(&mut self, engine: &Engine, chunk: &Function, timeout: Option<Duration>) -> Result<Vec<Registration>, String> {
        let interpreter = &self.interpreter;
        let shared = &interpreter.shared;
        interpreter.follow_log_level(engine);
        *self.registering.lock() = Some(Vec::new());
        *shared.load_deadline.lock() = timeout.map(|t| Instant::now() + t);
        let switched = self.environment_meta.raw_set("__index", self.load_api.clone());
        let outcome = switched.and_then(|()| interpreter.xpcall.call::<(bool, Value)>((chunk, &interpreter.error_handler)));
        let restored = self.environment_meta.raw_set("__index", interpreter.sandbox.clone());
        *shared.load_deadline.lock() = None;
        let registered = self.registering.lock().take().unwrap_or_default();
        if shared.hook_escalated.swap(false, Ordering::Relaxed) {
            let _ = watchdog::rearm(&interpreter.lua);
        }
        restored.map_err(|e| lua_message(&e))?;
        match outcome {
            Ok((true, _)) => Ok(registered),
            Ok((false, Value::Table(error))) => Err(error.raw_get::<String>("err").unwrap_or_else(|_| "ERR unknown error".into())),
            Ok((false, other)) => Err(format!("ERR {}", super::errors::display_value(&other))),
            Err(e) => Err(lua_message(&e)),
        }
    }

    fn link(&mut self, library: Library) {
        for function in library.functions.keys() {
            // Names differing only in case inside one library keep the first, as Redis's index.
            self.index.entry(function.to_ascii_lowercase()).or_insert_with(|| library.name.clone());
        }
        self.libraries.insert(library.name.clone(), library);
    }

    fn unlink(&mut self, name: &str) -> Option<Library> {
        let library = self.libraries.remove(name)?;
        self.index.retain(|_, owner| owner != name);
        Some(library)
    }

    /// `FUNCTION DELETE library`.
    pub(crate) fn delete(&mut self, name: &[u8]) -> bool {
        std::str::from_utf8(name).is_ok_and(|name| self.unlink(name).is_some())
    }

    /// `FUNCTION DUMP`'s payload: each library's code behind the RDB function opcode, then the
    /// RDB version and a CRC64, as DUMP frames a value.
    pub(crate) fn dump(&self) -> Vec<u8> {
        dump_codes(self.libraries.values().map(|l| l.code.as_slice()))
    }

    /// `FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]`.
    pub(crate) fn restore(&mut self, engine: &Engine, payload: &[u8], policy: RestorePolicy) -> Result<(), String> {
        let codes = payload_codes(payload)?;
        // Load into a separate set first, as Redis does: it must be whole before it joins.
        let mut restored: Vec<Library> = Vec::new();
        for code in codes {
            let metadata = checked_metadata(&code)?;
            if restored.iter().any(|l| l.name.as_bytes() == metadata.name) {
                return Err(format!("Library '{}' already exists", String::from_utf8_lossy(&metadata.name)));
            }
            let library = self.build(engine, &code, &metadata, None)?;
            let taken = |name: &str| restored.iter().flat_map(|l| l.functions.keys()).any(|f| f.eq_ignore_ascii_case(name));
            if let Some(clash) = library.functions.keys().find(|f| taken(f)) {
                return Err(format!("Function {clash} already exists"));
            }
            restored.push(library);
        }
        if policy == RestorePolicy::Flush {
            self.libraries.clear();
            self.index.clear();
        }
        let replaced: Vec<&str> = restored.iter().map(|l| l.name.as_str()).filter(|n| self.libraries.contains_key(*n)).collect();
        if let (Some(name), RestorePolicy::Append) = (replaced.first(), policy) {
            return Err(format!("Library {name} already exists"));
        }
        for function in restored.iter().flat_map(|l| l.functions.keys()) {
            if self.index.get(&function.to_ascii_lowercase()).is_some_and(|owner| !replaced.contains(&owner.as_str())) {
                return Err(format!("Function {function} already exists"));
            }
        }
        for library in restored {
            self.unlink(&library.name);
            self.link(library);
        }
        Ok(())
    }

    /// FCALL and FCALL_RO: runs `function` with its KEYS and ARGV.
    pub(crate) fn call(&mut self, ctx: &mut Ctx, function: &[u8], keys: &[&[u8]], args: &[&[u8]], read_only_command: bool) -> Result<Reply, Reply> {
        let Functions { interpreter, libraries, index, .. } = self;
        let def = lookup(libraries, index, function).ok_or(Reply::err("ERR Function not found"))?;
        if read_only_command && !def.flags.no_writes() {
            return Err(super::WRITE_FLAG_WITH_RO);
        }
        let read_only = read_only_command || def.flags.no_writes();
        let call = Call { function: &def.callback, name: &def.name, kind: ScriptKind::Function, keys, args, read_only, declared: Some(def.flags) };
        interpreter.call(ctx, call)
    }
}

/// The function called `name` in any library, ignoring case.
fn lookup<'a>(libraries: &'a BTreeMap<String, Library>, index: &AHashMap<String, String>, name: &[u8]) -> Option<&'a FunctionDef> {
    // Names are short: lowercase them on the stack, as FCALL looks one up on every call.
    let mut buffer = [0u8; 64];
    let lowered = match buffer.get_mut(..name.len()) {
        Some(lowered) => {
            for (low, byte) in lowered.iter_mut().zip(name) {
                *low = byte.to_ascii_lowercase();
            }
            std::borrow::Cow::Borrowed(&*lowered)
        }
        None => std::borrow::Cow::Owned(name.to_ascii_lowercase()),
    };
    let name = std::str::from_utf8(&lowered).ok()?;
    libraries.get(index.get(name)?)?.functions.values().find(|f| f.name.eq_ignore_ascii_case(name))
}

/// `redis.register_function`: records a function for the library being loaded.
fn register(pending: &Mutex<Option<Vec<Registration>>>, args: &Variadic<Value>) -> mlua::Result<()> {
    let mut pending = pending.lock();
    let Some(registered) = pending.as_mut() else {
        return lib_error("redis.register_function can only be called on FUNCTION LOAD command");
    };
    let registration = read_registration(args).or_else(lib_error)?;
    if !library::valid_name(&registration.name) {
        return lib_error(BAD_NAME);
    }
    if registered.iter().any(|r| r.name == registration.name) {
        return lib_error("Function already exists in the library");
    }
    registered.push(registration);
    Ok(())
}

/// The metadata line, with the checks Redis makes before compiling: a valid name, a known engine.
fn checked_metadata(code: &[u8]) -> Result<Metadata, String> {
    let metadata = library::parse_metadata(code)?;
    if !library::valid_name(&metadata.name) {
        return Err(BAD_NAME.into());
    }
    if !metadata.engine.eq_ignore_ascii_case(b"lua") {
        return Err(format!("Engine '{}' not found", String::from_utf8_lossy(&metadata.engine)));
    }
    Ok(metadata)
}

/// The payload `FUNCTION DUMP` gives for these library codes.
pub(crate) fn dump_codes<'a>(codes: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for code in codes {
        out.push(RDB_OPCODE_FUNCTION2);
        write_string(&mut out, code);
    }
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc::Crc::<u64>::new(&crc::CRC_64_REDIS).checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The library codes in a `FUNCTION DUMP` payload, with Redis's errors.
pub(crate) fn payload_codes(payload: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let body = verify_payload(payload).ok_or("DUMP payload version or checksum are wrong")?;
    let mut reader = Reader::new(body);
    let mut codes = Vec::new();
    while !reader.is_at_end() {
        let opcode = reader.u8().map_err(|_| "can not read data type")?;
        let code = match opcode {
            RDB_OPCODE_FUNCTION2 => read_string(&mut reader).map_err(|_| "Failed loading library payload")?,
            RDB_OPCODE_FUNCTION => read_old_library(&mut reader)?,
            _ => return Err("given type is not a function".into()),
        };
        codes.push(code);
    }
    Ok(codes)
}

/// A 7.0-rc library record, turned into the code form (`#!<engine> name=<name>` + code).
fn read_old_library(reader: &mut Reader) -> Result<Vec<u8>, String> {
    let name = read_string(reader).map_err(|_| "Failed loading library name")?;
    let engine = read_string(reader).map_err(|_| "Failed loading engine name")?;
    let has_description = read_length(reader).map_err(|_| "Failed loading library description indicator")?;
    if has_description != 0 {
        read_string(reader).map_err(|_| "Failed loading library description")?;
    }
    let blob = read_string(reader).map_err(|_| "Failed loading library blob")?;
    let mut code = b"#!".to_vec();
    code.extend_from_slice(&engine);
    code.extend_from_slice(b" name=");
    code.extend_from_slice(&name);
    code.push(b'\n');
    code.extend_from_slice(&blob);
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_payload_round_trips_and_is_checked() {
        let codes: [&[u8]; 2] = [b"#!lua name=a\nredis.register_function('f', function() end)", b"#!lua name=b\n"];
        let payload = dump_codes(codes.into_iter());
        assert_eq!(payload[0], RDB_OPCODE_FUNCTION2);
        assert_eq!(payload_codes(&payload).unwrap(), codes.map(<[u8]>::to_vec));
        let mut damaged = payload.clone();
        damaged[3] ^= 1;
        assert_eq!(payload_codes(&damaged).unwrap_err(), "DUMP payload version or checksum are wrong");
        assert_eq!(payload_codes(&dump_codes(std::iter::empty())).unwrap(), Vec::<Vec<u8>>::new());
    }
}
