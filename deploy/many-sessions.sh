#!/usr/bin/env bash
# Many idle websocket sessions on one machine (issue 16): a local cluster (local-cluster.sh) of
# NODES nodes on one Redis behind nginx, PROCESSES load generators each opening its share of
# SESSIONS idle websocket sessions from a loopback address of its own (127.0.0.2, 127.0.0.3, ...:
# one source address has ~28,000 ephemeral ports towards the balancer, one process ~19,500
# descriptors), then, once every session is open, one publish to each. Prints the time until all
# were open, each node's RSS and open sessions, Redis's memory and CPU while they sit idle, and each
# load generator's result (every message delivered once, none lost or repeated).
#
#   deploy/many-sessions.sh [flags]
#
# Flags:
#   --sessions N          sessions in all (100000)
#   --processes P         load generators (6); each holds SESSIONS/P, at most ~19,000
#   --nodes N             nodes (6)
#   --balancer-workers W  nginx workers (14: each worker holds two descriptors per session)
#   --balancer-sources S  loopback addresses nginx reaches the nodes from, 127.0.1.1 to 127.0.1.S (6:
#                         one address reaches a node over ~28,000 ephemeral ports at most)
#   --java-opts OPTS      the nodes' JVM options ("-Xmx512m -XX:+UseSerialGC -XX:MaxNewSize=32m": idle sessions, README)
#   --hold S              seconds the sessions sit idle while Redis's CPU is metered (30)
#   --state-dir D         the cluster's state dir and the load generators' logs (${TMPDIR:-/tmp}/wildcloud-many-sessions)
#   --jar PATH            node jar (local-cluster.sh's default)
#   --loadgen-jar PATH    load generator jar (ws-it/target/ws-it-*-loadgen.jar)
#   --keep                leave the cluster running afterwards (stop: local-cluster.sh stop --state-dir D)
#   -- FLAGS...           more flags for local-cluster.sh start, e.g. -- --port 28080 --api-port 28081
#                         --node-base-port 28100 --redis-port 26379 (when the default ports are taken)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$SCRIPT_DIR")"
SESSIONS=100000
PROCESSES=6
NODES=6
WORKERS=14
SOURCES=6
JAVA_OPTS="-Xmx512m -XX:+UseSerialGC -XX:MaxNewSize=32m"
HOLD=30
STATE_DIR="${TMPDIR:-/tmp}/wildcloud-many-sessions"
JAR=""
LOADGEN_JAR=""
KEEP=0
CLUSTER_FLAGS=()
SECRET="many-sessions-secret"

die() { echo "many-sessions: $*" >&2; exit 1; }
say() { echo "many-sessions: $(date -u +%T) $*"; }

while [[ $# -gt 0 ]]; do
    flag="$1"
    if [[ "$flag" == --*=* ]]; then set -- "${flag%%=*}" "${flag#*=}" "${@:2}"; flag="$1"; fi
    case "$flag" in
        --sessions) SESSIONS="$2"; shift 2 ;;
        --processes) PROCESSES="$2"; shift 2 ;;
        --nodes) NODES="$2"; shift 2 ;;
        --balancer-workers) WORKERS="$2"; shift 2 ;;
        --balancer-sources) SOURCES="$2"; shift 2 ;;
        --java-opts) JAVA_OPTS="$2"; shift 2 ;;
        --hold) HOLD="$2"; shift 2 ;;
        --state-dir) STATE_DIR="$2"; shift 2 ;;
        --jar) JAR="$2"; shift 2 ;;
        --loadgen-jar) LOADGEN_JAR="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --) shift; CLUSTER_FLAGS=("$@"); break ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown flag $1 (see --help)" ;;
    esac
done
[[ -n "$LOADGEN_JAR" ]] || LOADGEN_JAR="$(ls "$REPO_DIR"/ws-it/target/ws-it-*-loadgen.jar 2>/dev/null | head -n 1 || true)"
[[ -f "$LOADGEN_JAR" ]] || die "no load generator jar: build it (mvn -B -DskipTests package) or pass --loadgen-jar"
PER_PROCESS=$(( (SESSIONS + PROCESSES - 1) / PROCESSES ))
(( PER_PROCESS <= 19000 )) || die "$PER_PROCESS sessions per process: more than one process holds here; raise --processes"

cluster=("$SCRIPT_DIR/local-cluster.sh")
start_flags=(--nodes "$NODES" --balancer-workers "$WORKERS" --balancer-sources "$SOURCES" --java-opts "$JAVA_OPTS" --state-dir "$STATE_DIR"
    --applications "many:$SECRET" --node-arg=--max-connections-per-address=20000)
