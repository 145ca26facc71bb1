//! The hot path: JS functions bound to one session, `execute(name, args, buffers)`,
//! `call(buffers, name, ...args)` and `callStrings(name, ...args)`.
//!
//! The session travels in the function's napi data pointer, so a call skips what a generic
//! binding pays per call (handle lookup and validation, borrow bookkeeping): it reads its
//! arguments, runs the command and converts the reply. `call` takes the command's words as its
//! own arguments, which napi hands over in one step, where `execute` reads an array element by
//! element; methods that already hold their arguments as a rest list use `call`.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::rc::Rc;

use napi::bindgen_prelude::{External, ToNapiValue};
use napi::{sys, Env, Error, JsError, JsValue, Result};
use napi_derive::napi;

use crate::argv::check;
use crate::reply::{to_js, to_js_packed};
use crate::session::SharedSession;
use vermilion_engine::{Outcome, Waiter};

/// Returns `execute(name, args, buffers)` for `session`: runs one command (name and arguments
/// as strings, Buffers, or values coerced to strings) and returns its reply, with text as
/// Buffers when `buffers` is true. Returns `undefined`, without running it, once the client is
/// closed (after QUIT, a disconnect, or `CLIENT KILL`).
#[napi(ts_return_type = "(name: string, args: unknown[], buffers: boolean) => unknown")]
pub fn session_executor(env: Env, session: &External<SharedSession>) -> Result<BoundFunction> {
    bind(env, session, c"execute", execute)
}

/// Returns `call(buffers, name, ...args)` for `session`: `execute` with the arguments spread.
#[napi(ts_return_type = "(buffers: boolean, name: string, ...args: unknown[]) => unknown")]
pub fn session_caller(env: Env, session: &External<SharedSession>) -> Result<BoundFunction> {
    bind(env, session, c"call", call)
}

/// Returns `callStrings(name, ...args)` for `session`: `call` for commands replying with an
/// array of strings, whose reply comes back packed into one string when it can be (see
/// `reply::to_js_packed`).
#[napi(ts_return_type = "(name: string, ...args: unknown[]) => unknown")]
pub fn session_strings_caller(
    env: Env,
    session: &External<SharedSession>,
) -> Result<BoundFunction> {
    bind(env, session, c"callStrings", call_strings)
}

/// Creates a JS function named `name` running `callback` with `session` as its data.
fn bind(
    env: Env,
    session: &External<SharedSession>,
    name: &std::ffi::CStr,
    callback: unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value,
) -> Result<BoundFunction> {
    let data = Box::into_raw(Box::new(Rc::clone(session)));
    let mut function = ptr::null_mut();
    // SAFETY: `data` is a live Box that the finalizer below frees exactly once, when the function
    // is collected; until then every call may dereference it.
    unsafe {
        let created = check(sys::napi_create_function(
            env.raw(),
            name.as_ptr(),
            name.count_bytes() as isize,
            Some(callback),
            data.cast(),
            &mut function,
        ))
        .and_then(|()| {
            check(sys::napi_add_finalizer(
                env.raw(),
                function,
                data.cast(),
                Some(release),
                ptr::null_mut(),
                ptr::null_mut(),
            ))
        });
        if let Err(e) = created {
            drop(Box::from_raw(data));
            return Err(e);
        }
    }
    Ok(BoundFunction(function))
}

/// A created function on its way to JS.
pub struct BoundFunction(sys::napi_value);

impl ToNapiValue for BoundFunction {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        Ok(value.0)
    }
}

/// Runs `body`, turning a panic or an error into a thrown JS error: neither may cross into V8.
unsafe fn guarded(
    env: sys::napi_env,
    body: impl FnOnce() -> Result<sys::napi_value>,
) -> sys::napi_value {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(Error::from_reason(
            "vermilion: internal error while running a command",
        ))
    });
    outcome.unwrap_or_else(|error| {
        JsError::from(error).throw_into(env);
        ptr::null_mut()
    })
}

unsafe extern "C" fn execute(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    guarded(env, || {
        let mut argc = 3;
        let mut argv = [ptr::null_mut(); 3];
        let mut data = ptr::null_mut();
        check(sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            &mut data,
        ))?;
        if argc < 3 {
            return Err(Error::from_reason(
                "execute(name, args, buffers) takes three arguments",
            ));
        }
        let conversion = Conversion::Plain {
            buffers: read_bool(env, argv[2])?,
        };
        run(env, data, conversion, |session| {
            session.execute_array(env, argv[0], argv[1])
        })
    })
}

/// Most commands have at most this many words with the `buffers` flag; longer ones are read
/// again into a vector.
const INLINE_VALUES: usize = 8;

