//! Client sessions: one per ioredis-style instance, running commands on the JS thread.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use napi::bindgen_prelude::External;
use napi_derive::napi;
use vermilion_engine::{Client, ConnectionInfo, Engine, Outcome, Waiter};

use crate::argv::ArgvReader;

/// One client of an engine, plus the scratch space its commands are read into. Shared (on the
/// JS thread only) between its handle and its executor function.
pub type SharedSession = Rc<RefCell<Session>>;

pub struct Session {
    /// `None` once disconnected; the engine then forgets the client.
    client: Option<Client>,
    argv: ArgvReader,
    /// Where packed replies are assembled (see `reply::to_js_packed`).
    pub packed: Vec<u8>,
    /// The parked call of a blocking command (BLPOP, ...) still waiting, so a disconnect can
    /// cancel it.
    pub blocked: Option<Waiter>,
}

impl Session {
    /// The engine client, unless disconnected.
    pub fn client(&self) -> Option<&Client> {
        self.client.as_ref()
    }

    /// Runs (or, for a blocking command that must wait, parks) one command read from JS values:
    /// `values` holds its name, then its arguments. `None` when the client is closed (after
    /// QUIT, a disconnect, or `CLIENT KILL`), in which case the command does not run.
    ///
    /// # Safety
    /// `env` and `values` must be live values of the current native call.
    pub unsafe fn execute(
        &mut self,
        env: napi::sys::napi_env,
        values: &[napi::sys::napi_value],
    ) -> napi::Result<Option<Outcome>> {
        let Some(client) = self.client.as_mut().filter(|c| !c.should_close()) else {
            return Ok(None);
        };
        self.argv
            .read(env, values, |argv| client.start(argv))
            .map(Some)
    }

    /// As [`Session::execute`], with the arguments in a JS array.
    ///
    /// # Safety
    /// `env`, `name` and `args` must be live values of the current native call.
    pub unsafe fn execute_array(
        &mut self,
        env: napi::sys::napi_env,
        name: napi::sys::napi_value,
        args: napi::sys::napi_value,
    ) -> napi::Result<Option<Outcome>> {
        let Some(client) = self.client.as_mut().filter(|c| !c.should_close()) else {
            return Ok(None);
        };
        self.argv
            .read_array(env, name, args, |argv| client.start(argv))
            .map(Some)
    }
}

impl Drop for Session {
    /// A session dropped without `disconnect` (collected, or its worker thread gone) must not
    /// leave a blocking call parked: the engine would hand it data no one will read.
    fn drop(&mut self) {
        if let Some(waiter) = self.blocked.take() {
            waiter.cancel();
        }
    }
}

/// Connects a new embedded client (shown as `addr=node:0` in `CLIENT LIST`).
#[napi]
pub fn connect(engine: &External<Arc<Engine>>) -> External<SharedSession> {
    let client = engine.connect(ConnectionInfo::embedded("node"));
    External::new(Rc::new(RefCell::new(Session {
        client: Some(client),
        argv: ArgvReader::default(),
        packed: Vec::new(),
        blocked: None,
    })))
}

/// Whether the client is closed or must close now (it ran QUIT, or another client killed it).
#[napi]
pub fn is_closed(session: &External<SharedSession>) -> bool {
    session
        .borrow()
        .client
        .as_ref()
        .is_none_or(Client::should_close)
}

/// The client's id, as `CLIENT ID` reports it; `null` once disconnected.
#[napi]
pub fn client_id(session: &External<SharedSession>) -> Option<i64> {
    session.borrow().client.as_ref().map(|c| c.id() as i64)
}

/// Disconnects the client now instead of when its handle and executor are garbage-collected.
#[napi]
pub fn disconnect(session: &External<SharedSession>) {
    let mut session = session.borrow_mut();
    if let Some(waiter) = session.blocked.take() {
        waiter.cancel();
    }
    session.client = None;
}
