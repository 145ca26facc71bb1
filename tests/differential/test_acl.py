"""ACL against real Redis: users and their rules, AUTH/HELLO as users, command, key and channel
permissions at the top level, in MULTI/EXEC and in scripts, DRYRUN, LOG, CAT, GENPASS, and every
error text. Each script runs on fresh connections; the users it creates are deleted after it."""

from __future__ import annotations

import pytest

from steps import help_view
from test_pubsub import call, receive, run_script

USERS = ["alice", "bob", "carol", "ro", "writer"]

BOB = ["ACL", "SETUSER", "bob", "on", ">secret", "~app:*", "&chan*", "+get", "+set", "+publish", "+subscribe",
       "+client|id", "+multi", "+exec", "+eval", "+ping"]


def check(servers, steps):
    oracle, subject = servers
    transcripts = []
    for server in (oracle, subject):
        server.ensure_running()
        with server.connect() as conn:
            conn.call(["FLUSHALL"])
            conn.call(["ACL", "LOG", "RESET"])
        try:
            transcripts.append(run_script(server, steps))
        finally:
            with server.connect() as conn:
                conn.call(["ACL", "DELUSER", *USERS])
                conn.call(["ACL", "SETUSER", "default", "on", "nopass", "~*", "&*", "+@all"])
    for want, got in zip(*transcripts):
        assert want == got, f"\nstep {want[0]} {want[1]!r}\n  redis:     {want[2]!r}\n  vermilion: {got[2]!r}"


def log_view(reply):
    """ACL LOG entries without their timing and client details."""
    if reply[0] != "array":
        return reply
    entries = []
    for entry in reply[1]:
        fields = dict(zip(entry[1][::2], entry[1][1::2]))
        entries.append({k: v for k, v in fields.items() if k[1] not in (b"age-seconds", b"client-info")})
    return ("array", entries)


def unordered(reply):
    return (reply[0], sorted(reply[1])) if reply[0] == "array" else reply


# Commands Redis 7.0 lacks (hash field expiry arrived in 7.4), left out of category listings.
NEWER_COMMANDS = {b"hexpire", b"hpexpire", b"hexpireat", b"hpexpireat", b"httl", b"hpttl", b"hexpiretime",
                  b"hpexpiretime", b"hpersist"}


def category_view(reply):
    if reply[0] != "array":
        return reply
    return (reply[0], sorted(item for item in reply[1] if item[1] not in NEWER_COMMANDS))


