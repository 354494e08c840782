#!/usr/bin/env bash
# Validates deploy/ on a machine without a Docker engine: what Docker and Kubernetes would reject
# first, the balancer configs as nginx and HAProxy read them, the alert rules as Prometheus reads
# them, and (with --cluster) a real local-cluster.sh run against the built jar, including a check
# that every series the alert rules and the Grafana dashboard use exists in a node's /metrics.
#
#   deploy/validate.sh [--cluster | --cluster-only] [--jar PATH] [--strict]
#
# Needs: python3 with PyYAML (Debian python3-yaml), nginx, haproxy, promtool (Debian prometheus); for --cluster also
# redis-server, redis-cli, curl, java and the jar (mvn -B -DskipTests package).
# Uses when present: docker compose or docker-compose (compose config), kubectl (kustomize).
# A missing tool skips its step; --strict (or CI=true) makes a skipped step a failure.
# Ends with "N passed, N failed, N skipped"; exits 1 if any step failed.
set -uo pipefail

DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$DEPLOY")"
readonly DEPLOY REPO
CLUSTER=no
STATIC=yes
JAR=""
STRICT="${CI:-false}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --cluster) CLUSTER=yes; shift ;;
        --cluster-only) CLUSTER=yes; STATIC=no; shift ;;
        --jar) JAR="$2"; shift 2 ;;
        --jar=*) JAR="${1#*=}"; shift ;;
        --strict) STRICT=true; shift ;;
        *) echo "validate: unknown flag $1" >&2; exit 2 ;;
    esac
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/wildcloud-validate.XXXXXX")"
CLUSTER_STATE="$WORK/cluster"
PUSH_STATE="$WORK/push-cluster"
METRICS_PID_FILE="$WORK/metrics-node.pid"
cleanup() {
    [[ -f "$METRICS_PID_FILE" ]] && stop_metrics_node >/dev/null 2>&1
    [[ -d "$CLUSTER_STATE" ]] && "$DEPLOY/local-cluster.sh" stop --state-dir "$CLUSTER_STATE" >/dev/null 2>&1
    [[ -d "$PUSH_STATE" ]] && "$DEPLOY/local-cluster.sh" stop --state-dir "$PUSH_STATE" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
# A SIGTERM (a test's timeout) still runs cleanup, so no node outlives us.
trap 'exit 143' TERM INT

passed=0 failed=0 skipped=0
pass() { echo "PASS  $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; [[ -n "${2:-}" ]] && sed 's/^/      /' <<< "$2"; failed=$((failed + 1)); }
skip() { echo "SKIP  $1"; skipped=$((skipped + 1)); }
# run NAME COMMAND...: passes when COMMAND exits 0, shows its output when it does not.
run() {
    local name="$1" output; shift
    if output="$("$@" 2>&1)"; then pass "$name"; else fail "$name" "$output"; fi
}

find_python() {
    local candidate
    for candidate in python3 /usr/bin/python3; do
        command -v "$candidate" >/dev/null && "$candidate" -c 'import yaml' 2>/dev/null && { echo "$candidate"; return; }
    done
    return 1
}

# The template as nginx reads it with --balancer-sources 6: the public port's upstream connections
# bound to one of 127.0.1.1-6 each (many-sessions.sh: one address's ports do not reach 100,000).
sources_config() {
    local conf="$WORK/check-sources/nginx/nginx.conf"
    "$DEPLOY/local-cluster.sh" check-config --nodes 6 --balancer-sources 6 --state-dir "$WORK/check-sources" || return 1
    grep -q '^ *proxy_bind \$upstream_source;$' "$conf" || { echo "no proxy_bind in $conf"; return 1; }
    [[ "$(grep -cE '^ *([0-9.]+%|\*) 127\.0\.1\.[1-6];$' "$conf")" -eq 6 ]] || { echo "not 6 source addresses in $conf"; return 1; }
}

# ---- static checks -----------------------------------------------------------------------------

static_checks() {
    if [[ -n "$PYTHON" ]]; then
        run "compose file and k8s manifests parse and hold their invariants" "$PYTHON" "$DEPLOY/check_manifests.py" "$DEPLOY"
    else
        skip "manifests: no python3 with PyYAML (apt-get install python3-yaml)"
    fi

    if command -v nginx >/dev/null; then
        # The compose config as nginx reads it; only the service names (resolved by Docker's DNS in
        # compose) are mapped to 127.0.0.1 and the include path to the temp dir.
        mkdir -p "$WORK/compose-nginx"
        cp "$DEPLOY/nginx/proxy-common.conf" "$WORK/compose-nginx/"
        sed -e 's#\bnode[0-9]*:\([0-9]*\)#127.0.0.1:\1#' -e "s#/etc/nginx/#$WORK/compose-nginx/#" \
            -e "s#^error_log .*#error_log $WORK/compose-nginx/error.log warn;#" \
            "$DEPLOY/nginx/nginx.conf" > "$WORK/compose-nginx/nginx.conf"
        run "nginx -t: nginx/nginx.conf (compose)" nginx -t -p "$WORK/compose-nginx" -e "$WORK/compose-nginx/error.log" \
            -c "$WORK/compose-nginx/nginx.conf" -g "pid $WORK/compose-nginx/nginx.pid;"
        run "nginx -t: nginx/local-cluster.conf.template as local-cluster.sh renders it" \
            "$DEPLOY/local-cluster.sh" check-config --nodes 3 --state-dir "$WORK/check-config"
        run "nginx -t: the template with --balancer-sources 6 (proxy_bind over 127.0.1.1-6)" sources_config
    else
        skip "nginx -t: nginx not installed (apt-get install nginx-light)"
    fi

    if command -v haproxy >/dev/null; then
        # Warnings about unresolvable node names are expected here (init-addr none lets it load).
        run "haproxy -c: haproxy/haproxy.cfg" haproxy -c -q -f "$DEPLOY/haproxy/haproxy.cfg"
    else
        skip "haproxy -c: haproxy not installed (apt-get install haproxy)"
    fi

    if command -v promtool >/dev/null; then
        run "promtool check rules: prometheus/alerts.yml" promtool check rules "$DEPLOY/prometheus/alerts.yml"
    else
        skip "promtool check rules: promtool not installed (apt-get install prometheus)"
    fi
    if [[ -n "$PYTHON" ]]; then
        run "grafana/wildcloud-websockets.json: well formed, no overlap, on the datasource variable" \
            "$PYTHON" "$DEPLOY/check_metrics.py" dashboard "$DEPLOY/grafana/wildcloud-websockets.json"
    else
        skip "grafana dashboard: no python3 with PyYAML (apt-get install python3-yaml)"
    fi

    if docker compose version >/dev/null 2>&1; then
        run "docker compose config" docker compose -f "$DEPLOY/docker-compose.yml" config -q
    elif command -v docker-compose >/dev/null; then
        run "docker-compose config" docker-compose -f "$DEPLOY/docker-compose.yml" config -q
    else
        echo "note  no docker compose: its schema check is left out (check_manifests.py covers the structure)"
    fi

    if command -v kubectl >/dev/null; then
        run "kubectl kustomize deploy/k8s" kubectl kustomize "$DEPLOY/k8s"
    else
        echo "note  no kubectl: kustomize render left out"
    fi
}

# ---- a real local cluster ----------------------------------------------------------------------

free_port() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Ports below the ephemeral range, so outgoing connections never occupy them.
pick_base() {
    local base p ok
    for _ in $(seq 1 30); do
        base=$((20000 + RANDOM % 11000)); ok=yes
        for p in $(seq "$base" $((base + 10))); do free_port "$p" || { ok=no; break; }; done
        [[ "$ok" == yes ]] && { echo "$base"; return; }
    done
    return 1
}

# The Dockerfile's HEALTHCHECK command, run as Docker would, against a node's API port.
dockerfile_healthcheck() {
    local api_port="$1" command
    command="$("$PYTHON" - "$DEPLOY/Dockerfile" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
print(json.loads(re.search(r"^HEALTHCHECK .*?CMD (\[.*\])$", text, re.M).group(1))[-1])
EOF
)" || return 1
    WS_API_PORT="$api_port" timeout 5 bash -c "$command"
}

# Six requests through a balancer port reach three distinct nodes: round robin, no stickiness.
balanced() {
    local port="$1" ids=""
    for _ in 1 2 3 4 5 6; do
        ids+="$(curl -fsS --max-time 5 "http://127.0.0.1:$port/health" | sed -n 's/.*"node":"\([^"]*\)".*/\1/p')"$'\n'
    done
    [[ "$(sort -u <<< "${ids%$'\n'}" | wc -l)" -eq 3 ]] || { echo "nodes answering: ${ids//$'\n'/ }"; return 1; }
}

# A SockJS websocket through the balancer: 101, the RFC 6455 accept key, then the open frame
# (0x81 0x01 'o'). Fails if nginx drops the Upgrade headers.
websocket_through() {
    local bytes
    bytes="$(curl -sS -i -N --max-time 3 -H "Connection: Upgrade" -H "Upgrade: websocket" \
        -H "Sec-WebSocket-Version: 13" -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
        "http://127.0.0.1:$1/echo/000/$RANDOM$RANDOM/websocket" | od -An -c | tr -d ' \n')" || true
    [[ "$bytes" == HTTP/1.1101* && "$bytes" == *s3pPLMBiTxaQ9kYGzzhZRbK+xOo=* && "$bytes" == *'\r\n\r\n201001o' ]] \
        || { echo "got: ${bytes:0:300}"; return 1; }
}

