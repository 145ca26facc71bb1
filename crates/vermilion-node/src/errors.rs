//! Error replies become instances of ioredis's `ReplyError` (from `redis-errors`), so code that
//! checks `err instanceof ReplyError` or `err.name` works as it does against a server.

use std::ptr;

use napi::{sys, Result};

use crate::argv::check;
use crate::helpers::reply_error_class;

/// Creates `new ReplyError(line)`, or a plain `Error` before the class was registered.
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
    match reply_error_class(env)? {
        Some(class) => check(sys::napi_new_instance(env, class, 1, &message, &mut error))?,
        None => check(sys::napi_create_error(
            env,
            ptr::null_mut(),
            message,
            &mut error,
        ))?,
    }
    Ok(error)
}