SCRIPTS = {
    "users-and-rules": [
        call("admin", "ACL", "SETUSER", "alice"),
        call("admin", "ACL", "SETUSER", "carol", "on", "nopass", "allkeys", "allcommands", "-flushall"),
        call("admin", *BOB[:-9]),
        call("admin", "ACL", "SETUSER", "ro", "on", ">pw", "%R~*", "-@all", "+get", "+@hash"),
        call("admin", "ACL", "LIST"),
        call("admin", "ACL", "USERS"),
        call("admin", "ACL", "GETUSER", "alice"),
        call("admin", "ACL", "GETUSER", "carol"),
        call("admin", "ACL", "GETUSER", "nosuch"),
        call("admin", "ACL", "SETUSER", "alice", "on", ">a", ">b", "<a", "resetkeys", "%W~w:*", "%RW~rw:*"),
        call("admin", "ACL", "GETUSER", "alice"),
        call("admin", "ACL", "SETUSER", "alice", "#" + "a" * 64, "!" + "a" * 64, "resetpass", "nopass", "off"),
        call("admin", "ACL", "GETUSER", "alice"),
        call("admin", "ACL", "DELUSER", "alice", "carol", "nobody"),
        call("admin", "ACL", "USERS"),
        call("admin", "ACL", "WHOAMI"),
    ],
    "rule-errors": [
        call("admin", "ACL", "SETUSER", "alice", "badrule"),
        call("admin", "ACL", "SETUSER", "alice", ">a", "<b"),
        call("admin", "ACL", "SETUSER", "alice", "+nosuchcommand"),
        call("admin", "ACL", "SETUSER", "alice", "+@nosuchcategory"),
        call("admin", "ACL", "SETUSER", "alice", "#xyz"),
        call("admin", "ACL", "SETUSER", "alice", "%X~k"),
        call("admin", "ACL", "USERS"),
        call("admin", "ACL", "DELUSER", "default"),
        call("admin", "ACL", "GENPASS", "0"),
        call("admin", "ACL", "GENPASS", "5000"),
        call("admin", "ACL", "CAT", "nosuch"),
        call("admin", "ACL", "DRYRUN", "nobody", "get", "x"),
        call("admin", "ACL", "DRYRUN", "default", "nosuchcmd"),
        call("admin", "ACL", "LOG", "-1"),
        call("admin", "ACL", "NOPE"),
        call("admin", "ACL", "HELP", view=help_view),
    ],
    "authentication": [
        call("admin", *BOB),
        call("c", "AUTH", "nobody", "x"),
        call("c", "AUTH", "bob", "bad"),
        call("c", "HELLO", "2", "AUTH", "bob", "bad"),
        call("c", "AUTH", "bob", "secret"),
        call("c", "ACL", "WHOAMI"),
        call("c", "PING"),
        call("admin", "ACL", "SETUSER", "bob", "off"),
        call("d", "AUTH", "bob", "secret"),
        call("admin", "ACL", "LOG", view=log_view),
    ],
    "permissions": [
        call("admin", *BOB),
        call("c", "AUTH", "bob", "secret"),
        call("c", "GET", "other"),
        call("c", "GET", "app:1"),
        call("c", "SET", "app:1", "v"),
        call("c", "DEL", "app:1"),
        call("c", "CLIENT", "ID", exact=False),
        call("c", "CLIENT", "LIST"),
        call("c", "PUBLISH", "x", "y"),
        call("c", "PUBLISH", "chan1", "y"),
        call("c", "EVAL", "return redis.call('get','zzz')", "0"),
        call("c", "EVAL", "return redis.call('del','app:1')", "0"),
        call("c", "EVAL", "return redis.call('get','app:1')", "0"),
        call("c", "MULTI"),
        call("c", "GET", "other"),
        call("c", "SET", "app:x", "1"),
        call("c", "EXEC"),
        call("c", "MULTI"),
        call("c", "SET", "app:y", "1"),
        call("admin", "ACL", "SETUSER", "bob", "-set"),
        call("c", "EXEC"),
        call("admin", "ACL", "LOG", view=log_view),
        call("admin", "ACL", "LOG", "1", view=log_view),
        call("admin", "ACL", "LOG", "RESET"),
        call("admin", "ACL", "LOG"),
    ],
    "read-and-write-key-permissions": [
        call("admin", "ACL", "SETUSER", "ro", "on", ">pw", "%R~r:*", "%W~w:*", "+@all"),
        call("c", "AUTH", "ro", "pw"),
        call("c", "GET", "r:1"),
        call("c", "SET", "r:1", "x"),
        call("c", "SET", "w:1", "x"),
        call("c", "GET", "w:1"),
        call("c", "EXISTS", "w:1", "r:1"),
        call("c", "COPY", "r:1", "w:2"),
        call("c", "LMOVE", "r:1", "w:2", "LEFT", "LEFT"),
        call("admin", "ACL", "DRYRUN", "ro", "GET", "w:1"),
        call("admin", "ACL", "DRYRUN", "ro", "SET", "w:1", "v"),
        call("admin", "ACL", "DRYRUN", "ro", "DEL", "r:1"),
    ],
    "channel-permissions": [
        call("admin", "ACL", "SETUSER", "bob", "on", ">secret", "resetchannels", "&news.*", "+@all", "allkeys"),
        call("c", "AUTH", "bob", "secret"),
        call("c", "SUBSCRIBE", "sport"),
        call("c", "PSUBSCRIBE", "news.x*"),
        call("c", "PSUBSCRIBE", "news.*"),
        call("p", "PUBLISH", "news.a", "hi"),
        receive("c"),
        call("admin", "ACL", "DRYRUN", "bob", "PUBLISH", "sport", "x"),
        call("admin", "ACL", "DRYRUN", "bob", "PUBLISH", "news.tech", "x"),
    ],
    "categories": [
        call("admin", "ACL", "CAT"),
        call("admin", "ACL", "CAT", "hash", view=category_view),
        call("admin", "ACL", "CAT", "pubsub", view=category_view),
        call("admin", "ACL", "CAT", "string", view=category_view),
        call("admin", "ACL", "SETUSER", "bob", "on", "nopass", "allkeys", "-@all", "+@string", "-@write"),
        call("admin", "ACL", "DRYRUN", "bob", "GET", "k"),
        call("admin", "ACL", "DRYRUN", "bob", "SET", "k", "v"),
        call("admin", "ACL", "DRYRUN", "bob", "HGET", "k", "f"),
        call("admin", "ACL", "SETUSER", "writer", "on", "nopass", "allkeys", "+@all", "-@dangerous", "+client|kill"),
        call("admin", "ACL", "DRYRUN", "writer", "FLUSHALL"),
        call("admin", "ACL", "DRYRUN", "writer", "CLIENT", "KILL", "ID", "1"),
        call("admin", "ACL", "DRYRUN", "writer", "CLIENT", "LIST"),
        call("admin", "ACL", "DRYRUN", "writer", "CONFIG", "GET", "x"),
        call("admin", "ACL", "GETUSER", "writer"),
    ],
    "genpass-lengths": [
        call("admin", "ACL", "GENPASS", view=lambda r: (r[0], len(r[1]))),
        call("admin", "ACL", "GENPASS", "5", view=lambda r: (r[0], len(r[1]))),
        call("admin", "ACL", "GENPASS", "129", view=lambda r: (r[0], len(r[1]))),
    ],
    "introspection": [
        *(call("admin", "COMMAND", "INFO", f"acl|{sub}") for sub in
          ["cat", "deluser", "dryrun", "genpass", "getuser", "list", "load", "log", "save", "setuser", "users",
           "whoami", "help"]),
    ],
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_acl(servers, name):
    check(servers, SCRIPTS[name])