# xhr_streaming through the balancer: the 2 KiB prelude and the open frame arrive within 2s while
# the response stays open (curl times out), so frames are not held back until the response ends.
streaming_through() {
    local body
    body="$(curl -sS -N --max-time 2 -X POST "http://127.0.0.1:$1/echo/000/$RANDOM$RANDOM/xhr_streaming" 2>/dev/null | tr -d '\n')" || true
    [[ "$body" == "$(printf 'h%.0s' $(seq 1 2048))o" ]] || { echo "got ${#body} bytes: ${body: -40}"; return 1; }
}

# Twelve xhr_streaming clients at once, each from its own loopback address, through the balancer
# to nodes capped at one connection per address (--max-connections-per-address=1): every one is
# served, since the nodes trust nginx (--trusted-proxies) and count each client under the address
# its X-Forwarded-For names. Counted under nginx's own three source addresses, four streams a node
# would not fit, and some would fail even after nginx's retries.
clients_counted_apart() {
    local port="$1" i failed=0 prelude
    prelude="$(printf 'h%.0s' $(seq 1 2048))o"
    for i in $(seq 2 13); do
        curl -sS -N --max-time 3 --interface "127.0.0.$i" -X POST \
            "http://127.0.0.1:$port/echo/000/$RANDOM$RANDOM/xhr_streaming" > "$WORK/stream-$i.txt" 2>/dev/null &
    done
    wait
    for i in $(seq 2 13); do
        [[ "$(tr -d '\n' < "$WORK/stream-$i.txt")" == "$prelude" ]] \
            || { echo "client 127.0.0.$i got: $(head -c 200 "$WORK/stream-$i.txt")"; failed=1; }
    done
    return "$failed"
}