unsafe extern "C" fn call(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    guarded(env, || {
        with_call_values(env, info, 2, |values, data| {
            let conversion = Conversion::Plain {
                buffers: read_bool(env, values[0])?,
            };
            run(env, data, conversion, |session| {
                session.execute(env, &values[1..])
            })
        })
    })
}

unsafe extern "C" fn call_strings(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guarded(env, || {
        with_call_values(env, info, 1, |values, data| {
            run(env, data, Conversion::Packed, |session| {
                session.execute(env, values)
            })
        })
    })
}

/// Reads a call's arguments (at least `min` of them) and its data pointer, and hands them on.
unsafe fn with_call_values(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    min: usize,
    body: impl FnOnce(&[sys::napi_value], *mut c_void) -> Result<sys::napi_value>,
) -> Result<sys::napi_value> {
    let mut argc = INLINE_VALUES;
    let mut inline = [ptr::null_mut(); INLINE_VALUES];
    let mut data = ptr::null_mut();
    check(sys::napi_get_cb_info(
        env,
        info,
        &mut argc,
        inline.as_mut_ptr(),
        ptr::null_mut(),
        &mut data,
    ))?;
    if argc < min {
        return Err(Error::from_reason(
            "a command call needs the command's name",
        ));
    }
    if argc <= INLINE_VALUES {
        return body(&inline[..argc], data);
    }
    let mut all = vec![ptr::null_mut(); argc];
    check(sys::napi_get_cb_info(
        env,
        info,
        &mut argc,
        all.as_mut_ptr(),
        ptr::null_mut(),
        ptr::null_mut(),
    ))?;
    body(&all, data)
}

unsafe fn read_bool(env: sys::napi_env, value: sys::napi_value) -> Result<bool> {
    let mut flag = false;
    check(sys::napi_get_value_bool(env, value, &mut flag))?;
    Ok(flag)
}

/// How a reply becomes a JS value.
#[derive(Clone, Copy)]
enum Conversion {
    /// As ioredis delivers it; text as Buffers when `buffers`.
    Plain { buffers: bool },
    /// Packed when it is an array of strings (see `reply::to_js_packed`).
    Packed,
}

/// Runs one command on the session in `data` and converts its outcome: the reply, a promise of
/// the reply for a blocking command that waits (never packed), or `undefined` for a closed
/// client.
unsafe fn run(
    env: sys::napi_env,
    data: *mut c_void,
    conversion: Conversion,
    start: impl FnOnce(&mut crate::session::Session) -> Result<Option<Outcome>>,
) -> Result<sys::napi_value> {
    let session = &*data.cast::<SharedSession>();
    let mut borrowed = session
        .try_borrow_mut()
        .map_err(|_| Error::from_reason("vermilion: command re-entered its own client"))?;
    let buffers = matches!(conversion, Conversion::Plain { buffers: true });
    match start(&mut borrowed)? {
        Some(Outcome::Reply(reply)) => match conversion {
            Conversion::Plain { buffers } => to_js(env, &reply, buffers),
            Conversion::Packed => to_js_packed(env, &reply, &mut borrowed.packed),
        },
        Some(Outcome::Blocked(waiter)) => {
            borrowed.blocked = Some(waiter.clone());
            blocked_promise(env, waiter, buffers)
        }
        None => {
            let mut undefined = ptr::null_mut();
            check(sys::napi_get_undefined(env, &mut undefined))?;
            Ok(undefined)
        }
    }
}

/// A JS value made natively, handed through napi-rs's promise machinery as is.
struct Raw(sys::napi_value);

impl ToNapiValue for Raw {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        Ok(value.0)
    }
}

/// A promise of a parked call's reply. A plain thread waits for it (served, timed out or
/// cancelled) and settles the promise on the JS thread; the event loop never blocks.
unsafe fn blocked_promise(
    env: sys::napi_env,
    waiter: Waiter,
    buffers: bool,
) -> Result<sys::napi_value> {
    let env = Env::from_raw(env);
    let (deferred, promise) = env.create_deferred()?;
    std::thread::Builder::new()
        .name("vermilion-blocked".into())
        .spawn(move || {
            let reply = waiter.wait();
            deferred.resolve(move |env| Ok(Raw(unsafe { to_js(env.raw(), &reply, buffers)? })));
        })
        .map_err(|e| {
            Error::from_reason(format!(
                "vermilion: cannot wait for a blocking command: {e}"
            ))
        })?;
    Ok(promise.raw())
}

unsafe extern "C" fn release(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    drop(Box::from_raw(data.cast::<SharedSession>()));
}
