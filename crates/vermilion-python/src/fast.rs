//! Native versions of the hottest redis-py command methods.
//!
//! redis-py spends microseconds per call in option checks and its generic `execute_command`
//! path. [`FastCommands`] offers the same methods with redis-py's exact signatures, argument
//! errors, encoding, `decode_responses` handling and response-callback results, running straight
//! into the engine. Argument shapes that are rare and fiddly (timedeltas, datetimes, arbitrary
//! iterables, less common options) are handed to redis-py's own method, so they behave exactly
//! as redis-py defines them.
//!
//! The Python `Redis` binds these methods onto each instance only while the matching response
//! callback is redis-py's default; a custom callback sends that command back to the generic path.

use pyo3::exceptions::PyReferenceError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyList, PyString, PyTuple};
use vermilion_engine::Reply;

use crate::argv::{self, Objects};
use crate::client::Client;
use crate::codec::Arg;
use crate::redis_py::{self, data_error};
use crate::reply;

/// redis-py command methods bound to one client session.
#[pyclass(module = "vermilion._native", frozen)]
pub struct FastCommands {
    client: Py<Client>,
    /// A `weakref.ref` to the owning `vermilion.Redis`, for the argument shapes redis-py handles.
    owner: Py<PyAny>,
}

/// An optional flag argument's truth value, as redis-py's `if nx:` tests it.
fn truthy(flag: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
    flag.map_or(Ok(false), |value| value.is_truthy())
}

/// True when an optional argument is absent or an exact `int` (what the fast paths encode).
fn absent_or_int(value: Option<&Bound<'_, PyAny>>) -> bool {
    value.is_none_or(|v| v.is_exact_instance_of::<pyo3::types::PyInt>())
}

/// Keyword arguments for a fallback call, leaving out those not given.
fn kwargs<'py>(py: Python<'py>, pairs: &[(&str, Option<&Bound<'py, PyAny>>)]) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in pairs {
        if let Some(value) = value {
            dict.set_item(name, value)?;
        }
    }
    Ok(dict)
}

/// Adds a dict's items, key then value, as redis-py's `mapping.items()` loops do.
fn extend_with_items<'py>(objects: &mut Objects<'py>, mapping: &Bound<'py, PyDict>) {
    for (key, value) in mapping.iter() {
        objects.push(key);
        objects.push(value);
    }
}

fn exact_dict<'a, 'py>(value: &'a Bound<'py, PyAny>) -> Option<&'a Bound<'py, PyDict>> {
    value.is_exact_instance_of::<PyDict>().then(|| value.cast::<PyDict>().ok()).flatten()
}

impl FastCommands {
    fn client(&self) -> &Client {
        self.client.get()
    }

    /// Runs `words` followed by the encoded `objects`, shaping the reply as redis-py's parser.
    fn call<'py>(&self, py: Python<'py>, words: &[&'static [u8]], objects: &Objects<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client();
        let encoded = objects.encode(&client.codec)?;
        client.call(py, &argv::join(words, &encoded))
    }

    /// Like `call`, but returns the raw reply for a method that applies a callback.
    fn call_raw(&self, py: Python<'_>, words: &[&'static [u8]], objects: &Objects<'_>) -> PyResult<(Reply, bool)> {
        let client = self.client();
        let encoded = objects.encode(&client.codec)?;
        client.call_raw(py, &argv::join(words, &encoded))
    }

    /// Runs a one-key command.
    fn call_key<'py>(&self, py: Python<'py>, command: &'static [u8], key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client();
        let key = client.codec.encode(key)?;
        client.call(py, &[command, key.as_bytes()])
    }

    /// Runs a command of a key and a variable number of arguments (`DEL`, `LPUSH`, ...).
    fn call_varargs<'py>(
        &self,
        py: Python<'py>,
        command: &'static [u8],
        first: Option<&Bound<'py, PyAny>>,
        rest: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut objects = Objects::with_capacity(rest.len() + 1);
        if let Some(first) = first {
            objects.push(first.clone());
        }
        objects.extend_from_tuple(rest);
        self.call(py, &[command], &objects)
    }

    /// Calls redis-py's own method on the owning client.
    fn fallback<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        args: Vec<Bound<'py, PyAny>>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let owner = self.owner.bind(py).call0()?;
        if owner.is_none() {
            return Err(PyReferenceError::new_err("the vermilion.Redis client was garbage-collected"));
        }
        let function = redis_py::redis_class(py)?.getattr(method)?;
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(owner);
        all.extend(args);
        function.call(PyTuple::new(py, all)?, kwargs)
    }
}

