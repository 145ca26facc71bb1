//! JS functions the addon calls back into, registered once per environment (the main thread and
//! each worker thread) by the JS layer at load.

use std::ptr;

use napi::bindgen_prelude::Function;
use napi::{sys, Env, JsValue, Result};
use napi_derive::napi;

use crate::argv::check;

/// Strong references to the registered functions, owned by the environment.
struct JsHelpers {
    /// ioredis's `ReplyError` class (from `redis-errors`): error replies are its instances.
    reply_error: sys::napi_ref,
    /// `(...items) => items`: builds an array from call arguments faster than napi can fill
    /// one element by element.
    array_of: sys::napi_ref,
}

/// Registers the class error replies are made of and the array builder.
#[napi(
    ts_args_type = "replyError: new (message: string) => Error, arrayOf: (...items: unknown[]) => unknown[]"
)]
pub fn register_js_helpers(env: Env, reply_error: Function, array_of: Function) -> Result<()> {
    // SAFETY: both functions are live values of this call; the strong references keep them alive
    // for as long as the environment, which owns the instance data they are kept in.
    let helpers = unsafe {
        JsHelpers {
            reply_error: strong_reference(env.raw(), reply_error.raw())?,
            array_of: strong_reference(env.raw(), array_of.raw())?,
        }
    };
    env.set_instance_data(helpers, (), |_| {})
}

unsafe fn strong_reference(env: sys::napi_env, value: sys::napi_value) -> Result<sys::napi_ref> {
    let mut reference = ptr::null_mut();
    check(sys::napi_create_reference(env, value, 1, &mut reference))?;
    Ok(reference)
}

/// The value behind one of the registered references, or `None` before registration.
unsafe fn helper(
    env: sys::napi_env,
    pick: impl FnOnce(&JsHelpers) -> sys::napi_ref,
) -> Result<Option<sys::napi_value>> {
    let Some(helpers) = Env::from_raw(env).get_instance_data::<JsHelpers>()? else {
        return Ok(None);
    };
    let mut value = ptr::null_mut();
    check(sys::napi_get_reference_value(
        env,
        pick(helpers),
        &mut value,
    ))?;
    Ok(Some(value))
}

/// The `ReplyError` class, once registered.
///
/// # Safety
/// `env` must be the environment of the current native call.
pub unsafe fn reply_error_class(env: sys::napi_env) -> Result<Option<sys::napi_value>> {
    helper(env, |h| h.reply_error)
}

/// An array of `items`, built by the registered array builder; `None` before registration.
///
/// # Safety
/// `env` and `items` must be live values of the current native call.
pub unsafe fn array_of(
    env: sys::napi_env,
    items: &[sys::napi_value],
) -> Result<Option<sys::napi_value>> {
    let Some(builder) = helper(env, |h| h.array_of)? else {
        return Ok(None);
    };
    let mut receiver = ptr::null_mut();
    check(sys::napi_get_undefined(env, &mut receiver))?;
    let mut array = ptr::null_mut();
    check(sys::napi_call_function(
        env,
        receiver,
        builder,
        items.len(),
        items.as_ptr(),
        &mut array,
    ))?;
    Ok(Some(array))
}
