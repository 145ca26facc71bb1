//! Reading a command's arguments from JS strings and Buffers.
//!
//! Strings are encoded to UTF-8 into one scratch buffer that lives as long as the client, so a
//! command allocates nothing on the way in; Buffers are borrowed, not copied. Other values are
//! coerced with `String(value)`, as ioredis does when it writes a command.

use std::mem::MaybeUninit;
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
    /// The elements of an arguments array, gathered before they are read.
    values: Vec<sys::napi_value>,
}

impl ArgvReader {
    /// Reads `name` and the elements of the `args` array, then calls `run` with them as one
    /// argv (`argv[0]` is the name).
    ///
    /// # Safety
    /// `env`, `name` and `args` must be live values of the current native call; `run` sees
    /// slices of Buffers owned by JS, which it must not keep.
    pub unsafe fn read_array<R>(
        &mut self,
        env: sys::napi_env,
        name: sys::napi_value,
        args: sys::napi_value,
        run: impl FnOnce(&[&[u8]]) -> R,
    ) -> Result<R> {
        let mut values = std::mem::take(&mut self.values);
        values.clear();
        values.push(name);
        let mut len = 0;
        let gathered = check(sys::napi_get_array_length(env, args, &mut len)).and_then(|()| {
            for index in 0..len {
                let mut element = ptr::null_mut();
                check(sys::napi_get_element(env, args, index, &mut element))?;
                values.push(element);
            }
            Ok(())
        });
        let result = gathered.and_then(|()| self.read(env, &values, run));
        self.values = values;
        result
    }

    /// Reads `values` (the name first, then the arguments), then calls `run` with them as one
    /// argv.
    ///
    /// # Safety
    /// `env` and `values` must be live values of the current native call; `run` sees slices of
    /// Buffers owned by JS, which it must not keep.
    pub unsafe fn read<R>(
        &mut self,
        env: sys::napi_env,
        values: &[sys::napi_value],
        run: impl FnOnce(&[&[u8]]) -> R,
    ) -> Result<R> {
        self.bytes.clear();
        self.parts.clear();
        for &value in values {
            self.push(env, value)?;
        }
        let bytes = &self.bytes;
        let slice = |part: &Part| match *part {
            Part::Encoded { start, len } => &bytes[start..start + len],
            // SAFETY: the Buffer is referenced by the call's arguments, alive for this call.
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
        // Most arguments are strings: read one straight away, and ask the type of anything else.
        match self.push_short_ascii(env, value)? {
            StringRead::Done => return Ok(()),
            StringRead::NeedsUtf8 => return self.push_utf8(env, value),
            StringRead::NotAString => {}
        }
        let mut kind = 0;
        check(sys::napi_typeof(env, value, &mut kind))?;
        if kind == sys::ValueType::napi_number {
            return self.push_number(env, value);
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

    /// Whole numbers (scores, counts, indexes) are written here; others go through
    /// `String(value)`, whose formatting of fractions and exponents is JS's own.
    unsafe fn push_number(&mut self, env: sys::napi_env, value: sys::napi_value) -> Result<()> {
        let mut number = 0.0;
        check(sys::napi_get_value_double(env, value, &mut number))?;
        // Within ±2^53 every whole double is exact and prints as its digits, as in JS (-0
        // included: `String(-0)` is "0").
        if number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER {
            let start = self.bytes.len();
            self.bytes
                .extend_from_slice(itoa::Buffer::new().format(number as i64).as_bytes());
            self.parts.push(Part::Encoded {
                start,
                len: self.bytes.len() - start,
            });
            return Ok(());
        }
        let mut text = ptr::null_mut();
        check(sys::napi_coerce_to_string(env, value, &mut text))?;
        self.push_string(env, text)
    }

    unsafe fn push_string(&mut self, env: sys::napi_env, value: sys::napi_value) -> Result<()> {
        match self.push_short_ascii(env, value)? {
            StringRead::Done => Ok(()),
            StringRead::NeedsUtf8 | StringRead::NotAString => self.push_utf8(env, value),
        }
    }

    /// Reads `value` if it is a short ASCII string. Keys and small values mostly are: V8 copies
    /// a string's UTF-16 units out far faster than it encodes UTF-8, and narrowing ASCII units
    /// is a plain copy.
    unsafe fn push_short_ascii(
        &mut self,
        env: sys::napi_env,
        value: sys::napi_value,
    ) -> Result<StringRead> {
        let mut units = [MaybeUninit::<u16>::uninit(); SHORT_STRING_UNITS];
        let mut copied = 0;
        let status = sys::napi_get_value_string_utf16(
            env,
            value,
            units.as_mut_ptr().cast(),
            SHORT_STRING_UNITS,
            &mut copied,
        );
        if status == sys::Status::napi_string_expected {
            return Ok(StringRead::NotAString);
        }
        check(status)?;
        // SAFETY: napi initialised the first `copied` units.
        let units = std::slice::from_raw_parts(
            units.as_ptr().cast::<u16>(),
            copied.min(SHORT_STRING_UNITS),
        );
        // One unit of the buffer goes to the NUL: a string that filled the rest may be cut.
        if copied + 1 >= SHORT_STRING_UNITS || !units.iter().all(|&unit| unit < 0x80) {
            return Ok(StringRead::NeedsUtf8);
        }
        let start = self.bytes.len();
        self.bytes.extend(units.iter().map(|&unit| unit as u8));
        self.parts.push(Part::Encoded { start, len: copied });
        Ok(StringRead::Done)
    }

    /// Encodes any string as UTF-8 (lone surrogates become U+FFFD, as Node writes them).
    unsafe fn push_utf8(&mut self, env: sys::napi_env, value: sys::napi_value) -> Result<()> {
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

/// What reading a value as a short ASCII string found.
enum StringRead {
    Done,
    /// A string, but long or not ASCII.
    NeedsUtf8,
    NotAString,
}

/// Strings up to this many UTF-16 units (less one) take the short-ASCII path.
const SHORT_STRING_UNITS: usize = 128;
/// Commands with at most this many words (name included) pass their argv on the stack.
const INLINE_ARGS: usize = 8;
/// `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
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