#[pymethods]
impl FastCommands {
    #[new]
    fn new(client: Py<Client>, owner: Py<PyAny>) -> Self {
        FastCommands { client, owner }
    }

    /// GET name
    fn get<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.call_key(py, b"GET", name)
    }

    /// SET name value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ts | KEEPTTL]
    ///
    /// Returns True, None when NX/XX prevented the write, or the old value with `get=True`.
    #[pyo3(signature = (name, value, ex=None, px=None, nx=None, xx=None, keepttl=None, get=None, exat=None, pxat=None, ifeq=None, ifne=None, ifdeq=None, ifdne=None))]
    #[allow(clippy::too_many_arguments)]
    fn set<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
        value: &Bound<'py, PyAny>,
        ex: Option<&Bound<'py, PyAny>>,
        px: Option<&Bound<'py, PyAny>>,
        nx: Option<&Bound<'py, PyAny>>,
        xx: Option<&Bound<'py, PyAny>>,
        keepttl: Option<&Bound<'py, PyAny>>,
        get: Option<&Bound<'py, PyAny>>,
        exat: Option<&Bound<'py, PyAny>>,
        pxat: Option<&Bound<'py, PyAny>>,
        ifeq: Option<&Bound<'py, PyAny>>,
        ifne: Option<&Bound<'py, PyAny>>,
        ifdeq: Option<&Bound<'py, PyAny>>,
        ifdne: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client();
        let has_options = ex.is_some() || px.is_some() || nx.is_some() || xx.is_some() || keepttl.is_some() || get.is_some();
        if !has_options && exat.is_none() && pxat.is_none() && ifeq.is_none() && ifne.is_none() && ifdeq.is_none() && ifdne.is_none() {
            // The common case: SET name value.
            let key = client.codec.encode(name)?;
            let value = client.codec.encode(value)?;
            let (reply, resp3) = client.call_raw(py, &[b"SET", key.as_bytes(), value.as_bytes()])?;
            return set_result(py, client, reply, resp3, false);
        }
        let plain = [ex, px, exat, pxat].into_iter().all(absent_or_int)
            && ifeq.is_none() && ifne.is_none() && ifdeq.is_none() && ifdne.is_none();
        if !plain {
            let options = kwargs(py, &[
                ("ex", ex), ("px", px), ("nx", nx), ("xx", xx), ("keepttl", keepttl), ("get", get),
                ("exat", exat), ("pxat", pxat), ("ifeq", ifeq), ("ifne", ifne), ("ifdeq", ifdeq), ("ifdne", ifdne),
            ])?;
            return self.fallback(py, "set", vec![name.clone(), value.clone()], Some(&options));
        }
        let (nx, xx, keepttl, get) = (truthy(nx)?, truthy(xx)?, truthy(keepttl)?, truthy(get)?);
        let expiries = [ex.is_some(), px.is_some(), exat.is_some(), pxat.is_some(), keepttl];
        if expiries.iter().filter(|&&set| set).count() > 1 {
            return Err(data_error(py, "``ex``, ``px``, ``exat``, ``pxat``, and ``keepttl`` are mutually exclusive."));
        }
        if nx && xx {
            return Err(data_error(py, "``nx``, ``xx``, ``ifeq``, ``ifne``, ``ifdeq``, ``ifdne`` are mutually exclusive."));
        }
        let key = client.codec.encode(name)?;
        let value = client.codec.encode(value)?;
        let mut argv: Vec<&[u8]> = vec![b"SET", key.as_bytes(), value.as_bytes()];
        if nx {
            argv.push(b"NX");
        } else if xx {
            argv.push(b"XX");
        }
        if get {
            argv.push(b"GET");
        }
        let expiry = [(b"EX".as_slice(), ex), (b"PX", px), (b"EXAT", exat), (b"PXAT", pxat)]
            .into_iter()
            .find_map(|(word, value)| value.map(|v| (word, v)));
        let amount = expiry.map(|(_, amount)| client.codec.encode(amount)).transpose()?;
        if let (Some((word, _)), Some(amount)) = (expiry, &amount) {
            argv.push(word);
            argv.push(amount.as_bytes());
        }
        if keepttl {
            argv.push(b"KEEPTTL");
        }
        let (reply, resp3) = client.call_raw(py, &argv)?;
        set_result(py, client, reply, resp3, get)
    }

    /// MGET keys [key ...]: `keys` is a key or a list of keys, `args` more keys.
    #[pyo3(signature = (keys, *args))]
    fn mget<'py>(&self, py: Python<'py>, keys: &Bound<'py, PyAny>, args: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        let mut objects = Objects::with_capacity(args.len() + 1);
        if keys.is_instance_of::<PyBytes>() || keys.is_instance_of::<PyString>() {
            objects.push(keys.clone());
        } else if let Ok(list) = keys.cast_exact::<PyList>() {
            objects.extend_from_list(list);
        } else if let Ok(tuple) = keys.cast_exact::<PyTuple>() {
            objects.extend_from_tuple(tuple);
        } else {
            let mut all = vec![keys.clone()];
            all.extend(args.iter());
            return self.fallback(py, "mget", all, None);
        }
        objects.extend_from_tuple(args);
        if objects.is_empty() {
            // redis-py answers an empty MGET with an empty list instead of the arity error.
            return Ok(PyList::empty(py).into_any());
        }
        self.call(py, &[b"MGET"], &objects)
    }

    /// MSET key value [key value ...] from a mapping; returns True.
    fn mset<'py>(&self, py: Python<'py>, mapping: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let Some(dict) = exact_dict(mapping) else {
            return self.fallback(py, "mset", vec![mapping.clone()], None);
        };
        let mut objects = Objects::with_capacity(dict.len() * 2);
        extend_with_items(&mut objects, dict);
        let (reply, _) = self.call_raw(py, &[b"MSET"], &objects)?;
        Ok(PyBool::new(py, is_ok(&reply)).to_owned().into_any())
    }

    /// INCRBY name amount (redis-py's `incr` is the same method).
    #[pyo3(signature = (name, amount=None))]
    fn incrby<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>, amount: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client();
        let key = client.codec.encode(name)?;
        let amount = match amount {
            Some(amount) => client.codec.encode(amount)?,
            None => Arg::integer(1),
        };
        client.call(py, &[b"INCRBY", key.as_bytes(), amount.as_bytes()])
    }

    /// INCRBY name amount
    #[pyo3(signature = (name, amount=None))]
    fn incr<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>, amount: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        self.incrby(py, name, amount)
    }

    /// DEL key [key ...]
    #[pyo3(signature = (*names))]
    fn delete<'py>(&self, py: Python<'py>, names: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        self.call_varargs(py, b"DEL", None, names)
    }

    /// EXISTS key [key ...]
    #[pyo3(signature = (*names))]
    fn exists<'py>(&self, py: Python<'py>, names: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        self.call_varargs(py, b"EXISTS", None, names)
    }

    /// EXPIRE name seconds [NX] [XX] [GT] [LT]; returns a bool.
    #[pyo3(signature = (name, time, nx=None, xx=None, gt=None, lt=None))]
    #[allow(clippy::too_many_arguments)]
    fn expire<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
        time: &Bound<'py, PyAny>,
        nx: Option<&Bound<'py, PyAny>>,
        xx: Option<&Bound<'py, PyAny>>,
        gt: Option<&Bound<'py, PyAny>>,
        lt: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !time.is_exact_instance_of::<pyo3::types::PyInt>() {
            let options = kwargs(py, &[("nx", nx), ("xx", xx), ("gt", gt), ("lt", lt)])?;
            return self.fallback(py, "expire", vec![name.clone(), time.clone()], Some(&options));
        }
        let client = self.client();
        let key = client.codec.encode(name)?;
        let seconds = client.codec.encode(time)?;
        let mut argv: Vec<&[u8]> = vec![b"EXPIRE", key.as_bytes(), seconds.as_bytes()];
        for (word, flag) in [(b"NX".as_slice(), nx), (b"XX", xx), (b"GT", gt), (b"LT", lt)] {
            if truthy(flag)? {
                argv.push(word);
            }
        }
        let (reply, resp3) = client.call_raw(py, &argv)?;
        reply::to_value(py, reply, client.shape(resp3))?.is_truthy().map(|b| PyBool::new(py, b).to_owned().into_any())
    }

    /// TTL name
    fn ttl<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.call_key(py, b"TTL", name)
    }

    /// HGET name key
    fn hget<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client();
        let (name, key) = (client.codec.encode(name)?, client.codec.encode(key)?);
        client.call(py, &[b"HGET", name.as_bytes(), key.as_bytes()])
    }

    /// HSET name [key value] [mapping items...]; returns the number of new fields.
    #[pyo3(signature = (name, key=None, value=None, mapping=None, items=None))]
    fn hset<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
        key: Option<&Bound<'py, PyAny>>,
        value: Option<&Bound<'py, PyAny>>,
        mapping: Option<&Bound<'py, PyAny>>,
        items: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let dict = mapping.and_then(exact_dict);
        if items.is_some() || (mapping.is_some() && dict.is_none()) {
            let options = kwargs(py, &[("key", key), ("value", value), ("mapping", mapping), ("items", items)])?;
            return self.fallback(py, "hset", vec![name.clone()], Some(&options));
        }
        if key.is_none() && dict.is_none_or(|d| d.is_empty()) {
            return Err(data_error(py, "'hset' with no key value pairs"));
        }
        let mut objects = Objects::with_capacity(3);
        objects.push(name.clone());
        if let Some(key) = key {
            objects.push(key.clone());
            objects.push(value.map_or_else(|| py.None().into_bound(py), Bound::clone));
        }
        if let Some(dict) = dict {
            extend_with_items(&mut objects, dict);
        }
        self.call(py, &[b"HSET"], &objects)
    }

    /// HGETALL name; returns a dict.
    fn hgetall<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client();
        let key = client.codec.encode(name)?;
        let (reply, resp3) = client.call_raw(py, &[b"HGETALL", key.as_bytes()])?;
        let shape = client.shape(resp3);
        let dict = PyDict::new(py);
        match reply {
            Reply::Map(pairs) => {
                for (field, value) in pairs {
                    dict.set_item(reply::to_value(py, field, shape)?, reply::to_value(py, value, shape)?)?;
                }
            }
            Reply::Array(flat) => {
                let mut items = flat.into_iter();
                while let (Some(field), Some(value)) = (items.next(), items.next()) {
                    dict.set_item(reply::to_value(py, field, shape)?, reply::to_value(py, value, shape)?)?;
                }
            }
            Reply::Null | Reply::NullArray => {}
            other => return reply::to_value(py, other, shape),
        }
        Ok(dict.into_any())
    }

    /// LPUSH name value [value ...]
    #[pyo3(signature = (name, *values))]
    fn lpush<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>, values: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        self.call_varargs(py, b"LPUSH", Some(name), values)
    }

    /// RPOP name [count]
    #[pyo3(signature = (name, count=None))]
    fn rpop<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>, count: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client();
        let key = client.codec.encode(name)?;
        match count {
            None => client.call(py, &[b"RPOP", key.as_bytes()]),
            Some(count) => {
                let count = client.codec.encode(count)?;
                client.call(py, &[b"RPOP", key.as_bytes(), count.as_bytes()])
            }
        }
    }

    /// SADD name value [value ...]
    #[pyo3(signature = (name, *values))]
    fn sadd<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>, values: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        self.call_varargs(py, b"SADD", Some(name), values)
    }

    /// SISMEMBER name value
    fn sismember<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client();
        let (name, value) = (client.codec.encode(name)?, client.codec.encode(value)?);
        client.call(py, &[b"SISMEMBER", name.as_bytes(), value.as_bytes()])
    }

    /// ZSCORE name value: the member's score as a float (redis-py's `float_or_none`), or None.
    fn zscore<'py>(&self, py: Python<'py>, name: &Bound<'py, PyAny>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client();
        let (name, value) = (client.codec.encode(name)?, client.codec.encode(value)?);
        let (reply, resp3) = client.call_raw(py, &[b"ZSCORE", name.as_bytes(), value.as_bytes()])?;
        match reply {
            Reply::Double(score) => Ok(PyFloat::new(py, score).into_any()),
            Reply::Null => Ok(py.None().into_bound(py)),
            other => py.get_type::<PyFloat>().call1((reply::to_value(py, other, client.shape(resp3))?,)),
        }
    }

    /// ZADD name [NX|XX] [CH] [GT|LT] score member [score member ...] from a member→score mapping.
    #[pyo3(signature = (name, mapping, nx=None, xx=None, ch=None, incr=None, gt=None, lt=None))]
    #[allow(clippy::too_many_arguments)]
    fn zadd<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
        mapping: &Bound<'py, PyAny>,
        nx: Option<&Bound<'py, PyAny>>,
        xx: Option<&Bound<'py, PyAny>>,
        ch: Option<&Bound<'py, PyAny>>,
        incr: Option<&Bound<'py, PyAny>>,
        gt: Option<&Bound<'py, PyAny>>,
        lt: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let dict = exact_dict(mapping);
        if dict.is_none() || truthy(incr)? {
            let options = kwargs(py, &[("nx", nx), ("xx", xx), ("ch", ch), ("incr", incr), ("gt", gt), ("lt", lt)])?;
            return self.fallback(py, "zadd", vec![name.clone(), mapping.clone()], Some(&options));
        }
        let dict = dict.expect("checked above");
        let (nx, xx, ch, gt, lt) = (truthy(nx)?, truthy(xx)?, truthy(ch)?, truthy(gt)?, truthy(lt)?);
        if dict.is_empty() {
            return Err(data_error(py, "ZADD requires at least one element/score pair"));
        }
        if nx && xx {
            return Err(data_error(py, "ZADD allows either 'nx' or 'xx', not both"));
        }
        if gt && lt {
            return Err(data_error(py, "ZADD allows either 'gt' or 'lt', not both"));
        }
        if nx && (gt || lt) {
            return Err(data_error(py, "Only one of 'nx', 'lt', or 'gr' may be defined."));
        }
        let client = self.client();
        let key = client.codec.encode(name)?;
        let mut pairs = Objects::with_capacity(dict.len() * 2);
        for (member, score) in dict.iter() {
            pairs.push(score);
            pairs.push(member);
        }
        let encoded_pairs = pairs.encode(&client.codec)?;
        let mut argv: Vec<&[u8]> = Vec::with_capacity(encoded_pairs.len() + 7);
        argv.push(b"ZADD");
        argv.push(key.as_bytes());
        for (on, word) in [(nx, b"NX".as_slice()), (xx, b"XX"), (ch, b"CH"), (gt, b"GT"), (lt, b"LT")] {
            if on {
                argv.push(word);
            }
        }
        argv.extend(encoded_pairs.iter().map(Arg::as_bytes));
        let (reply, resp3) = client.call_raw(py, &argv)?;
        reply::to_value(py, reply, client.shape(resp3))
    }

    /// ZRANGE name start end; other options go through redis-py's method.
    #[pyo3(signature = (name, start, end, desc=None, withscores=None, score_cast_func=None, byscore=None, bylex=None, offset=None, num=None))]
    #[allow(clippy::too_many_arguments)]
    fn zrange<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        desc: Option<&Bound<'py, PyAny>>,
        withscores: Option<&Bound<'py, PyAny>>,
        score_cast_func: Option<&Bound<'py, PyAny>>,
        byscore: Option<&Bound<'py, PyAny>>,
        bylex: Option<&Bound<'py, PyAny>>,
        offset: Option<&Bound<'py, PyAny>>,
        num: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let simple = !truthy(desc)? && !truthy(withscores)? && !truthy(byscore)? && !truthy(bylex)?
            && offset.is_none_or(|o| o.is_none()) && num.is_none_or(|n| n.is_none());
        if !simple {
            let options = kwargs(py, &[
                ("desc", desc), ("withscores", withscores), ("score_cast_func", score_cast_func),
                ("byscore", byscore), ("bylex", bylex), ("offset", offset), ("num", num),
            ])?;
            return self.fallback(py, "zrange", vec![name.clone(), start.clone(), end.clone()], Some(&options));
        }
        let client = self.client();
        let (name, start, end) = (client.codec.encode(name)?, client.codec.encode(start)?, client.codec.encode(end)?);
        client.call(py, &[b"ZRANGE", name.as_bytes(), start.as_bytes(), end.as_bytes()])
    }

    /// PUBLISH channel message; returns the number of receivers.
    #[pyo3(signature = (channel, message, **options))]
    fn publish<'py>(
        &self,
        py: Python<'py>,
        channel: &Bound<'py, PyAny>,
        message: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if options.is_some_and(|o| !o.is_empty()) {
            return self.fallback(py, "publish", vec![channel.clone(), message.clone()], options);
        }
        let client = self.client();
        let (channel, message) = (client.codec.encode(channel)?, client.codec.encode(message)?);
        client.call(py, &[b"PUBLISH", channel.as_bytes(), message.as_bytes()])
    }
}

/// redis-py's `parse_set_result`: the old value with GET, else True for OK and None when the
/// write did not happen.
fn set_result<'py>(py: Python<'py>, client: &Client, reply: Reply, resp3: bool, get: bool) -> PyResult<Bound<'py, PyAny>> {
    if get {
        return reply::to_value(py, reply, client.shape(resp3));
    }
    Ok(match reply {
        Reply::Null | Reply::NullArray => py.None().into_bound(py),
        other => PyBool::new(py, is_ok(&other)).to_owned().into_any(),
    })
}

fn is_ok(reply: &Reply) -> bool {
    matches!(reply, Reply::Simple(line) if line == "OK")
}
