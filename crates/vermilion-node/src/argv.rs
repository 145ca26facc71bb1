//! Reading a command's arguments from JS strings and Buffers.
//!
//! Strings are encoded to UTF-8 into one scratch buffer that lives as long as the client, so a
//! command allocates nothing on the way in; Buffers are borrowed, not copied. Other values are
//! coerced with `String(value)`, as ioredis does when it writes a command.

use std::ptr;

use napi::{sys, Error, Result, Status};

/// Where one argument's bytes are.
#[derive(Clone, Copy)]
enum Part {
    /// A range of the scratch buffer.
    Encoded { start: usize, len: usize },
    /// The contents of a JS Buffer, alive for the duration of the native call.
    Borrowed { data: *const u8, len: usize },
}

/// Reusable storage for one command's arguments.
#[derive(Default)]
pub struct ArgvReader {
    bytes: Vec<u8>,
    parts: Vec<Part>,
}

impl ArgvReader {
    /// Reads `name` and the elements of the `args` array, then calls `run` with them as one
    /// argv (`argv[0]` is the name).
    ///
    /// # Safety
    /// `env`, `name` and `args` must be live values of the current native call; `run` sees
    /// slices of Buffers owned by JS, which it must not keep.
    pub unsafe fn read<R>(
        &mut self,
        env: sys::napi_env,
        name: sys::napi_value,
        args: sys::napi_value,
        run: impl FnOnce(&[&[u8]]) -> R,
    ) -> Result<R> {
        self.bytes.clear();
        self.parts.clear();
        self.push(env, name)?;
        let mut len = 0;
        check(sys::napi_get_array_length(env, args, &mut len))?;
        for index in 0..len {
            let mut element = ptr::null_mut();
            check(sys::napi_get_element(env, args, index, &mut element))?;
            self.push(env, element)?;
        }
        let bytes = &self.bytes;
        let slice = |part: &Part| match *part {
            Part::Encoded { start, len } => &bytes[start..start + len],
            // SAFETY: the Buffer is referenced by `args`, which JS keeps alive for this call.
            Part::Borrowed { data, len } if len > 0 => unsafe {
                std::slice::from_raw_parts(data, len)
            },
            Part::Borrowed { .. } => &[][..],
        };
        // Short commands, the common case, need no allocation for their argv.
        if self.parts.len() <= INLINE_ARGS {
            let mut argv: [&[u8]; INLINE_ARGS] = [&[]; INLINE_ARGS];
            for (slot, part) in argv.iter_mut().zip(&self.parts) {
                *slot = slice(part);
            }
            Ok(run(&argv[..self.parts.len()]))
        } else {
            Ok(run(&self.parts.iter().map(slice).collect::<Vec<_>>()))
        }
    }

    unsafe fn push(&mut self, env: sys::napi_env, value: sys::napi_value) -> Result<()> {
        let mut kind = 0;
        check(sys::napi_typeof(env, value, &mut kind))?;
        if kind == sys::ValueType::napi_string {
            return self.push_string(env, value);
        }
        let mut is_buffer = false;
        check(sys::napi_is_buffer(env, value, &mut is_buffer))?;
        if is_buffer {
            let mut data = ptr::null_mut();
            let mut len = 0;
            check(sys::napi_get_buffer_info(env, value, &mut data, &mut len))?;
            self.parts.push(Part::Borrowed {
                data: data.cast_const().cast(),
                len,
            });
            return Ok(());
        }
        let mut text = ptr::null_mut();
        check(sys::napi_coerce_to_string(env, value, &mut text))?;
        self.push_string(env, text)
    }

    unsafe fn push_string(&mut self, env: sys::napi_env, value: sys::napi_value) -> Result<()> {
        let start = self.bytes.len();
        // Most arguments are short: encode straight into spare room, and only measure the string
        // first when it may not have fitted.
        self.bytes.reserve(SPARE_ROOM);
        let room = self.bytes.capacity() - start;
        let mut written = 0;
        check(sys::napi_get_value_string_utf8(
            env,
            value,
            self.bytes.as_mut_ptr().add(start).cast(),
            room,
            &mut written,
        ))?;
        if written + MAX_CHAR_LEN + 1 > room {
            let mut len = 0;
            check(sys::napi_get_value_string_utf8(
                env,
                value,
                ptr::null_mut(),
                0,
                &mut len,
            ))?;
            self.bytes.reserve(len + 1);
            check(sys::napi_get_value_string_utf8(
                env,
                value,
                self.bytes.as_mut_ptr().add(start).cast(),
                len + 1,
                &mut written,
            ))?;
        }
        // SAFETY: napi initialised `written` bytes after `start` (plus a NUL we leave outside).
        self.bytes.set_len(start + written);
        self.parts.push(Part::Encoded {
            start,
            len: written,
        });
        Ok(())
    }
}

/// Commands with at most this many words (name included) pass their argv on the stack.
const INLINE_ARGS: usize = 8;
/// Spare bytes kept ready for the next string argument.
const SPARE_ROOM: usize = 256;
/// Longest UTF-8 sequence of one character: a string cut short stops at most this many bytes
/// (plus the NUL) before the end of the room it was given.
const MAX_CHAR_LEN: usize = 4;

/// Turns a napi status into a `Result`.
pub fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::from(status),
            "napi call failed while reading command arguments",
        ))
    }
}
