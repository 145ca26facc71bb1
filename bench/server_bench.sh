#!/usr/bin/env bash
# Throughput of vermilion-server next to redis-server, measured with redis-benchmark.
#
#   bench/server_bench.sh            # 200000 requests per test, 50 clients
#   REQUESTS=50000 bench/server_bench.sh
#
# Builds the release binary, starts both servers on free ports (no persistence), runs each test
# without pipelining (-P 1) and with 16 commands per pipeline (-P 16), prints a table with the
# ratio vermilion/redis, and stops both servers. A test the engine does not support yet (an
# error reply makes redis-benchmark give up) is shown as "n/a".
set -euo pipefail

REQUESTS=${REQUESTS:-200000}
CLIENTS=${CLIENTS:-50}
TESTS=${TESTS:-set,get,incr,lpush,mset}
PIPELINES=${PIPELINES:-"1 16"}

root=$(cd "$(dirname "$0")/.." && pwd)
for tool in redis-server redis-benchmark redis-cli python3; do
    command -v "$tool" >/dev/null || { echo "server_bench: $tool is not on PATH" >&2; exit 1; }
done

echo "Building vermilion-server (release)..." >&2
cargo build --release --quiet -p vermilion-server --manifest-path "$root/Cargo.toml"
target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
vermilion_bin="$target_dir/release/vermilion-server"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pids=()
stop_servers() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_servers EXIT

wait_for_ping() { # port
    for _ in $(seq 1 500); do
        if [ "$(redis-cli -p "$1" ping 2>/dev/null)" = "PONG" ]; then return 0; fi
        sleep 0.01
    done
    echo "server_bench: nothing answers on port $1" >&2
    exit 1
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning >/dev/null &
pids+=($!)
vermilion_port=$(free_port)
"$vermilion_bin" --port "$vermilion_port" --bind 127.0.0.1 --save "" --loglevel warning >/dev/null &
pids+=($!)
wait_for_ping "$redis_port"
wait_for_ping "$vermilion_port"

# Requests per second for one test, or "n/a" if the server refused it.
rps() { # port test pipeline
    local out
    if ! out=$(redis-benchmark -h 127.0.0.1 -p "$1" -q --csv -t "$2" -n "$REQUESTS" -c "$CLIENTS" -P "$3" 2>/dev/null); then
        echo "n/a"
        return
    fi
    # --csv: a header line, then "TEST","rps",...
    echo "$out" | awk -F'"' 'NR > 1 && $4 != "" { print $4; exit }' | grep . || echo "n/a"
}

printf '\nredis-benchmark -n %s -c %s (requests per second)\n\n' "$REQUESTS" "$CLIENTS"
printf '%-8s %4s %14s %14s %8s\n' test "-P" redis vermilion ratio
printf '%-8s %4s %14s %14s %8s\n' -------- ---- -------------- -------------- --------
IFS=',' read -r -a tests <<< "$TESTS"
for pipeline in $PIPELINES; do
    for test in "${tests[@]}"; do
        redis_rps=$(rps "$redis_port" "$test" "$pipeline")
        vermilion_rps=$(rps "$vermilion_port" "$test" "$pipeline")
        ratio=$(python3 -c 'import sys
try: print(f"{float(sys.argv[2]) / float(sys.argv[1]):.2f}")
except ValueError: print("n/a")' "$redis_rps" "$vermilion_rps")
        printf '%-8s %4s %14s %14s %8s\n' "$test" "$pipeline" "$redis_rps" "$vermilion_rps" "$ratio"
    done
done
