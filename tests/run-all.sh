#!/usr/bin/env bash
# Installs what the test suites need and runs every one of them:
#   1. cargo test            — engine and server (unit + integration)
#   2. differential (pytest) — the same commands against real redis-server and vermilion-server
#   3. Python face (pytest)  — embedded and served
#   4. Node face (jest)      — embedded and served
# Ends with one line adding up every suite: "all suites: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logs=$(mktemp -d)
passed=0
failed=0
status=0

step() { printf '\n==> %s\n' "$*"; }

# Adds a suite's counts (read from its own summary line) to the totals.
tally() {
    local p=$1 f=$2
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
}

install_redis() {
    if command -v redis-server >/dev/null; then
        return
    fi
    step "installing redis-server (the differential oracle)"
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null; then sudo="sudo"; else
            echo "redis-server is missing and cannot be installed without root: differential tests will skip"
            return
        fi
    fi
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server redis-tools >/dev/null
    # Debian starts a redis-server service on install; the tests start their own.
    $sudo systemctl stop redis-server >/dev/null 2>&1 || $sudo service redis-server stop >/dev/null 2>&1 || true
}

run_cargo() {
    step "cargo test (engine, server)"
    cargo test --workspace --exclude vermilion-python --exclude vermilion-node 2>&1 | tee "$logs/cargo.log"
    local rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] || status=1
    local p f
    p=$(grep -Eo '[0-9]+ passed' "$logs/cargo.log" | awk '{s+=$1} END {print s+0}')
    f=$(grep -Eo '[0-9]+ failed' "$logs/cargo.log" | awk '{s+=$1} END {print s+0}')
    tally "$p" "$f"
}

setup_python() {
    step "python environment (.venv) with the extension built from this tree"
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv || return 1
    fi
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q pytest pytest-asyncio fakeredis mypy redis || return 1
    .venv/bin/python -m pip install -q . || return 1
}

# Runs pytest on the given paths and tallies its "N passed, N failed" summary.
run_pytest() {
    local name=$1
    shift
    step "pytest: $name"
    (cd "$root" && .venv/bin/python -m pytest -q "$@") 2>&1 | tee "$logs/$name.log"
    local rc=${PIPESTATUS[0]}
    # Exit code 5 means no test was collected: a broken suite, not a pass.
    [ "$rc" = 0 ] || status=1
    local summary p f
    summary=$(grep -E '(passed|failed)' "$logs/$name.log" | tail -n 1)
    p=$(grep -Eo '[0-9]+ passed' <<<"$summary" | grep -Eo '[0-9]+')
    f=$(grep -Eo '[0-9]+ (failed|error)' <<<"$summary" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
    tally "$p" "$f"
}

run_node() {
    step "node: build the addon and run jest"
    if ! npm install --no-save --no-audit --no-fund ./node 2>&1 | tail -n 5; then
        status=1
        return
    fi
    (cd tests/node && npx jest --ci 2>&1) | tee "$logs/jest.log"
    local rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] || status=1
    local summary p f
    summary=$(grep -E '^Tests:' "$logs/jest.log" | tail -n 1)
    p=$(grep -Eo '[0-9]+ passed' <<<"$summary" | grep -Eo '[0-9]+')
    f=$(grep -Eo '[0-9]+ failed' <<<"$summary" | grep -Eo '[0-9]+')
    tally "$p" "$f"
}

# The differential suite tests the server binary of this tree, wherever cargo puts it.
server_binary() {
    cargo build -q -p vermilion-server || return 1
    local target
    target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    echo "$target/debug/vermilion-server"
}

install_redis
run_cargo
if VERMILION_SERVER=$(server_binary) && export VERMILION_SERVER && setup_python; then
    run_pytest differential tests/differential
    run_pytest python tests/python
else
    echo "python environment could not be set up"
    status=1
fi
run_node

printf '\nall suites: %d passed, %d failed\n' "$passed" "$failed"
if [ "$failed" != 0 ]; then
    status=1
fi
exit "$status"