[[ -z "$JAR" ]] || start_flags+=(--jar "$JAR")
# One socket per session, all of one application: past the nodes' default quota of new sockets
# per application (1,000,000 a window), raise it (builds before the quota do not know the flag).
(( SESSIONS <= 1000000 )) || start_flags+=(--node-arg=--max-new-sockets-per-application="$SESSIONS")
(( ${#CLUSTER_FLAGS[@]} == 0 )) || start_flags+=("${CLUSTER_FLAGS[@]}")
mkdir -p "$STATE_DIR"
rm -f "$STATE_DIR/go" "$STATE_DIR/close" "$STATE_DIR"/loadgen-*.log
"${cluster[@]}" start "${start_flags[@]}"
pids=()
# The load generators go too (by PID) when this script stops early.
finish() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    (( KEEP )) || "${cluster[@]}" stop --state-dir "$STATE_DIR" >/dev/null
}
trap finish EXIT
# shellcheck disable=SC1091
source "$STATE_DIR/cluster.env"
redis_port="${REDIS_URL##*:}"
redis_info() { redis-cli -p "$redis_port" info "$1" | tr -d '\r' | sed -n "s/^$2://p"; }
redis_cpu() { echo "$(redis_info cpu used_cpu_user) + $(redis_info cpu used_cpu_sys)" | bc; }
# CPU seconds (user + system) of all nodes, from /proc/<pid>/stat in clock ticks.
nodes_cpu() {
    local i ticks=0
    for ((i = 1; i <= NODES; i++)); do
        ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$(cut -d' ' -f1 "$STATE_DIR/node-$i.pid")/stat")))
    done
    echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}
node_rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$(cut -d' ' -f1 "$STATE_DIR/node-$1.pid")/status"; }
node_sessions() {
    # ws_sessions_open{...} only, not ws_sessions_opened_total (which doubled the count).
    curl -fsS "$(eval echo "\$NODE_${1}_API_URL")/metrics" | awk '/^ws_sessions_open\{/ {n += $NF} END {printf "%d", n}'
}
report_nodes() {
    local i
    for ((i = 1; i <= NODES; i++)); do say "  node-$i RSS $(node_rss_mib "$i") MiB, $(node_sessions "$i") sessions open"; done
}

say "before: Redis used_memory $(redis_info memory used_memory_human), load $(cut -d' ' -f1-3 /proc/loadavg)"
report_nodes
used_before="$(redis_info memory used_memory)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
started=$SECONDS
for ((p = 1; p <= PROCESSES; p++)); do
    java -cp "$LOADGEN_JAR" io.wildcloud.ws.loadgen.LoadGenerator --url="$PUBLIC_URL" --api-url="$API_URL" \
        --app="$SECRET" --sessions="$PER_PROCESS" --transports=websocket:1 --messages="$PER_PROCESS" \
        --source-address="127.0.0.$((p + 1))" --go-file="$STATE_DIR/go" --close-file="$STATE_DIR/close" --open-concurrency=32 \
        --concurrency=32 --api-connections=4 --duration=15m --grace=120s \
        > "$STATE_DIR/loadgen-$p.log" 2>&1 &
    pids+=($!)
done
say "started $PROCESSES load generators, $PER_PROCESS sessions each (logs: $STATE_DIR/loadgen-*.log)"
# Every load generator says "waiting for <go file>" once its sessions are open.
while (( $(grep -l "^waiting for" "$STATE_DIR"/loadgen-*.log 2>/dev/null | wc -l) < PROCESSES )); do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || die "a load generator exited early: see $STATE_DIR/loadgen-*.log"; done
    (( SECONDS - started < 1800 )) || die "not all sessions open after 30 minutes"
    sleep 2
done
say "all open after $((SECONDS - started)) s (authorize and open; each: $(grep -h '^opened' "$STATE_DIR"/loadgen-*.log | sed 's/.*failed, in \([0-9.]*\) s (authorize \([0-9.]*\).*/open \1 s + authorize \2 s/' | paste -sd ';'))"
say "open: Redis used_memory $(redis_info memory used_memory_human) ($(( ($(redis_info memory used_memory) - used_before) / SESSIONS )) bytes per session), load $(cut -d' ' -f1-3 /proc/loadavg)"
report_nodes
cpu_start="$(redis_cpu)"; nodes_start="$(nodes_cpu)"
sleep "$HOLD"
cpu_end="$(redis_cpu)"; nodes_end="$(nodes_cpu)"
say "idle ${HOLD}s: Redis CPU $(echo "$cpu_end - $cpu_start" | bc) s ($(echo "scale=3; ($cpu_end - $cpu_start) * 1000000 / $SESSIONS / $HOLD" | bc) us per session per second), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "idle ${HOLD}s: nodes' CPU $(echo "$nodes_end - $nodes_start" | bc) s in all ($(echo "scale=3; ($nodes_end - $nodes_start) * 1000000 / $SESSIONS / $HOLD" | bc) us per session per second)"
report_nodes
touch "$STATE_DIR/go"
published=$SECONDS
# Each says "settled; waiting for <close file>" once its deliveries are counted; all close together
# then: one closing its 16,667 sessions while the others still count stalled Redis for ~30 s here.
wait_all() {
    local pid
    while (( $(grep -l "^$1" "$STATE_DIR"/loadgen-*.log 2>/dev/null | wc -l) < PROCESSES )); do
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || return 0; done
        sleep 1
    done
}
wait_all "settled; waiting for"
settled=$((SECONDS - published))
say "settled after ${settled} s (published and delivered, or the grace ran out); load $(cut -d' ' -f1-3 /proc/loadavg)"
touch "$STATE_DIR/close"
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
pids=()
say "closed after $((SECONDS - published)) s; $failed load generator(s) reported loss, repeats or errors"
for ((p = 1; p <= PROCESSES; p++)); do
    say "  loadgen $p: $(grep -E '^(published|delivered|lost / duplicated|lost in sessions)' "$STATE_DIR/loadgen-$p.log" | paste -sd ';')"
done
nginx_errors() { awk -v pattern="$1" '$0 ~ pattern {n++} END {print n + 0}' "$STATE_DIR/nginx/error.log" 2>/dev/null || echo 0; }
say "nginx error log: $(nginx_errors .) lines, $(nginx_errors 'Cannot assign requested address') of them 'Cannot assign requested address'; load $(cut -d' ' -f1-3 /proc/loadavg)"
(( failed == 0 ))