# nginx's connections to the nodes' public ports (kept alive after a few requests) come from
# 127.0.1.1-3, the cluster's --balancer-sources, and none from 127.0.0.1.
upstream_sources() {
    local sources
    for _ in 1 2 3 4 5 6; do curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$1/health" || return 1; done
    sources="$(ss -Htn state established "( dport = :$BASE or dport = :$((BASE + 2)) or dport = :$((BASE + 4)) )" \
        | awk '{ sub(/:[0-9]+$/, "", $3); print $3 }' | sort -u)"
    [[ -n "$sources" ]] && ! grep -qv '^127\.0\.1\.[123]$' <<< "$sources" \
        || { echo "nginx reaches the nodes from: ${sources//$'\n'/ }"; return 1; }
}

# The unknown-socket budget through the balancer, on a push cluster of one node on Redis (the
# protocol-test cluster has no sockets): local-cluster.sh turns it on (10 a second, 100 at once per
# client address) and the node believes nginx's X-Forwarded-For, so a client (127.0.0.20) polling
# socket ids nobody has gets 404 for each, past its budget at once without asking Redis
# (ws_http_refused_total{reason="unknown_sockets"}), while another client (127.0.0.21) is served
# its live socket.
unknown_sockets_refused_per_client() {
    local public=$((BASE + 9)) api=$((BASE + 10)) socket codes refused i chunk
    "$DEPLOY/local-cluster.sh" start --state-dir "$PUSH_STATE" --nodes 1 --node-base-port "$BASE" \
        --redis-port $((BASE + 8)) --port "$public" --api-port "$api" --jar "$JAR" --timeout 90 \
        --applications validate:validate-secret-0123456789 > "$WORK/push-cluster.log" 2>&1 \
        || { cat "$WORK/push-cluster.log"; return 1; }
    socket="$(curl -fsS --max-time 5 -X POST "http://127.0.0.1:$api/authorize/validate-secret-0123456789/alice" \
        -d '{"callback": "https://app.example/callback"}' | sed -n 's/.*"socket_id":"\([^"]*\)".*/\1/p')"
    [[ -n "$socket" ]] || { echo "authorize failed"; return 1; }
    # Chunks of 150 in one curl each (one connection), until the node answers some without asking
    # Redis: past 100 at once, the budget refills only 10 a second.
    codes="" refused=0
    for chunk in $(seq 1 10); do
        local -a urls=()
        for i in $(seq 1 150); do
            urls+=(-o /dev/null "http://127.0.0.1:$public/$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')/000/s1/xhr")
        done
        codes+="$(curl -s -w '%{http_code} ' --max-time 30 --interface 127.0.0.20 -X POST "${urls[@]}")"
        refused="$(curl -fsS --max-time 5 "http://127.0.0.1:$((BASE + 1))/metrics" \
            | sed -n 's/^ws_http_refused_total{[^}]*port="public",reason="unknown_sockets"[^}]*} \([0-9]*\).*/\1/p')"
        (( ${refused:-0} > 0 )) && break
    done
    [[ "$(tr ' ' '\n' <<< "$codes" | sort -u | tr -d '\n')" == 404 ]] || { echo "unknown sockets answered: $codes"; return 1; }
    (( ${refused:-0} > 0 )) || { echo "none of $((chunk * 150)) unknown socket ids answered without asking Redis"; return 1; }
    [[ "$(curl -sS --max-time 5 --interface 127.0.0.21 -X POST "http://127.0.0.1:$public/$socket/000/s1/xhr")" == o ]] \
        || { echo "another client's live socket was not served"; return 1; }
    echo "$refused of $((chunk * 150)) answered at once"
}

# eventually SECONDS COMMAND...: COMMAND succeeds within SECONDS (retried every half second).
eventually() {
    local deadline=$((SECONDS + $1)) output; shift
    until output="$("$@" 2>&1)"; do
        (( SECONDS < deadline )) || { echo "$output"; return 1; }
        sleep 0.5
    done
}

all_ok_through() {
    local port="$1"
    for _ in 1 2 3 4 5 6; do curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$port/health" || return 1; done
}

nothing_left() {
    local file pid
    for file in "$CLUSTER_STATE"/*.pid "$PUSH_STATE"/*.pid "$METRICS_PID_FILE"; do [[ -e "$file" ]] && { echo "left: $file"; return 1; }; done
    for pid in "${STARTED_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && { echo "PID $pid still runs"; return 1; }; done
    local p
    for p in $(seq "$BASE" $((BASE + 10))); do free_port "$p" || { echo "port $p still open"; return 1; }; done
}

# A push-mode node on the cluster's Redis (the cluster's own nodes run protocol-test mode, which has
# no push API), on ports BASE+6 (public) and BASE+7 (API). Traffic makes the series that appear
# only on use (callback latency per application and status, Redis commands per script): authorize
# with a callback, open an xhr session, send from it (the callback goes to the public balancer,
# whose nodes answer 404: a rejected callback), publish to the socket and to the session. Then the
# scrape must hold every series name the alert rules and the dashboard use.
metrics_cover_rules_and_dashboard() {
    local public=$((BASE + 6)) api=$((BASE + 7)) log="$WORK/metrics-node.log" socket flags pid
    flags=(--node-id=validate-metrics --bind-host=127.0.0.1 --public-port="$public" --api-port="$api"
           --redis-url="redis://127.0.0.1:$((BASE + 8))" --redis-key-prefix=validate-metrics:
           --applications=validate:validate-secret-0123456789 --callback-retry-budget=1s)
    # Nodes that refuse loopback callbacks allow them with this setting; older builds do not know it.
    # run calls this in a subshell: the PID goes to a file, for stop_metrics_node and cleanup.
    java -jar "$JAR" "${flags[@]}" --callback-allow-networks=127.0.0.0/8 >"$log" 2>&1 &
    pid=$!; echo "$pid" > "$METRICS_PID_FILE"
    if ! node_answers "$pid" "$api"; then
        # Only a node that exited over the unknown setting is started again, without it.
        if kill -0 "$pid" 2>/dev/null || ! grep -q "callback-allow-networks" "$log"; then cat "$log"; return 1; fi
        java -jar "$JAR" "${flags[@]}" >"$log" 2>&1 &
        pid=$!; echo "$pid" > "$METRICS_PID_FILE"
        node_answers "$pid" "$api" || { cat "$log"; return 1; }
    fi
    socket="$(curl -fsS --max-time 5 -X POST "http://127.0.0.1:$api/authorize/validate-secret-0123456789/metrics" \
        -d "{\"callback\": \"http://127.0.0.1:$((BASE + 9))/callback-sink\"}" | sed -n 's/.*"socket_id":"\([^"]*\)".*/\1/p')"
    [[ -n "$socket" ]] || { echo "authorize failed"; return 1; }
    curl -fsS --max-time 5 -o /dev/null -X POST "http://127.0.0.1:$public/$socket/000/s1/xhr" || return 1
    curl -fsS --max-time 5 -o /dev/null -X POST "http://127.0.0.1:$public/$socket/000/s1/xhr_send" -d '["to the callback"]' || return 1
    curl -fsS --max-time 5 -o /dev/null -X POST "http://127.0.0.1:$api/publish/$socket" -d '{"message": "to the socket"}' || return 1
    curl -fsS --max-time 5 -o /dev/null -X POST "http://127.0.0.1:$api/publish/$socket/s1" -d '{"message": "to the session"}' || return 1
    # The callback is sent asynchronously: wait for its latency series before the real check.
    eventually 15 bash -c 'curl -fsS --max-time 2 "$0" | grep -q "^ws_callback_latency_seconds_count"' \
        "http://127.0.0.1:$api/metrics" || { echo "no callback attempt within 15s"; return 1; }
    curl -fsS --max-time 5 "http://127.0.0.1:$api/metrics" > "$WORK/metrics.txt" || return 1
    "$PYTHON" "$DEPLOY/check_metrics.py" names "$WORK/metrics.txt" "$DEPLOY/prometheus/alerts.yml" \
        "$DEPLOY/grafana/wildcloud-websockets.json"
}

# node_answers PID API_PORT: the node's /health answers 200 within 60s, while PID lives.
node_answers() {
    for _ in $(seq 1 120); do
        curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$2/health" && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.5
    done
    return 1
}

stop_metrics_node() {
    local pid
    [[ -f "$METRICS_PID_FILE" ]] || return 0
    pid="$(cat "$METRICS_PID_FILE")"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 70); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$METRICS_PID_FILE"; return 0; }
        sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null
    rm -f "$METRICS_PID_FILE"
    echo "the metrics node did not stop within 35s of SIGTERM"
    return 1
}

