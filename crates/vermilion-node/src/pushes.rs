//! Messages pushed to a client (pub/sub messages, keyspace events), delivered on the JS thread.
//!
//! A publisher may run on any thread — a network client, a Python thread, this very JS thread.
//! It only drops the message in the subscriber's mailbox and rings a thread-safe function; the
//! ring is answered on the JS thread by a callback that drains the mailbox, so the publisher
//! never waits for JS and JS never blocks on anyone.

use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::External;
use napi::bindgen_prelude::{Function, JsValue, Unknown};
use napi::{sys, Env, Result};
use napi_derive::napi;

use crate::argv::check;
use crate::reply::to_js;
use crate::session::SharedSession;

/// A thread-safe function that calls a JS callback (with no arguments) on the JS thread.
///
/// When its JS environment goes away (a worker thread exits with the client still subscribed),
/// Node finalizes the function, and from then on it must not be touched. The finalizer clears
/// the shared slot under its lock, and every use takes the same lock and checks the slot, so a
/// ring from another thread never races the teardown.
struct Bell(Arc<Mutex<Option<Tsfn>>>);

/// A raw thread-safe function handle.
struct Tsfn(sys::napi_threadsafe_function);

// SAFETY: Node-API thread-safe functions are made to be called and released from any thread.
unsafe impl Send for Tsfn {}

impl Bell {
    fn ring(&self) {
        if let Some(Tsfn(tsfn)) = &*lock(&self.0) {
            // Non-blocking with an unbounded queue: never waits; fails only once released.
            unsafe { sys::napi_call_threadsafe_function(*tsfn, ptr::null_mut(), sys::ThreadsafeFunctionCallMode::nonblocking) };
        }
    }
}

impl Drop for Bell {
    fn drop(&mut self) {
        // Node finalizes a released function later, on its loop, never inside this call, so
        // holding the lock across it cannot deadlock with the finalizer.
        if let Some(Tsfn(tsfn)) = lock(&self.0).take() {
            // Lets the event loop end once nothing else keeps it alive, as a closed socket does.
            unsafe { sys::napi_release_threadsafe_function(tsfn, sys::ThreadsafeFunctionReleaseMode::release) };
        }
    }
}

fn lock(slot: &Mutex<Option<Tsfn>>) -> std::sync::MutexGuard<'_, Option<Tsfn>> {
    slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Called by Node once the thread-safe function is gone (released, or its environment torn
/// down); `data` is the bell's slot, handed over with `Arc::into_raw`.
unsafe extern "C" fn forget_tsfn(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    let slot = Arc::from_raw(data.cast::<Mutex<Option<Tsfn>>>());
    lock(&slot).take();
}

/// Calls `callback()` on the JS thread whenever messages arrive for the client; the callback
/// takes them with [`take_pushes`]. Keeps the process alive until the client disconnects.
#[napi(ts_args_type = "session: ExternalObject<unknown>, callback: () => void")]
pub fn on_push(env: Env, session: &External<SharedSession>, callback: Function<'_, (), Unknown<'_>>) -> Result<()> {
    let session = session.borrow();
    let Some(client) = session.client() else { return Ok(()) };
    let mut name = ptr::null_mut();
    let mut tsfn = ptr::null_mut();
    let slot = Arc::new(Mutex::new(None));
    let finalize_data = Arc::into_raw(Arc::clone(&slot)).cast_mut().cast::<c_void>();
    // SAFETY: `env` and `callback` are live values of this call; with no `call_js_cb`, Node calls
    // `callback` with no arguments.
    unsafe {
        check(sys::napi_create_string_utf8(env.raw(), c"vermilion.push".as_ptr(), "vermilion.push".len() as isize, &mut name))?;
        check(sys::napi_create_threadsafe_function(
            env.raw(),
            callback.raw(),
            ptr::null_mut(),
            name,
            0,
            1,
            finalize_data,
            Some(forget_tsfn),
            ptr::null_mut(),
            None,
            &mut tsfn,
        ))
        .inspect_err(|_| drop(Arc::from_raw(finalize_data.cast_const().cast::<Mutex<Option<Tsfn>>>())))?;
    }
    *lock(&slot) = Some(Tsfn(tsfn));
    let bell = Bell(slot);
    client.mailbox().set_waker(move || bell.ring());
    // Messages that arrived before the waker was set are announced now.
    if !client.mailbox().is_empty() {
        client.mailbox().interrupt();
    }
    Ok(())
}

/// Takes the messages waiting for the client, oldest first, as arrays of Buffers (the shape
/// ioredis's parser gives its subscriber logic).
#[napi(ts_return_type = "unknown[][]")]
pub fn take_pushes(env: Env, session: &External<SharedSession>) -> Result<Vec<Raw>> {
    let session = session.borrow();
    let Some(client) = session.client() else { return Ok(Vec::new()) };
    let messages = client.mailbox().drain();
    // SAFETY: `env` is the environment of this call.
    messages.iter().map(|message| unsafe { to_js(env.raw(), message, true) }.map(Raw)).collect()
}

/// A JS value made natively.
pub struct Raw(sys::napi_value);

impl napi::bindgen_prelude::ToNapiValue for Raw {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        Ok(value.0)
    }
}

impl napi::bindgen_prelude::TypeName for Raw {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> napi::ValueType {
        napi::ValueType::Unknown
    }
}
