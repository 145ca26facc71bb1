//! What `COMMAND DOCS` says of each command beyond its summary: the history of its changes, its
//! argument tree (redis-cli builds its hints from it) and whether it is deprecated. These are
//! facts about Redis 7.2's command interface, kept as data, sorted by full name (`client|kill`).
//! Commands not listed here have none of these.

use super::docs::{arg, CommandDoc, BLOCK, DOUBLE, INTEGER, KEY, ONEOF, PATTERN, PURE_TOKEN, STRING, UNIX_TIME};

pub(super) static DOCS: &[CommandDoc] = &[
    CommandDoc::new("acl|cat").args(&[
        arg("category", STRING).optional(),
    ]),
    CommandDoc::new("acl|deluser").args(&[
        arg("username", STRING).multiple(),
    ]),
    CommandDoc::new("acl|dryrun").args(&[
        arg("username", STRING),
        arg("command", STRING),
        arg("arg", STRING).optional().multiple(),
    ]),
    CommandDoc::new("acl|genpass").args(&[
        arg("bits", INTEGER).optional(),
    ]),
    CommandDoc::new("acl|getuser").history(&[("6.2.0", "Added Pub/Sub channel patterns."), ("7.0.0", "Added selectors and changed the format of key and channel patterns from a list to their rule representation.")]).args(&[
        arg("username", STRING),
    ]),
    CommandDoc::new("acl|log").history(&[("7.2.0", "Added entry ID, timestamp created, and timestamp last updated.")]).args(&[
        arg("operation", ONEOF).optional().args(&[
            arg("count", INTEGER),
            arg("reset", PURE_TOKEN).token("RESET"),
        ]),
    ]),
    CommandDoc::new("acl|setuser").history(&[("6.2.0", "Added Pub/Sub channel patterns."), ("7.0.0", "Added selectors and key based permissions.")]).args(&[
        arg("username", STRING),
        arg("rule", STRING).optional().multiple(),
    ]),
    CommandDoc::new("append").args(&[
        arg("key", KEY).key_spec(0),
        arg("value", STRING),
    ]),
    CommandDoc::new("auth").history(&[("6.0.0", "Added ACL style (username and password).")]).args(&[
        arg("username", STRING).since("6.0.0").optional(),
        arg("password", STRING),
    ]),
    CommandDoc::new("bgsave").history(&[("3.2.2", "Added the `SCHEDULE` option.")]).args(&[
        arg("schedule", PURE_TOKEN).token("SCHEDULE").since("3.2.2").optional(),
    ]),
    CommandDoc::new("bitcount").history(&[("7.0.0", "Added the `BYTE|BIT` option.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("range", BLOCK).optional().args(&[
            arg("start", INTEGER),
            arg("end", INTEGER),
            arg("unit", ONEOF).since("7.0.0").optional().args(&[
                arg("byte", PURE_TOKEN).token("BYTE"),
                arg("bit", PURE_TOKEN).token("BIT"),
            ]),
        ]),
    ]),
    CommandDoc::new("bitfield").args(&[
        arg("key", KEY).key_spec(0),
        arg("operation", ONEOF).optional().multiple().args(&[
            arg("get-block", BLOCK).token("GET").args(&[
                arg("encoding", STRING),
                arg("offset", INTEGER),
            ]),
            arg("write", BLOCK).args(&[
                arg("overflow-block", ONEOF).token("OVERFLOW").optional().args(&[
                    arg("wrap", PURE_TOKEN).token("WRAP"),
                    arg("sat", PURE_TOKEN).token("SAT"),
                    arg("fail", PURE_TOKEN).token("FAIL"),
                ]),
                arg("write-operation", ONEOF).args(&[
                    arg("set-block", BLOCK).token("SET").args(&[
                        arg("encoding", STRING),
                        arg("offset", INTEGER),
                        arg("value", INTEGER),
                    ]),
                    arg("incrby-block", BLOCK).token("INCRBY").args(&[
                        arg("encoding", STRING),
                        arg("offset", INTEGER),
                        arg("increment", INTEGER),
                    ]),
                ]),
            ]),
        ]),
    ]),
    CommandDoc::new("bitfield_ro").args(&[
        arg("key", KEY).key_spec(0),
        arg("get-block", BLOCK).token("GET").optional().multiple().multiple_token().args(&[
            arg("encoding", STRING),
            arg("offset", INTEGER),
        ]),
    ]),
    CommandDoc::new("bitop").args(&[
        arg("operation", ONEOF).args(&[
            arg("and", PURE_TOKEN).token("AND"),
            arg("or", PURE_TOKEN).token("OR"),
            arg("xor", PURE_TOKEN).token("XOR"),
            arg("not", PURE_TOKEN).token("NOT"),
        ]),
        arg("destkey", KEY).key_spec(0),
        arg("key", KEY).key_spec(1).multiple(),
    ]),
    CommandDoc::new("bitpos").history(&[("7.0.0", "Added the `BYTE|BIT` option.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("bit", INTEGER),
        arg("range", BLOCK).optional().args(&[
            arg("start", INTEGER),
            arg("end-unit-block", BLOCK).optional().args(&[
                arg("end", INTEGER),
                arg("unit", ONEOF).since("7.0.0").optional().args(&[
                    arg("byte", PURE_TOKEN).token("BYTE"),
                    arg("bit", PURE_TOKEN).token("BIT"),
                ]),
            ]),
        ]),
    ]),
    CommandDoc::new("blmove").args(&[
        arg("source", KEY).key_spec(0),
        arg("destination", KEY).key_spec(1),
        arg("wherefrom", ONEOF).args(&[
            arg("left", PURE_TOKEN).token("LEFT"),
            arg("right", PURE_TOKEN).token("RIGHT"),
        ]),
        arg("whereto", ONEOF).args(&[
            arg("left", PURE_TOKEN).token("LEFT"),
            arg("right", PURE_TOKEN).token("RIGHT"),
        ]),
        arg("timeout", DOUBLE),
    ]),
    CommandDoc::new("blmpop").args(&[
        arg("timeout", DOUBLE),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).multiple(),
        arg("where", ONEOF).args(&[
            arg("left", PURE_TOKEN).token("LEFT"),
            arg("right", PURE_TOKEN).token("RIGHT"),
        ]),
        arg("count", INTEGER).token("COUNT").optional(),
    ]),
    CommandDoc::new("blpop").history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")]).args(&[
        arg("key", KEY).key_spec(0).multiple(),
        arg("timeout", DOUBLE),
    ]),
    CommandDoc::new("brpop").history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")]).args(&[
        arg("key", KEY).key_spec(0).multiple(),
        arg("timeout", DOUBLE),
    ]),
    CommandDoc::new("brpoplpush").deprecated().deprecated_since("6.2.0").replaced_by("`BLMOVE` with the `RIGHT` and `LEFT` arguments").history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")]).args(&[
        arg("source", KEY).key_spec(0),
        arg("destination", KEY).key_spec(1),
        arg("timeout", DOUBLE),
    ]),
    CommandDoc::new("bzmpop").args(&[
        arg("timeout", DOUBLE),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).multiple(),
        arg("where", ONEOF).args(&[
            arg("min", PURE_TOKEN).token("MIN"),
            arg("max", PURE_TOKEN).token("MAX"),
        ]),
        arg("count", INTEGER).token("COUNT").optional(),
    ]),
    CommandDoc::new("bzpopmax").history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")]).args(&[
        arg("key", KEY).key_spec(0).multiple(),
        arg("timeout", DOUBLE),
    ]),
    CommandDoc::new("bzpopmin").history(&[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")]).args(&[
        arg("key", KEY).key_spec(0).multiple(),
        arg("timeout", DOUBLE),
    ]),
    CommandDoc::new("client|caching").args(&[
        arg("mode", ONEOF).args(&[
            arg("yes", PURE_TOKEN).token("YES"),
            arg("no", PURE_TOKEN).token("NO"),
        ]),
    ]),
    CommandDoc::new("client|kill").history(&[("2.8.12", "Added new filter format."), ("2.8.12", "`ID` option."), ("3.2.0", "Added `master` type in for `TYPE` option."), ("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."), ("6.2.0", "`LADDR` option.")]).args(&[
        arg("filter", ONEOF).args(&[
            arg("old-format", STRING).display("ip:port").deprecated_since("2.8.12"),
            arg("new-format", ONEOF).multiple().args(&[
                arg("client-id", INTEGER).token("ID").since("2.8.12").optional(),
                arg("client-type", ONEOF).token("TYPE").since("2.8.12").optional().args(&[
                    arg("normal", PURE_TOKEN).token("normal"),
                    arg("master", PURE_TOKEN).token("master").since("3.2.0"),
                    arg("slave", PURE_TOKEN).token("slave"),
                    arg("replica", PURE_TOKEN).token("replica").since("5.0.0"),
                    arg("pubsub", PURE_TOKEN).token("pubsub"),
                ]),
                arg("username", STRING).token("USER").optional(),
                arg("addr", STRING).display("ip:port").token("ADDR").optional(),
                arg("laddr", STRING).display("ip:port").token("LADDR").since("6.2.0").optional(),
                arg("skipme", ONEOF).token("SKIPME").optional().args(&[
                    arg("yes", PURE_TOKEN).token("YES"),
                    arg("no", PURE_TOKEN).token("NO"),
                ]),
            ]),
        ]),
    ]),
    CommandDoc::new("client|list").history(&[("2.8.12", "Added unique client `id` field."), ("5.0.0", "Added optional `TYPE` filter."), ("6.0.0", "Added `user` field."), ("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."), ("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."), ("7.0.3", "Added `ssub` field.")]).args(&[
        arg("client-type", ONEOF).token("TYPE").since("5.0.0").optional().args(&[
            arg("normal", PURE_TOKEN).token("normal"),
            arg("master", PURE_TOKEN).token("master"),
            arg("replica", PURE_TOKEN).token("replica"),
            arg("pubsub", PURE_TOKEN).token("pubsub"),
        ]),
        arg("client-id", INTEGER).token("ID").since("6.2.0").optional().multiple(),
    ]),
    CommandDoc::new("client|no-evict").args(&[
        arg("enabled", ONEOF).args(&[
            arg("on", PURE_TOKEN).token("ON"),
            arg("off", PURE_TOKEN).token("OFF"),
        ]),
    ]),
    CommandDoc::new("client|no-touch").args(&[
        arg("enabled", ONEOF).args(&[
            arg("on", PURE_TOKEN).token("ON"),
            arg("off", PURE_TOKEN).token("OFF"),
        ]),
    ]),
    CommandDoc::new("client|pause").history(&[("6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option.")]).args(&[
        arg("timeout", INTEGER),
        arg("mode", ONEOF).since("6.2.0").optional().args(&[
            arg("write", PURE_TOKEN).token("WRITE"),
            arg("all", PURE_TOKEN).token("ALL"),
        ]),
    ]),
    CommandDoc::new("client|reply").args(&[
        arg("action", ONEOF).args(&[
            arg("on", PURE_TOKEN).token("ON"),
            arg("off", PURE_TOKEN).token("OFF"),
            arg("skip", PURE_TOKEN).token("SKIP"),
        ]),
    ]),
    CommandDoc::new("client|setinfo").args(&[
        arg("attr", ONEOF).args(&[
            arg("libname", STRING).token("lib-name"),
            arg("libver", STRING).token("lib-ver"),
        ]),
    ]),
    CommandDoc::new("client|setname").args(&[
        arg("connection-name", STRING),
    ]),
    CommandDoc::new("client|tracking").args(&[
        arg("status", ONEOF).args(&[
            arg("on", PURE_TOKEN).token("ON"),
            arg("off", PURE_TOKEN).token("OFF"),
        ]),
        arg("client-id", INTEGER).token("REDIRECT").optional(),
        arg("prefix", STRING).token("PREFIX").optional().multiple().multiple_token(),
        arg("BCAST", PURE_TOKEN).token("BCAST").optional(),
        arg("OPTIN", PURE_TOKEN).token("OPTIN").optional(),
        arg("OPTOUT", PURE_TOKEN).token("OPTOUT").optional(),
        arg("NOLOOP", PURE_TOKEN).token("NOLOOP").optional(),
    ]),
    CommandDoc::new("client|unblock").args(&[
        arg("client-id", INTEGER),
        arg("unblock-type", ONEOF).optional().args(&[
            arg("timeout", PURE_TOKEN).token("TIMEOUT"),
            arg("error", PURE_TOKEN).token("ERROR"),
        ]),
    ]),
    CommandDoc::new("command|docs").args(&[
        arg("command-name", STRING).optional().multiple(),
    ]),
    CommandDoc::new("command|getkeys").args(&[
        arg("command", STRING),
        arg("arg", STRING).optional().multiple(),
    ]),
    CommandDoc::new("command|getkeysandflags").args(&[
        arg("command", STRING),
        arg("arg", STRING).optional().multiple(),
    ]),
    CommandDoc::new("command|info").history(&[("7.0.0", "Allowed to be called with no argument to get info on all commands.")]).args(&[
        arg("command-name", STRING).optional().multiple(),
    ]),
    CommandDoc::new("command|list").args(&[
        arg("filterby", ONEOF).token("FILTERBY").optional().args(&[
            arg("module-name", STRING).token("MODULE"),
            arg("category", STRING).token("ACLCAT"),
            arg("pattern", PATTERN).token("PATTERN"),
        ]),
    ]),
    CommandDoc::new("config|get").history(&[("7.0.0", "Added the ability to pass multiple pattern parameters in one call")]).args(&[
        arg("parameter", STRING).multiple(),
    ]),
    CommandDoc::new("config|set").history(&[("7.0.0", "Added the ability to set multiple parameters in one call.")]).args(&[
        arg("data", BLOCK).multiple().args(&[
            arg("parameter", STRING),
            arg("value", STRING),
        ]),
    ]),
    CommandDoc::new("copy").args(&[
        arg("source", KEY).key_spec(0),
        arg("destination", KEY).key_spec(1),
        arg("destination-db", INTEGER).token("DB").optional(),
        arg("replace", PURE_TOKEN).token("REPLACE").optional(),
    ]),
    CommandDoc::new("debug").syscmd(),
    CommandDoc::new("decr").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("decrby").args(&[
        arg("key", KEY).key_spec(0),
        arg("decrement", INTEGER),
    ]),
    CommandDoc::new("del").args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("dump").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("echo").args(&[
        arg("message", STRING),
    ]),
    CommandDoc::new("eval").args(&[
        arg("script", STRING),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).optional().multiple(),
        arg("arg", STRING).optional().multiple(),
    ]),
    CommandDoc::new("eval_ro").args(&[
        arg("script", STRING),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).optional().multiple(),
        arg("arg", STRING).optional().multiple(),
    ]),
    CommandDoc::new("evalsha").args(&[
        arg("sha1", STRING),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).optional().multiple(),
        arg("arg", STRING).optional().multiple(),
    ]),
    CommandDoc::new("evalsha_ro").args(&[
        arg("sha1", STRING),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).optional().multiple(),
        arg("arg", STRING).optional().multiple(),
    ]),
    CommandDoc::new("exists").history(&[("3.0.3", "Accepts multiple `key` arguments.")]).args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("expire").history(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("seconds", INTEGER),
        arg("condition", ONEOF).since("7.0.0").optional().args(&[
            arg("nx", PURE_TOKEN).token("NX"),
            arg("xx", PURE_TOKEN).token("XX"),
            arg("gt", PURE_TOKEN).token("GT"),
            arg("lt", PURE_TOKEN).token("LT"),
        ]),
    ]),
    CommandDoc::new("expireat").history(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("unix-time-seconds", UNIX_TIME),
        arg("condition", ONEOF).since("7.0.0").optional().args(&[
            arg("nx", PURE_TOKEN).token("NX"),
            arg("xx", PURE_TOKEN).token("XX"),
            arg("gt", PURE_TOKEN).token("GT"),
            arg("lt", PURE_TOKEN).token("LT"),
        ]),
    ]),
    CommandDoc::new("expiretime").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("fcall").args(&[
        arg("function", STRING),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).optional().multiple(),
        arg("arg", STRING).optional().multiple(),
    ]),
    CommandDoc::new("fcall_ro").args(&[
        arg("function", STRING),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).optional().multiple(),
        arg("arg", STRING).optional().multiple(),
    ]),
    CommandDoc::new("flushall").history(&[("4.0.0", "Added the `ASYNC` flushing mode modifier."), ("6.2.0", "Added the `SYNC` flushing mode modifier.")]).args(&[
        arg("flush-type", ONEOF).optional().args(&[
            arg("async", PURE_TOKEN).token("ASYNC").since("4.0.0"),
            arg("sync", PURE_TOKEN).token("SYNC").since("6.2.0"),
        ]),
    ]),
    CommandDoc::new("flushdb").history(&[("4.0.0", "Added the `ASYNC` flushing mode modifier."), ("6.2.0", "Added the `SYNC` flushing mode modifier.")]).args(&[
        arg("flush-type", ONEOF).optional().args(&[
            arg("async", PURE_TOKEN).token("ASYNC").since("4.0.0"),
            arg("sync", PURE_TOKEN).token("SYNC").since("6.2.0"),
        ]),
    ]),
    CommandDoc::new("function|delete").args(&[
        arg("library-name", STRING),
    ]),
    CommandDoc::new("function|flush").args(&[
        arg("flush-type", ONEOF).optional().args(&[
            arg("async", PURE_TOKEN).token("ASYNC"),
            arg("sync", PURE_TOKEN).token("SYNC"),
        ]),
    ]),
    CommandDoc::new("function|list").args(&[
        arg("library-name-pattern", STRING).token("LIBRARYNAME").optional(),
        arg("withcode", PURE_TOKEN).token("WITHCODE").optional(),
    ]),
    CommandDoc::new("function|load").args(&[
        arg("replace", PURE_TOKEN).token("REPLACE").optional(),
        arg("function-code", STRING),
    ]),
    CommandDoc::new("function|restore").args(&[
        arg("serialized-value", STRING),
        arg("policy", ONEOF).optional().args(&[
            arg("flush", PURE_TOKEN).token("FLUSH"),
            arg("append", PURE_TOKEN).token("APPEND"),
            arg("replace", PURE_TOKEN).token("REPLACE"),
        ]),
    ]),
    CommandDoc::new("geoadd").history(&[("6.2.0", "Added the `CH`, `NX` and `XX` options.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("condition", ONEOF).since("6.2.0").optional().args(&[
            arg("nx", PURE_TOKEN).token("NX"),
            arg("xx", PURE_TOKEN).token("XX"),
        ]),
        arg("change", PURE_TOKEN).token("CH").since("6.2.0").optional(),
        arg("data", BLOCK).multiple().args(&[
            arg("longitude", DOUBLE),
            arg("latitude", DOUBLE),
            arg("member", STRING),
        ]),
    ]),
    CommandDoc::new("geodist").args(&[
        arg("key", KEY).key_spec(0),
        arg("member1", STRING),
        arg("member2", STRING),
        arg("unit", ONEOF).optional().args(&[
            arg("m", PURE_TOKEN).token("m"),
            arg("km", PURE_TOKEN).token("km"),
            arg("ft", PURE_TOKEN).token("ft"),
            arg("mi", PURE_TOKEN).token("mi"),
        ]),
    ]),
    CommandDoc::new("geohash").args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING).optional().multiple(),
    ]),
    CommandDoc::new("geopos").args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING).optional().multiple(),
    ]),
    CommandDoc::new("georadius").deprecated().deprecated_since("6.2.0").replaced_by("`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument").history(&[("6.2.0", "Added the `ANY` option for `COUNT`."), ("7.0.0", "Added support for uppercase unit names.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("longitude", DOUBLE),
        arg("latitude", DOUBLE),
        arg("radius", DOUBLE),
        arg("unit", ONEOF).args(&[
            arg("m", PURE_TOKEN).token("m"),
            arg("km", PURE_TOKEN).token("km"),
            arg("ft", PURE_TOKEN).token("ft"),
            arg("mi", PURE_TOKEN).token("mi"),
        ]),
        arg("withcoord", PURE_TOKEN).token("WITHCOORD").optional(),
        arg("withdist", PURE_TOKEN).token("WITHDIST").optional(),
        arg("withhash", PURE_TOKEN).token("WITHHASH").optional(),
        arg("count-block", BLOCK).optional().args(&[
            arg("count", INTEGER).token("COUNT"),
            arg("any", PURE_TOKEN).token("ANY").since("6.2.0").optional(),
        ]),
        arg("order", ONEOF).optional().args(&[
            arg("asc", PURE_TOKEN).token("ASC"),
            arg("desc", PURE_TOKEN).token("DESC"),
        ]),
        arg("store", ONEOF).optional().args(&[
            arg("storekey", KEY).display("key").key_spec(1).token("STORE"),
            arg("storedistkey", KEY).display("key").key_spec(2).token("STOREDIST"),
        ]),
    ]),
    CommandDoc::new("georadius_ro").deprecated().deprecated_since("6.2.0").replaced_by("`GEOSEARCH` with the `BYRADIUS` argument").history(&[("6.2.0", "Added the `ANY` option for `COUNT`.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("longitude", DOUBLE),
        arg("latitude", DOUBLE),
        arg("radius", DOUBLE),
        arg("unit", ONEOF).args(&[
            arg("m", PURE_TOKEN).token("m"),
            arg("km", PURE_TOKEN).token("km"),
            arg("ft", PURE_TOKEN).token("ft"),
            arg("mi", PURE_TOKEN).token("mi"),
        ]),
        arg("withcoord", PURE_TOKEN).token("WITHCOORD").optional(),
        arg("withdist", PURE_TOKEN).token("WITHDIST").optional(),
        arg("withhash", PURE_TOKEN).token("WITHHASH").optional(),
        arg("count-block", BLOCK).optional().args(&[
            arg("count", INTEGER).token("COUNT"),
            arg("any", PURE_TOKEN).token("ANY").since("6.2.0").optional(),
        ]),
        arg("order", ONEOF).optional().args(&[
            arg("asc", PURE_TOKEN).token("ASC"),
            arg("desc", PURE_TOKEN).token("DESC"),
        ]),
    ]),
    CommandDoc::new("georadiusbymember").deprecated().deprecated_since("6.2.0").replaced_by("`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments").history(&[("7.0.0", "Added support for uppercase unit names.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING),
        arg("radius", DOUBLE),
        arg("unit", ONEOF).args(&[
            arg("m", PURE_TOKEN).token("m"),
            arg("km", PURE_TOKEN).token("km"),
            arg("ft", PURE_TOKEN).token("ft"),
            arg("mi", PURE_TOKEN).token("mi"),
        ]),
        arg("withcoord", PURE_TOKEN).token("WITHCOORD").optional(),
        arg("withdist", PURE_TOKEN).token("WITHDIST").optional(),
        arg("withhash", PURE_TOKEN).token("WITHHASH").optional(),
        arg("count-block", BLOCK).optional().args(&[
            arg("count", INTEGER).token("COUNT"),
            arg("any", PURE_TOKEN).token("ANY").optional(),
        ]),
        arg("order", ONEOF).optional().args(&[
            arg("asc", PURE_TOKEN).token("ASC"),
            arg("desc", PURE_TOKEN).token("DESC"),
        ]),
        arg("store", ONEOF).optional().args(&[
            arg("storekey", KEY).display("key").key_spec(1).token("STORE"),
            arg("storedistkey", KEY).display("key").key_spec(2).token("STOREDIST"),
        ]),
    ]),
    CommandDoc::new("georadiusbymember_ro").deprecated().deprecated_since("6.2.0").replaced_by("`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments").args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING),
        arg("radius", DOUBLE),
        arg("unit", ONEOF).args(&[
            arg("m", PURE_TOKEN).token("m"),
            arg("km", PURE_TOKEN).token("km"),
            arg("ft", PURE_TOKEN).token("ft"),
            arg("mi", PURE_TOKEN).token("mi"),
        ]),
        arg("withcoord", PURE_TOKEN).token("WITHCOORD").optional(),
        arg("withdist", PURE_TOKEN).token("WITHDIST").optional(),
        arg("withhash", PURE_TOKEN).token("WITHHASH").optional(),
        arg("count-block", BLOCK).optional().args(&[
            arg("count", INTEGER).token("COUNT"),
            arg("any", PURE_TOKEN).token("ANY").optional(),
        ]),
        arg("order", ONEOF).optional().args(&[
            arg("asc", PURE_TOKEN).token("ASC"),
            arg("desc", PURE_TOKEN).token("DESC"),
        ]),
    ]),
    CommandDoc::new("geosearch").history(&[("7.0.0", "Added support for uppercase unit names.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("from", ONEOF).args(&[
            arg("member", STRING).token("FROMMEMBER"),
            arg("fromlonlat", BLOCK).token("FROMLONLAT").args(&[
                arg("longitude", DOUBLE),
                arg("latitude", DOUBLE),
            ]),
        ]),
        arg("by", ONEOF).args(&[
            arg("circle", BLOCK).args(&[
                arg("radius", DOUBLE).token("BYRADIUS"),
                arg("unit", ONEOF).args(&[
                    arg("m", PURE_TOKEN).token("m"),
                    arg("km", PURE_TOKEN).token("km"),
                    arg("ft", PURE_TOKEN).token("ft"),
                    arg("mi", PURE_TOKEN).token("mi"),
                ]),
            ]),
            arg("box", BLOCK).args(&[
                arg("width", DOUBLE).token("BYBOX"),
                arg("height", DOUBLE),
                arg("unit", ONEOF).args(&[
                    arg("m", PURE_TOKEN).token("m"),
                    arg("km", PURE_TOKEN).token("km"),
                    arg("ft", PURE_TOKEN).token("ft"),
                    arg("mi", PURE_TOKEN).token("mi"),
                ]),
            ]),
        ]),
        arg("order", ONEOF).optional().args(&[
            arg("asc", PURE_TOKEN).token("ASC"),
            arg("desc", PURE_TOKEN).token("DESC"),
        ]),
        arg("count-block", BLOCK).optional().args(&[
            arg("count", INTEGER).token("COUNT"),
            arg("any", PURE_TOKEN).token("ANY").optional(),
        ]),
        arg("withcoord", PURE_TOKEN).token("WITHCOORD").optional(),
        arg("withdist", PURE_TOKEN).token("WITHDIST").optional(),
        arg("withhash", PURE_TOKEN).token("WITHHASH").optional(),
    ]),
    CommandDoc::new("geosearchstore").history(&[("7.0.0", "Added support for uppercase unit names.")]).args(&[
        arg("destination", KEY).key_spec(0),
        arg("source", KEY).key_spec(1),
        arg("from", ONEOF).args(&[
            arg("member", STRING).token("FROMMEMBER"),
            arg("fromlonlat", BLOCK).token("FROMLONLAT").args(&[
                arg("longitude", DOUBLE),
                arg("latitude", DOUBLE),
            ]),
        ]),
        arg("by", ONEOF).args(&[
            arg("circle", BLOCK).args(&[
                arg("radius", DOUBLE).token("BYRADIUS"),
                arg("unit", ONEOF).args(&[
                    arg("m", PURE_TOKEN).token("m"),
                    arg("km", PURE_TOKEN).token("km"),
                    arg("ft", PURE_TOKEN).token("ft"),
                    arg("mi", PURE_TOKEN).token("mi"),
                ]),
            ]),
            arg("box", BLOCK).args(&[
                arg("width", DOUBLE).token("BYBOX"),
                arg("height", DOUBLE),
                arg("unit", ONEOF).args(&[
                    arg("m", PURE_TOKEN).token("m"),
                    arg("km", PURE_TOKEN).token("km"),
                    arg("ft", PURE_TOKEN).token("ft"),
                    arg("mi", PURE_TOKEN).token("mi"),
                ]),
            ]),
        ]),
        arg("order", ONEOF).optional().args(&[
            arg("asc", PURE_TOKEN).token("ASC"),
            arg("desc", PURE_TOKEN).token("DESC"),
        ]),
        arg("count-block", BLOCK).optional().args(&[
            arg("count", INTEGER).token("COUNT"),
            arg("any", PURE_TOKEN).token("ANY").optional(),
        ]),
        arg("storedist", PURE_TOKEN).token("STOREDIST").optional(),
    ]),
    CommandDoc::new("get").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("getbit").args(&[
        arg("key", KEY).key_spec(0),
        arg("offset", INTEGER),
    ]),
    CommandDoc::new("getdel").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("getex").args(&[
        arg("key", KEY).key_spec(0),
        arg("expiration", ONEOF).optional().args(&[
            arg("seconds", INTEGER).token("EX"),
            arg("milliseconds", INTEGER).token("PX"),
            arg("unix-time-seconds", UNIX_TIME).token("EXAT"),
            arg("unix-time-milliseconds", UNIX_TIME).token("PXAT"),
            arg("persist", PURE_TOKEN).token("PERSIST"),
        ]),
    ]),
    CommandDoc::new("getrange").args(&[
        arg("key", KEY).key_spec(0),
        arg("start", INTEGER),
        arg("end", INTEGER),
    ]),
    CommandDoc::new("getset").deprecated().deprecated_since("6.2.0").replaced_by("`SET` with the `!GET` argument").args(&[
        arg("key", KEY).key_spec(0),
        arg("value", STRING),
    ]),
    CommandDoc::new("hdel").history(&[("2.4.0", "Accepts multiple `field` arguments.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("field", STRING).multiple(),
    ]),
    CommandDoc::new("hello").history(&[("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context.")]).args(&[
        arg("arguments", BLOCK).optional().args(&[
            arg("protover", INTEGER),
            arg("auth", BLOCK).token("AUTH").optional().args(&[
                arg("username", STRING),
                arg("password", STRING),
            ]),
            arg("clientname", STRING).token("SETNAME").optional(),
        ]),
    ]),
    CommandDoc::new("hexists").args(&[
        arg("key", KEY).key_spec(0),
        arg("field", STRING),
    ]),
    CommandDoc::new("hget").args(&[
        arg("key", KEY).key_spec(0),
        arg("field", STRING),
    ]),
    CommandDoc::new("hgetall").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("hincrby").args(&[
        arg("key", KEY).key_spec(0),
        arg("field", STRING),
        arg("increment", INTEGER),
    ]),
    CommandDoc::new("hincrbyfloat").args(&[
        arg("key", KEY).key_spec(0),
        arg("field", STRING),
        arg("increment", DOUBLE),
    ]),
    CommandDoc::new("hkeys").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("hlen").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("hmget").args(&[
        arg("key", KEY).key_spec(0),
        arg("field", STRING).multiple(),
    ]),
    CommandDoc::new("hmset").deprecated().deprecated_since("4.0.0").replaced_by("`HSET` with multiple field-value pairs").args(&[
        arg("key", KEY).key_spec(0),
        arg("data", BLOCK).multiple().args(&[
            arg("field", STRING),
            arg("value", STRING),
        ]),
    ]),
    CommandDoc::new("hrandfield").args(&[
        arg("key", KEY).key_spec(0),
        arg("options", BLOCK).optional().args(&[
            arg("count", INTEGER),
            arg("withvalues", PURE_TOKEN).token("WITHVALUES").optional(),
        ]),
    ]),
    CommandDoc::new("hscan").args(&[
        arg("key", KEY).key_spec(0),
        arg("cursor", INTEGER),
        arg("pattern", PATTERN).token("MATCH").optional(),
        arg("count", INTEGER).token("COUNT").optional(),
    ]),
    CommandDoc::new("hset").history(&[("4.0.0", "Accepts multiple `field` and `value` arguments.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("data", BLOCK).multiple().args(&[
            arg("field", STRING),
            arg("value", STRING),
        ]),
    ]),
    CommandDoc::new("hsetnx").args(&[
        arg("key", KEY).key_spec(0),
        arg("field", STRING),
        arg("value", STRING),
    ]),
    CommandDoc::new("hstrlen").args(&[
        arg("key", KEY).key_spec(0),
        arg("field", STRING),
    ]),
    CommandDoc::new("hvals").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("incr").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("incrby").args(&[
        arg("key", KEY).key_spec(0),
        arg("increment", INTEGER),
    ]),
    CommandDoc::new("incrbyfloat").args(&[
        arg("key", KEY).key_spec(0),
        arg("increment", DOUBLE),
    ]),
    CommandDoc::new("info").history(&[("7.0.0", "Added support for taking multiple section arguments.")]).args(&[
        arg("section", STRING).optional().multiple(),
    ]),
    CommandDoc::new("keys").args(&[
        arg("pattern", PATTERN),
    ]),
    CommandDoc::new("latency|histogram").args(&[
        arg("COMMAND", STRING).optional().multiple(),
    ]),
    CommandDoc::new("latency|history").args(&[
        arg("event", STRING),
    ]),
    CommandDoc::new("latency|reset").args(&[
        arg("event", STRING).optional().multiple(),
    ]),
    CommandDoc::new("lcs").args(&[
        arg("key1", KEY).key_spec(0),
        arg("key2", KEY).key_spec(0),
        arg("len", PURE_TOKEN).token("LEN").optional(),
        arg("idx", PURE_TOKEN).token("IDX").optional(),
        arg("min-match-len", INTEGER).token("MINMATCHLEN").optional(),
        arg("withmatchlen", PURE_TOKEN).token("WITHMATCHLEN").optional(),
    ]),
    CommandDoc::new("lindex").args(&[
        arg("key", KEY).key_spec(0),
        arg("index", INTEGER),
    ]),
    CommandDoc::new("linsert").args(&[
        arg("key", KEY).key_spec(0),
        arg("where", ONEOF).args(&[
            arg("before", PURE_TOKEN).token("BEFORE"),
            arg("after", PURE_TOKEN).token("AFTER"),
        ]),
        arg("pivot", STRING),
        arg("element", STRING),
    ]),
    CommandDoc::new("llen").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("lmove").args(&[
        arg("source", KEY).key_spec(0),
        arg("destination", KEY).key_spec(1),
        arg("wherefrom", ONEOF).args(&[
            arg("left", PURE_TOKEN).token("LEFT"),
            arg("right", PURE_TOKEN).token("RIGHT"),
        ]),
        arg("whereto", ONEOF).args(&[
            arg("left", PURE_TOKEN).token("LEFT"),
            arg("right", PURE_TOKEN).token("RIGHT"),
        ]),
    ]),
    CommandDoc::new("lmpop").args(&[
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).multiple(),
        arg("where", ONEOF).args(&[
            arg("left", PURE_TOKEN).token("LEFT"),
            arg("right", PURE_TOKEN).token("RIGHT"),
        ]),
        arg("count", INTEGER).token("COUNT").optional(),
    ]),
    CommandDoc::new("lpop").history(&[("6.2.0", "Added the `count` argument.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("count", INTEGER).since("6.2.0").optional(),
    ]),
    CommandDoc::new("lpos").args(&[
        arg("key", KEY).key_spec(0),
        arg("element", STRING),
        arg("rank", INTEGER).token("RANK").optional(),
        arg("num-matches", INTEGER).token("COUNT").optional(),
        arg("len", INTEGER).token("MAXLEN").optional(),
    ]),
    CommandDoc::new("lpush").history(&[("2.4.0", "Accepts multiple `element` arguments.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("element", STRING).multiple(),
    ]),
    CommandDoc::new("lpushx").history(&[("4.0.0", "Accepts multiple `element` arguments.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("element", STRING).multiple(),
    ]),
    CommandDoc::new("lrange").args(&[
        arg("key", KEY).key_spec(0),
        arg("start", INTEGER),
        arg("stop", INTEGER),
    ]),
    CommandDoc::new("lrem").args(&[
        arg("key", KEY).key_spec(0),
        arg("count", INTEGER),
        arg("element", STRING),
    ]),
    CommandDoc::new("lset").args(&[
        arg("key", KEY).key_spec(0),
        arg("index", INTEGER),
        arg("element", STRING),
    ]),
    CommandDoc::new("ltrim").args(&[
        arg("key", KEY).key_spec(0),
        arg("start", INTEGER),
        arg("stop", INTEGER),
    ]),
    CommandDoc::new("memory|usage").args(&[
        arg("key", KEY).key_spec(0),
        arg("count", INTEGER).token("SAMPLES").optional(),
    ]),
    CommandDoc::new("mget").args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("move").args(&[
        arg("key", KEY).key_spec(0),
        arg("db", INTEGER),
    ]),
    CommandDoc::new("mset").args(&[
        arg("data", BLOCK).multiple().args(&[
            arg("key", KEY).key_spec(0),
            arg("value", STRING),
        ]),
    ]),
    CommandDoc::new("msetnx").args(&[
        arg("data", BLOCK).multiple().args(&[
            arg("key", KEY).key_spec(0),
            arg("value", STRING),
        ]),
    ]),
    CommandDoc::new("object|encoding").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("object|freq").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("object|idletime").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("object|refcount").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("persist").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("pexpire").history(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("milliseconds", INTEGER),
        arg("condition", ONEOF).since("7.0.0").optional().args(&[
            arg("nx", PURE_TOKEN).token("NX"),
            arg("xx", PURE_TOKEN).token("XX"),
            arg("gt", PURE_TOKEN).token("GT"),
            arg("lt", PURE_TOKEN).token("LT"),
        ]),
    ]),
    CommandDoc::new("pexpireat").history(&[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("unix-time-milliseconds", UNIX_TIME),
        arg("condition", ONEOF).since("7.0.0").optional().args(&[
            arg("nx", PURE_TOKEN).token("NX"),
            arg("xx", PURE_TOKEN).token("XX"),
            arg("gt", PURE_TOKEN).token("GT"),
            arg("lt", PURE_TOKEN).token("LT"),
        ]),
    ]),
    CommandDoc::new("pexpiretime").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("pfadd").args(&[
        arg("key", KEY).key_spec(0),
        arg("element", STRING).optional().multiple(),
    ]),
    CommandDoc::new("pfcount").args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("pfdebug").syscmd().args(&[
        arg("subcommand", STRING),
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("pfmerge").args(&[
        arg("destkey", KEY).key_spec(0),
        arg("sourcekey", KEY).key_spec(1).optional().multiple(),
    ]),
    CommandDoc::new("pfselftest").syscmd(),
    CommandDoc::new("ping").args(&[
        arg("message", STRING).optional(),
    ]),
    CommandDoc::new("psetex").deprecated().deprecated_since("2.6.12").replaced_by("`SET` with the `PX` argument").args(&[
        arg("key", KEY).key_spec(0),
        arg("milliseconds", INTEGER),
        arg("value", STRING),
    ]),
    CommandDoc::new("psubscribe").args(&[
        arg("pattern", PATTERN).multiple(),
    ]),
    CommandDoc::new("pttl").history(&[("2.8.0", "Added the -2 reply.")]).args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("publish").args(&[
        arg("channel", STRING),
        arg("message", STRING),
    ]),
    CommandDoc::new("pubsub|channels").args(&[
        arg("pattern", PATTERN).optional(),
    ]),
    CommandDoc::new("pubsub|numsub").args(&[
        arg("channel", STRING).optional().multiple(),
    ]),
    CommandDoc::new("pubsub|shardchannels").args(&[
        arg("pattern", PATTERN).optional(),
    ]),
    CommandDoc::new("pubsub|shardnumsub").args(&[
        arg("shardchannel", STRING).optional().multiple(),
    ]),
    CommandDoc::new("punsubscribe").args(&[
        arg("pattern", PATTERN).optional().multiple(),
    ]),
    CommandDoc::new("quit").deprecated().deprecated_since("7.2.0").replaced_by("just closing the connection"),
    CommandDoc::new("rename").args(&[
        arg("key", KEY).key_spec(0),
        arg("newkey", KEY).key_spec(1),
    ]),
    CommandDoc::new("renamenx").history(&[("3.2.0", "The command no longer returns an error when source and destination names are the same.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("newkey", KEY).key_spec(1),
    ]),
    CommandDoc::new("restore").history(&[("3.0.0", "Added the `REPLACE` modifier."), ("5.0.0", "Added the `ABSTTL` modifier."), ("5.0.0", "Added the `IDLETIME` and `FREQ` options.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("ttl", INTEGER),
        arg("serialized-value", STRING),
        arg("replace", PURE_TOKEN).token("REPLACE").since("3.0.0").optional(),
        arg("absttl", PURE_TOKEN).token("ABSTTL").since("5.0.0").optional(),
        arg("seconds", INTEGER).token("IDLETIME").since("5.0.0").optional(),
        arg("frequency", INTEGER).token("FREQ").since("5.0.0").optional(),
    ]),
    CommandDoc::new("rpop").history(&[("6.2.0", "Added the `count` argument.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("count", INTEGER).since("6.2.0").optional(),
    ]),
    CommandDoc::new("rpoplpush").deprecated().deprecated_since("6.2.0").replaced_by("`LMOVE` with the `RIGHT` and `LEFT` arguments").args(&[
        arg("source", KEY).key_spec(0),
        arg("destination", KEY).key_spec(1),
    ]),
    CommandDoc::new("rpush").history(&[("2.4.0", "Accepts multiple `element` arguments.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("element", STRING).multiple(),
    ]),
    CommandDoc::new("rpushx").history(&[("4.0.0", "Accepts multiple `element` arguments.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("element", STRING).multiple(),
    ]),
    CommandDoc::new("sadd").history(&[("2.4.0", "Accepts multiple `member` arguments.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING).multiple(),
    ]),
    CommandDoc::new("scan").history(&[("6.0.0", "Added the `TYPE` subcommand.")]).args(&[
        arg("cursor", INTEGER),
        arg("pattern", PATTERN).token("MATCH").optional(),
        arg("count", INTEGER).token("COUNT").optional(),
        arg("type", STRING).token("TYPE").since("6.0.0").optional(),
    ]),
    CommandDoc::new("scard").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("script|debug").args(&[
        arg("mode", ONEOF).args(&[
            arg("yes", PURE_TOKEN).token("YES"),
            arg("sync", PURE_TOKEN).token("SYNC"),
            arg("no", PURE_TOKEN).token("NO"),
        ]),
    ]),
    CommandDoc::new("script|exists").args(&[
        arg("sha1", STRING).multiple(),
    ]),
    CommandDoc::new("script|flush").history(&[("6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers.")]).args(&[
        arg("flush-type", ONEOF).since("6.2.0").optional().args(&[
            arg("async", PURE_TOKEN).token("ASYNC"),
            arg("sync", PURE_TOKEN).token("SYNC"),
        ]),
    ]),
    CommandDoc::new("script|load").args(&[
        arg("script", STRING),
    ]),
    CommandDoc::new("sdiff").args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("sdiffstore").args(&[
        arg("destination", KEY).key_spec(0),
        arg("key", KEY).key_spec(1).multiple(),
    ]),
    CommandDoc::new("select").args(&[
        arg("index", INTEGER),
    ]),
    CommandDoc::new("set").history(&[("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."), ("6.0.0", "Added the `KEEPTTL` option."), ("6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."), ("7.0.0", "Allowed the `NX` and `GET` options to be used together.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("value", STRING),
        arg("condition", ONEOF).since("2.6.12").optional().args(&[
            arg("nx", PURE_TOKEN).token("NX"),
            arg("xx", PURE_TOKEN).token("XX"),
        ]),
        arg("get", PURE_TOKEN).token("GET").since("6.2.0").optional(),
        arg("expiration", ONEOF).optional().args(&[
            arg("seconds", INTEGER).token("EX").since("2.6.12"),
            arg("milliseconds", INTEGER).token("PX").since("2.6.12"),
            arg("unix-time-seconds", UNIX_TIME).token("EXAT").since("6.2.0"),
            arg("unix-time-milliseconds", UNIX_TIME).token("PXAT").since("6.2.0"),
            arg("keepttl", PURE_TOKEN).token("KEEPTTL").since("6.0.0"),
        ]),
    ]),
    CommandDoc::new("setbit").args(&[
        arg("key", KEY).key_spec(0),
        arg("offset", INTEGER),
        arg("value", INTEGER),
    ]),
    CommandDoc::new("setex").deprecated().deprecated_since("2.6.12").replaced_by("`SET` with the `EX` argument").args(&[
        arg("key", KEY).key_spec(0),
        arg("seconds", INTEGER),
        arg("value", STRING),
    ]),
    CommandDoc::new("setnx").deprecated().deprecated_since("2.6.12").replaced_by("`SET` with the `NX` argument").args(&[
        arg("key", KEY).key_spec(0),
        arg("value", STRING),
    ]),
    CommandDoc::new("setrange").args(&[
        arg("key", KEY).key_spec(0),
        arg("offset", INTEGER),
        arg("value", STRING),
    ]),
    CommandDoc::new("shutdown").history(&[("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.")]).args(&[
        arg("save-selector", ONEOF).optional().args(&[
            arg("nosave", PURE_TOKEN).token("NOSAVE"),
            arg("save", PURE_TOKEN).token("SAVE"),
        ]),
        arg("now", PURE_TOKEN).token("NOW").since("7.0.0").optional(),
        arg("force", PURE_TOKEN).token("FORCE").since("7.0.0").optional(),
        arg("abort", PURE_TOKEN).token("ABORT").since("7.0.0").optional(),
    ]),
    CommandDoc::new("sinter").args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("sintercard").args(&[
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).multiple(),
        arg("limit", INTEGER).token("LIMIT").optional(),
    ]),
    CommandDoc::new("sinterstore").args(&[
        arg("destination", KEY).key_spec(0),
        arg("key", KEY).key_spec(1).multiple(),
    ]),
    CommandDoc::new("sismember").args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING),
    ]),
    CommandDoc::new("slowlog|get").history(&[("4.0.0", "Added client IP address, port and name to the reply.")]).args(&[
        arg("count", INTEGER).optional(),
    ]),
    CommandDoc::new("smembers").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("smismember").args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING).multiple(),
    ]),
    CommandDoc::new("smove").args(&[
        arg("source", KEY).key_spec(0),
        arg("destination", KEY).key_spec(1),
        arg("member", STRING),
    ]),
    CommandDoc::new("sort").args(&[
        arg("key", KEY).key_spec(0),
        arg("by-pattern", PATTERN).display("pattern").key_spec(1).token("BY").optional(),
        arg("limit", BLOCK).token("LIMIT").optional().args(&[
            arg("offset", INTEGER),
            arg("count", INTEGER),
        ]),
        arg("get-pattern", PATTERN).display("pattern").key_spec(1).token("GET").optional().multiple().multiple_token(),
        arg("order", ONEOF).optional().args(&[
            arg("asc", PURE_TOKEN).token("ASC"),
            arg("desc", PURE_TOKEN).token("DESC"),
        ]),
        arg("sorting", PURE_TOKEN).token("ALPHA").optional(),
        arg("destination", KEY).key_spec(2).token("STORE").optional(),
    ]),
    CommandDoc::new("sort_ro").args(&[
        arg("key", KEY).key_spec(0),
        arg("by-pattern", PATTERN).display("pattern").key_spec(1).token("BY").optional(),
        arg("limit", BLOCK).token("LIMIT").optional().args(&[
            arg("offset", INTEGER),
            arg("count", INTEGER),
        ]),
        arg("get-pattern", PATTERN).display("pattern").key_spec(1).token("GET").optional().multiple().multiple_token(),
        arg("order", ONEOF).optional().args(&[
            arg("asc", PURE_TOKEN).token("ASC"),
            arg("desc", PURE_TOKEN).token("DESC"),
        ]),
        arg("sorting", PURE_TOKEN).token("ALPHA").optional(),
    ]),
    CommandDoc::new("spop").history(&[("3.2.0", "Added the `count` argument.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("count", INTEGER).since("3.2.0").optional(),
    ]),
    CommandDoc::new("spublish").args(&[
        arg("shardchannel", STRING),
        arg("message", STRING),
    ]),
    CommandDoc::new("srandmember").history(&[("2.6.0", "Added the optional `count` argument.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("count", INTEGER).since("2.6.0").optional(),
    ]),
    CommandDoc::new("srem").history(&[("2.4.0", "Accepts multiple `member` arguments.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING).multiple(),
    ]),
    CommandDoc::new("sscan").args(&[
        arg("key", KEY).key_spec(0),
        arg("cursor", INTEGER),
        arg("pattern", PATTERN).token("MATCH").optional(),
        arg("count", INTEGER).token("COUNT").optional(),
    ]),
    CommandDoc::new("ssubscribe").args(&[
        arg("shardchannel", STRING).multiple(),
    ]),
    CommandDoc::new("strlen").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("subscribe").args(&[
        arg("channel", STRING).multiple(),
    ]),
    CommandDoc::new("substr").deprecated().deprecated_since("2.0.0").replaced_by("`GETRANGE`").args(&[
        arg("key", KEY).key_spec(0),
        arg("start", INTEGER),
        arg("end", INTEGER),
    ]),
    CommandDoc::new("sunion").args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("sunionstore").args(&[
        arg("destination", KEY).key_spec(0),
        arg("key", KEY).key_spec(1).multiple(),
    ]),
    CommandDoc::new("sunsubscribe").args(&[
        arg("shardchannel", STRING).optional().multiple(),
    ]),
    CommandDoc::new("swapdb").args(&[
        arg("index1", INTEGER),
        arg("index2", INTEGER),
    ]),
    CommandDoc::new("touch").args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("ttl").history(&[("2.8.0", "Added the -2 reply.")]).args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("type").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("unlink").args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("unsubscribe").args(&[
        arg("channel", STRING).optional().multiple(),
    ]),
    CommandDoc::new("wait").args(&[
        arg("numreplicas", INTEGER),
        arg("timeout", INTEGER),
    ]),
    CommandDoc::new("watch").args(&[
        arg("key", KEY).key_spec(0).multiple(),
    ]),
    CommandDoc::new("xack").args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
        arg("ID", STRING).multiple(),
    ]),
    CommandDoc::new("xadd").history(&[("6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option."), ("7.0.0", "Added support for the `<ms>-*` explicit ID form.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("nomkstream", PURE_TOKEN).token("NOMKSTREAM").since("6.2.0").optional(),
        arg("trim", BLOCK).optional().args(&[
            arg("strategy", ONEOF).args(&[
                arg("maxlen", PURE_TOKEN).token("MAXLEN"),
                arg("minid", PURE_TOKEN).token("MINID").since("6.2.0"),
            ]),
            arg("operator", ONEOF).optional().args(&[
                arg("equal", PURE_TOKEN).token("="),
                arg("approximately", PURE_TOKEN).token("~"),
            ]),
            arg("threshold", STRING),
            arg("count", INTEGER).token("LIMIT").since("6.2.0").optional(),
        ]),
        arg("id-selector", ONEOF).args(&[
            arg("auto-id", PURE_TOKEN).token("*"),
            arg("id", STRING),
        ]),
        arg("data", BLOCK).multiple().args(&[
            arg("field", STRING),
            arg("value", STRING),
        ]),
    ]),
    CommandDoc::new("xautoclaim").history(&[("7.0.0", "Added an element to the reply array, containing deleted entries the command cleared from the PEL")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
        arg("consumer", STRING),
        arg("min-idle-time", STRING),
        arg("start", STRING),
        arg("count", INTEGER).token("COUNT").optional(),
        arg("justid", PURE_TOKEN).token("JUSTID").optional(),
    ]),
    CommandDoc::new("xclaim").args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
        arg("consumer", STRING),
        arg("min-idle-time", STRING),
        arg("ID", STRING).multiple(),
        arg("ms", INTEGER).token("IDLE").optional(),
        arg("unix-time-milliseconds", UNIX_TIME).token("TIME").optional(),
        arg("count", INTEGER).token("RETRYCOUNT").optional(),
        arg("force", PURE_TOKEN).token("FORCE").optional(),
        arg("justid", PURE_TOKEN).token("JUSTID").optional(),
        arg("lastid", STRING).token("LASTID").optional(),
    ]),
    CommandDoc::new("xdel").args(&[
        arg("key", KEY).key_spec(0),
        arg("ID", STRING).multiple(),
    ]),
    CommandDoc::new("xgroup|create").history(&[("7.0.0", "Added the `entries_read` named argument.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
        arg("id-selector", ONEOF).args(&[
            arg("id", STRING),
            arg("new-id", PURE_TOKEN).token("$"),
        ]),
        arg("mkstream", PURE_TOKEN).token("MKSTREAM").optional(),
        arg("entries-read", INTEGER).token("ENTRIESREAD").optional(),
    ]),
    CommandDoc::new("xgroup|createconsumer").args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
        arg("consumer", STRING),
    ]),
    CommandDoc::new("xgroup|delconsumer").args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
        arg("consumer", STRING),
    ]),
    CommandDoc::new("xgroup|destroy").args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
    ]),
    CommandDoc::new("xgroup|setid").history(&[("7.0.0", "Added the optional `entries_read` argument.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
        arg("id-selector", ONEOF).args(&[
            arg("id", STRING),
            arg("new-id", PURE_TOKEN).token("$"),
        ]),
        arg("entriesread", INTEGER).display("entries-read").token("ENTRIESREAD").optional(),
    ]),
    CommandDoc::new("xinfo|consumers").history(&[("7.2.0", "Added the `inactive` field.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
    ]),
    CommandDoc::new("xinfo|groups").history(&[("7.0.0", "Added the `entries-read` and `lag` fields")]).args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("xinfo|stream").history(&[("6.0.0", "Added the `FULL` modifier."), ("7.0.0", "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields"), ("7.2.0", "Added the `active-time` field, and changed the meaning of `seen-time`.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("full-block", BLOCK).optional().args(&[
            arg("full", PURE_TOKEN).token("FULL"),
            arg("count", INTEGER).token("COUNT").optional(),
        ]),
    ]),
    CommandDoc::new("xlen").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("xpending").history(&[("6.2.0", "Added the `IDLE` option and exclusive range intervals.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("group", STRING),
        arg("filters", BLOCK).optional().args(&[
            arg("min-idle-time", INTEGER).token("IDLE").since("6.2.0").optional(),
            arg("start", STRING),
            arg("end", STRING),
            arg("count", INTEGER),
            arg("consumer", STRING).optional(),
        ]),
    ]),
    CommandDoc::new("xrange").history(&[("6.2.0", "Added exclusive ranges.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("start", STRING),
        arg("end", STRING),
        arg("count", INTEGER).token("COUNT").optional(),
    ]),
    CommandDoc::new("xread").args(&[
        arg("count", INTEGER).token("COUNT").optional(),
        arg("milliseconds", INTEGER).token("BLOCK").optional(),
        arg("streams", BLOCK).token("STREAMS").args(&[
            arg("key", KEY).key_spec(0).multiple(),
            arg("ID", STRING).multiple(),
        ]),
    ]),
    CommandDoc::new("xreadgroup").args(&[
        arg("group-block", BLOCK).token("GROUP").args(&[
            arg("group", STRING),
            arg("consumer", STRING),
        ]),
        arg("count", INTEGER).token("COUNT").optional(),
        arg("milliseconds", INTEGER).token("BLOCK").optional(),
        arg("noack", PURE_TOKEN).token("NOACK").optional(),
        arg("streams", BLOCK).token("STREAMS").args(&[
            arg("key", KEY).key_spec(0).multiple(),
            arg("ID", STRING).multiple(),
        ]),
    ]),
    CommandDoc::new("xrevrange").history(&[("6.2.0", "Added exclusive ranges.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("end", STRING),
        arg("start", STRING),
        arg("count", INTEGER).token("COUNT").optional(),
    ]),
    CommandDoc::new("xsetid").history(&[("7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("last-id", STRING),
        arg("entries-added", INTEGER).token("ENTRIESADDED").since("7.0.0").optional(),
        arg("max-deleted-id", STRING).token("MAXDELETEDID").since("7.0.0").optional(),
    ]),
    CommandDoc::new("xtrim").history(&[("6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("trim", BLOCK).args(&[
            arg("strategy", ONEOF).args(&[
                arg("maxlen", PURE_TOKEN).token("MAXLEN"),
                arg("minid", PURE_TOKEN).token("MINID").since("6.2.0"),
            ]),
            arg("operator", ONEOF).optional().args(&[
                arg("equal", PURE_TOKEN).token("="),
                arg("approximately", PURE_TOKEN).token("~"),
            ]),
            arg("threshold", STRING),
            arg("count", INTEGER).token("LIMIT").since("6.2.0").optional(),
        ]),
    ]),
    CommandDoc::new("zadd").history(&[("2.4.0", "Accepts multiple elements."), ("3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."), ("6.2.0", "Added the `GT` and `LT` options.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("condition", ONEOF).since("3.0.2").optional().args(&[
            arg("nx", PURE_TOKEN).token("NX"),
            arg("xx", PURE_TOKEN).token("XX"),
        ]),
        arg("comparison", ONEOF).since("6.2.0").optional().args(&[
            arg("gt", PURE_TOKEN).token("GT"),
            arg("lt", PURE_TOKEN).token("LT"),
        ]),
        arg("change", PURE_TOKEN).token("CH").since("3.0.2").optional(),
        arg("increment", PURE_TOKEN).token("INCR").since("3.0.2").optional(),
        arg("data", BLOCK).multiple().args(&[
            arg("score", DOUBLE),
            arg("member", STRING),
        ]),
    ]),
    CommandDoc::new("zcard").args(&[
        arg("key", KEY).key_spec(0),
    ]),
    CommandDoc::new("zcount").args(&[
        arg("key", KEY).key_spec(0),
        arg("min", DOUBLE),
        arg("max", DOUBLE),
    ]),
    CommandDoc::new("zdiff").args(&[
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).multiple(),
        arg("withscores", PURE_TOKEN).token("WITHSCORES").optional(),
    ]),
    CommandDoc::new("zdiffstore").args(&[
        arg("destination", KEY).key_spec(0),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(1).multiple(),
    ]),
    CommandDoc::new("zincrby").args(&[
        arg("key", KEY).key_spec(0),
        arg("increment", INTEGER),
        arg("member", STRING),
    ]),
    CommandDoc::new("zinter").args(&[
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).multiple(),
        arg("weight", INTEGER).token("WEIGHTS").optional().multiple(),
        arg("aggregate", ONEOF).token("AGGREGATE").optional().args(&[
            arg("sum", PURE_TOKEN).token("SUM"),
            arg("min", PURE_TOKEN).token("MIN"),
            arg("max", PURE_TOKEN).token("MAX"),
        ]),
        arg("withscores", PURE_TOKEN).token("WITHSCORES").optional(),
    ]),
    CommandDoc::new("zintercard").args(&[
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).multiple(),
        arg("limit", INTEGER).token("LIMIT").optional(),
    ]),
    CommandDoc::new("zinterstore").args(&[
        arg("destination", KEY).key_spec(0),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(1).multiple(),
        arg("weight", INTEGER).token("WEIGHTS").optional().multiple(),
        arg("aggregate", ONEOF).token("AGGREGATE").optional().args(&[
            arg("sum", PURE_TOKEN).token("SUM"),
            arg("min", PURE_TOKEN).token("MIN"),
            arg("max", PURE_TOKEN).token("MAX"),
        ]),
    ]),
    CommandDoc::new("zlexcount").args(&[
        arg("key", KEY).key_spec(0),
        arg("min", STRING),
        arg("max", STRING),
    ]),
    CommandDoc::new("zmpop").args(&[
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).multiple(),
        arg("where", ONEOF).args(&[
            arg("min", PURE_TOKEN).token("MIN"),
            arg("max", PURE_TOKEN).token("MAX"),
        ]),
        arg("count", INTEGER).token("COUNT").optional(),
    ]),
    CommandDoc::new("zmscore").args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING).multiple(),
    ]),
    CommandDoc::new("zpopmax").args(&[
        arg("key", KEY).key_spec(0),
        arg("count", INTEGER).optional(),
    ]),
    CommandDoc::new("zpopmin").args(&[
        arg("key", KEY).key_spec(0),
        arg("count", INTEGER).optional(),
    ]),
    CommandDoc::new("zrandmember").args(&[
        arg("key", KEY).key_spec(0),
        arg("options", BLOCK).optional().args(&[
            arg("count", INTEGER),
            arg("withscores", PURE_TOKEN).token("WITHSCORES").optional(),
        ]),
    ]),
    CommandDoc::new("zrange").history(&[("6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("start", STRING),
        arg("stop", STRING),
        arg("sortby", ONEOF).since("6.2.0").optional().args(&[
            arg("byscore", PURE_TOKEN).token("BYSCORE"),
            arg("bylex", PURE_TOKEN).token("BYLEX"),
        ]),
        arg("rev", PURE_TOKEN).token("REV").since("6.2.0").optional(),
        arg("limit", BLOCK).token("LIMIT").since("6.2.0").optional().args(&[
            arg("offset", INTEGER),
            arg("count", INTEGER),
        ]),
        arg("withscores", PURE_TOKEN).token("WITHSCORES").optional(),
    ]),
    CommandDoc::new("zrangebylex").deprecated().deprecated_since("6.2.0").replaced_by("`ZRANGE` with the `BYLEX` argument").args(&[
        arg("key", KEY).key_spec(0),
        arg("min", STRING),
        arg("max", STRING),
        arg("limit", BLOCK).token("LIMIT").optional().args(&[
            arg("offset", INTEGER),
            arg("count", INTEGER),
        ]),
    ]),
    CommandDoc::new("zrangebyscore").deprecated().deprecated_since("6.2.0").replaced_by("`ZRANGE` with the `BYSCORE` argument").history(&[("2.0.0", "Added the `WITHSCORES` modifier.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("min", DOUBLE),
        arg("max", DOUBLE),
        arg("withscores", PURE_TOKEN).token("WITHSCORES").since("2.0.0").optional(),
        arg("limit", BLOCK).token("LIMIT").optional().args(&[
            arg("offset", INTEGER),
            arg("count", INTEGER),
        ]),
    ]),
    CommandDoc::new("zrangestore").args(&[
        arg("dst", KEY).key_spec(0),
        arg("src", KEY).key_spec(1),
        arg("min", STRING),
        arg("max", STRING),
        arg("sortby", ONEOF).optional().args(&[
            arg("byscore", PURE_TOKEN).token("BYSCORE"),
            arg("bylex", PURE_TOKEN).token("BYLEX"),
        ]),
        arg("rev", PURE_TOKEN).token("REV").optional(),
        arg("limit", BLOCK).token("LIMIT").optional().args(&[
            arg("offset", INTEGER),
            arg("count", INTEGER),
        ]),
    ]),
    CommandDoc::new("zrank").history(&[("7.2.0", "Added the optional `WITHSCORE` argument.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING),
        arg("withscore", PURE_TOKEN).token("WITHSCORE").optional(),
    ]),
    CommandDoc::new("zrem").history(&[("2.4.0", "Accepts multiple elements.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING).multiple(),
    ]),
    CommandDoc::new("zremrangebylex").args(&[
        arg("key", KEY).key_spec(0),
        arg("min", STRING),
        arg("max", STRING),
    ]),
    CommandDoc::new("zremrangebyrank").args(&[
        arg("key", KEY).key_spec(0),
        arg("start", INTEGER),
        arg("stop", INTEGER),
    ]),
    CommandDoc::new("zremrangebyscore").args(&[
        arg("key", KEY).key_spec(0),
        arg("min", DOUBLE),
        arg("max", DOUBLE),
    ]),
    CommandDoc::new("zrevrange").deprecated().deprecated_since("6.2.0").replaced_by("`ZRANGE` with the `REV` argument").args(&[
        arg("key", KEY).key_spec(0),
        arg("start", INTEGER),
        arg("stop", INTEGER),
        arg("withscores", PURE_TOKEN).token("WITHSCORES").optional(),
    ]),
    CommandDoc::new("zrevrangebylex").deprecated().deprecated_since("6.2.0").replaced_by("`ZRANGE` with the `REV` and `BYLEX` arguments").args(&[
        arg("key", KEY).key_spec(0),
        arg("max", STRING),
        arg("min", STRING),
        arg("limit", BLOCK).token("LIMIT").optional().args(&[
            arg("offset", INTEGER),
            arg("count", INTEGER),
        ]),
    ]),
    CommandDoc::new("zrevrangebyscore").deprecated().deprecated_since("6.2.0").replaced_by("`ZRANGE` with the `REV` and `BYSCORE` arguments").history(&[("2.1.6", "`min` and `max` can be exclusive.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("max", DOUBLE),
        arg("min", DOUBLE),
        arg("withscores", PURE_TOKEN).token("WITHSCORES").optional(),
        arg("limit", BLOCK).token("LIMIT").optional().args(&[
            arg("offset", INTEGER),
            arg("count", INTEGER),
        ]),
    ]),
    CommandDoc::new("zrevrank").history(&[("7.2.0", "Added the optional `WITHSCORE` argument.")]).args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING),
        arg("withscore", PURE_TOKEN).token("WITHSCORE").optional(),
    ]),
    CommandDoc::new("zscan").args(&[
        arg("key", KEY).key_spec(0),
        arg("cursor", INTEGER),
        arg("pattern", PATTERN).token("MATCH").optional(),
        arg("count", INTEGER).token("COUNT").optional(),
    ]),
    CommandDoc::new("zscore").args(&[
        arg("key", KEY).key_spec(0),
        arg("member", STRING),
    ]),
    CommandDoc::new("zunion").args(&[
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(0).multiple(),
        arg("weight", INTEGER).token("WEIGHTS").optional().multiple(),
        arg("aggregate", ONEOF).token("AGGREGATE").optional().args(&[
            arg("sum", PURE_TOKEN).token("SUM"),
            arg("min", PURE_TOKEN).token("MIN"),
            arg("max", PURE_TOKEN).token("MAX"),
        ]),
        arg("withscores", PURE_TOKEN).token("WITHSCORES").optional(),
    ]),
    CommandDoc::new("zunionstore").args(&[
        arg("destination", KEY).key_spec(0),
        arg("numkeys", INTEGER),
        arg("key", KEY).key_spec(1).multiple(),
        arg("weight", INTEGER).token("WEIGHTS").optional().multiple(),
        arg("aggregate", ONEOF).token("AGGREGATE").optional().args(&[
            arg("sum", PURE_TOKEN).token("SUM"),
            arg("min", PURE_TOKEN).token("MIN"),
            arg("max", PURE_TOKEN).token("MAX"),
        ]),
    ]),
];