cluster_checks() {
    local missing="" tool f output engine=redis
    for tool in redis-server redis-cli curl java nginx ss; do command -v "$tool" >/dev/null || missing+=" $tool"; done
    [[ -n "$JAR" ]] || JAR="$(ls "$REPO"/ws-node/target/ws-node-*-all.jar 2>/dev/null | head -n 1)"
    [[ -n "$JAR" && -f "$JAR" ]] || missing+=" the node jar (mvn -B -DskipTests package)"
    [[ -n "$PYTHON" ]] || missing+=" python3-yaml"
    if [[ -n "$missing" ]]; then
        skip "local cluster: missing$missing"
    elif ! BASE="$(pick_base)"; then
        fail "local cluster: no free range of ports found"
    else
        # Ports: nodes BASE..BASE+5, redis BASE+8, balancer BASE+9 (public) and BASE+10 (API).
        cluster=("$DEPLOY/local-cluster.sh")
        flags=(--state-dir "$CLUSTER_STATE" --nodes 3 --node-base-port "$BASE" --redis-port $((BASE + 8))
               --port $((BASE + 9)) --api-port $((BASE + 10)) --jar "$JAR" --timeout 90
               --applications validate:validate-secret-0123456789 --node-arg=--mode=protocol-test
               --balancer-sources 3 --node-arg=--max-connections-per-address=1)
        if ! output="$("${cluster[@]}" start "${flags[@]}" 2>&1)" \
                && grep -q "Redis engine is not available in this build" <<< "$output"; then
            # Until the Redis engine lands the node refuses redis-url; the tooling is still checked.
            echo "note  this build has no Redis engine yet: the cluster runs with --engine memory"
            flags+=(--engine memory); engine=memory
            output="$("${cluster[@]}" start "${flags[@]}" 2>&1)"
        fi
        # The later steps mean nothing without a cluster: one failure, not ten.
        if [[ ! -f "$CLUSTER_STATE/settings.sh" ]]; then
            fail "local-cluster.sh start" "$output"
            return
        fi
        pass "local-cluster.sh start ($engine engine, 3 nodes, nginx)"
        STARTED_PIDS=()
        for f in "$CLUSTER_STATE"/*.pid; do [[ -e "$f" ]] && STARTED_PIDS+=("$(cut -d' ' -f1 "$f")"); done
        run "local-cluster.sh status: all up" "${cluster[@]}" status --state-dir "$CLUSTER_STATE"
        run "public balancer: round robin over 3 nodes" balanced $((BASE + 9))
        run "API balancer: round robin over 3 nodes" balanced $((BASE + 10))
        run "Dockerfile HEALTHCHECK command against a live node" dockerfile_healthcheck $((BASE + 1))
        run "public balancer: SockJS websocket upgrade (101, open frame)" websocket_through $((BASE + 9))
        run "public balancer: xhr_streaming frames arrive while the response is open" streaming_through $((BASE + 9))
        run "public balancer: nginx reaches the nodes from 127.0.1.1-3 (--balancer-sources 3)" upstream_sources $((BASE + 9))
        run "public balancer: clients counted under their own addresses (trusted-proxies), 12 streams at a cap of 1" \
            clients_counted_apart $((BASE + 9))
        if [[ "$engine" == redis ]]; then
            run "alert rules and dashboard: every series they use is in a push node's /metrics (Redis engine, after traffic)" \
                metrics_cover_rules_and_dashboard
        else
            fail "alert rules and dashboard against /metrics: needs the Redis engine (the Redis series)"
        fi
        run "the metrics node stops on SIGTERM" stop_metrics_node
        run "local-cluster.sh stop-node 2 (SIGTERM, drain)" "${cluster[@]}" stop-node 2 --state-dir "$CLUSTER_STATE"
        run "status reports node-2 down" bash -c '! "$0" status --state-dir "$1"' "$DEPLOY/local-cluster.sh" "$CLUSTER_STATE"
        run "with node-2 gone every request through the balancer succeeds" all_ok_through $((BASE + 9))
        run "local-cluster.sh start-node 2" "${cluster[@]}" start-node 2 --state-dir "$CLUSTER_STATE"
        [[ -e "$CLUSTER_STATE/node-2.pid" ]] && STARTED_PIDS+=("$(cut -d' ' -f1 "$CLUSTER_STATE/node-2.pid")")
        # nginx keeps a node that refused a connection out for fail_timeout (5s), then tries it again.
        run "public balancer: round robin over 3 nodes again (within 15s)" eventually 15 balanced $((BASE + 9))
        run "local-cluster.sh stop" "${cluster[@]}" stop --state-dir "$CLUSTER_STATE"
        run "stop left no process, PID file or open port" nothing_left
        if [[ "$engine" == redis ]]; then
            run "public balancer: a client flooding unknown socket ids gets 404 at once past its budget, another is served (push node)" \
                unknown_sockets_refused_per_client
            run "local-cluster.sh stop (push cluster)" "${cluster[@]}" stop --state-dir "$PUSH_STATE"
            run "stop left no process, PID file or open port (push cluster)" nothing_left
        fi
    fi
}

PYTHON="$(find_python)" || PYTHON=""
[[ "$STATIC" == no ]] || static_checks
[[ "$CLUSTER" == no ]] || cluster_checks

echo "validate: $passed passed, $failed failed, $skipped skipped"
if (( failed > 0 )); then exit 1; fi
if (( skipped > 0 )) && [[ "$STRICT" == true ]]; then echo "validate: steps were skipped and --strict/CI=true is set"; exit 1; fi
exit 0
