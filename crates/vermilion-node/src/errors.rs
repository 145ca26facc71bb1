//! Error replies become instances of ioredis's `ReplyError` (from `redis-errors`), so code that
//! checks `err instanceof ReplyError` or `err.name` works as it does against a server.

use std::ptr;

use napi::bindgen_prelude::Function;
use napi::{sys, Env, JsValue, Result};
use napi_derive::napi;

use crate::argv::check;

/// The per-environment reference to the `ReplyError` constructor.
struct ReplyErrorClass(sys::napi_ref);

/// Registers the class that error replies are made of. The JS layer calls it once at load.
#[napi]
pub fn set_reply_error_class(env: Env, reply_error: Function) -> Result<()> {
    let mut reference = ptr::null_mut();
    // SAFETY: `class` is a live value of this call; a strong reference keeps it alive for as long
    // as the environment, which also owns and frees the reference.
    unsafe {
        check(sys::napi_create_reference(
            env.raw(),
            reply_error.raw(),
            1,
            &mut reference,
        ))?
    };
    env.set_instance_data(ReplyErrorClass(reference), (), |_| {})
}

/// Creates `new ReplyError(line)`, or a plain `Error` before a class was registered.
///
/// # Safety
/// `env` must be the environment of the current native call.
pub unsafe fn reply_error(env: sys::napi_env, line: &str) -> Result<sys::napi_value> {
    let mut message = ptr::null_mut();
    check(sys::napi_create_string_utf8(
        env,
        line.as_ptr().cast(),
        line.len() as isize,
        &mut message,
    ))?;
    let mut error = ptr::null_mut();
    match Env::from_raw(env).get_instance_data::<ReplyErrorClass>()? {
        Some(ReplyErrorClass(reference)) => {
            let mut class = ptr::null_mut();
            check(sys::napi_get_reference_value(env, *reference, &mut class))?;
            check(sys::napi_new_instance(env, class, 1, &message, &mut error))?;
        }
        None => check(sys::napi_create_error(
            env,
            ptr::null_mut(),
            message,
            &mut error,
        ))?,
    }
    Ok(error)
}
