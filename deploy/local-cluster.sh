#!/usr/bin/env bash
# A Wildcloud Websockets cluster on one machine, without Docker: a Redis, N nodes from the shaded
# jar, and nginx doing plain round robin (no stickiness) over the nodes' public ports, with a
# second nginx listener round-robining their API ports. Operators and the load tests use it.
#
#   deploy/local-cluster.sh start [flags]    start everything, wait for every /health/ready, print URLs
#   deploy/local-cluster.sh status [flags]   what runs, and each node's /health/ready (exit 1 if not all up)
#   deploy/local-cluster.sh stop [flags]     stop what start started (by recorded PID), nothing else
#   deploy/local-cluster.sh stop-node I      SIGTERM node I (drains), to watch clients move on
#   deploy/local-cluster.sh start-node I     start node I again with the settings of the last start
#   deploy/local-cluster.sh check-config     write the nginx config into the state dir and nginx -t it
#
# Flags (start; stop/status only need --state-dir if it is not the default):
#   --nodes N            nodes to run (3)
#   --port P             public balancer port, SockJS (8080)
#   --api-port P         API balancer port, on 127.0.0.1 only (8081)
#   --node-base-port P   node I listens on P+2(I-1) (public) and P+2(I-1)+1 (API) (18080)
#   --redis-port P       port of the Redis this script starts (16379)
#   --redis-url URL      use this Redis instead of starting one
#   --engine memory      no Redis: each node keeps its own sessions, so SockJS sessions break under
#                        round robin. Only for checking the tooling with a build without Redis.
#   --state-dir D        PIDs, logs, nginx prefix, cluster.env (${TMPDIR:-/tmp}/wildcloud-local-cluster)
#   --jar PATH           node jar (ws-node/target/ws-node-*-all.jar; build: mvn -B -DskipTests package)
#   --applications A     name:secret,... for the API (passed in the environment, not on argv)
#   --listen-host H      address of the public balancer (127.0.0.1; 0.0.0.0 to reach it from elsewhere)
#   --node-arg ARG       extra flag for every node, e.g. --node-arg=--heartbeat-interval=5s (repeatable)
#   --java-opts OPTS     JVM options for the nodes ("-Xmx512m")
#   --timeout S          seconds to wait for each process to become healthy (60)
#   --access-log         write nginx's access log (off by default: load tests would fill the disk)
#   --balancer-workers N nginx worker processes (2). Each worker holds two descriptors per websocket
#                        (client and node side) within the per-process open-files limit: 100,000
#                        sessions under a 20,000 limit need 11, take 14 for slack (the public port is then
#                        reuseport, so the kernel spreads new connections over the workers)
#   --balancer-sources N nginx connects to the nodes from N loopback addresses, 127.0.1.1 to
#                        127.0.1.N, one picked per client connection (1: the system's choice,
#                        127.0.0.1). One source address reaches one node over the ephemeral port
#                        range only (32768-60999 by default, ~28,000 ports, fewer when load
#                        generators bind ports of their own): 100,000 sessions on 6 nodes need more
#   --unknown-sockets-per-second N
#                        each client address's answers for unknown socket ids a node gives by asking
#                        Redis, a second (10; burst 100); past it, 404 at once. 0 turns it off: do so
#                        when one address stands for many users (a load generator on this machine is
#                        one address, 127.0.0.1, though the sockets it met stay served)
#
# After start, <state-dir>/cluster.env holds PUBLIC_URL, API_URL, REDIS_URL and NODE_*_URL for scripts.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$SCRIPT_DIR")"
readonly SCRIPT_DIR REPO_DIR

NODES=3
PUBLIC_PORT=8080
API_PORT=8081
NODE_BASE_PORT=18080
REDIS_PORT=16379
REDIS_URL=""
ENGINE=redis
STATE_DIR="${TMPDIR:-/tmp}/wildcloud-local-cluster"
JAR=""
APPLICATIONS=""
LISTEN_HOST=127.0.0.1
NODE_ARGS=()
JAVA_OPTS="-Xmx512m"
TIMEOUT=60
ACCESS_LOG=off
BALANCER_WORKERS=2
BALANCER_SOURCES=1
TRUSTED_PROXIES=127.0.0.1,127.0.1.0/24
# The nodes trust nginx's X-Forwarded-For, so each client address has its own budget of unknown
# socket ids (README, "Unknown sockets"): one client guessing ids cannot make Redis answer for all.
UNKNOWN_SOCKETS_PER_SECOND=10

die() { echo "local-cluster: $*" >&2; exit 1; }
say() { echo "local-cluster: $*"; }

need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }

parse_flags() {
    while [[ $# -gt 0 ]]; do
        local flag="$1" value=""
        if [[ "$flag" == --*=* ]]; then value="${flag#*=}"; flag="${flag%%=*}"; set -- "$flag" "$value" "${@:2}"; fi
        case "$flag" in
            --nodes) need_value "$@"; NODES="$2"; shift 2 ;;
            --port) need_value "$@"; PUBLIC_PORT="$2"; shift 2 ;;
            --api-port) need_value "$@"; API_PORT="$2"; shift 2 ;;
            --node-base-port) need_value "$@"; NODE_BASE_PORT="$2"; shift 2 ;;
            --redis-port) need_value "$@"; REDIS_PORT="$2"; shift 2 ;;
            --redis-url) need_value "$@"; REDIS_URL="$2"; shift 2 ;;
            --engine) need_value "$@"; ENGINE="$2"; shift 2 ;;
            --state-dir) need_value "$@"; STATE_DIR="$2"; shift 2 ;;
            --jar) need_value "$@"; JAR="$2"; shift 2 ;;
            --applications) need_value "$@"; APPLICATIONS="$2"; shift 2 ;;
            --listen-host) need_value "$@"; LISTEN_HOST="$2"; shift 2 ;;
            --node-arg) need_value "$@"; NODE_ARGS+=("$2"); shift 2 ;;
            --java-opts) need_value "$@"; JAVA_OPTS="$2"; shift 2 ;;
            --timeout) need_value "$@"; TIMEOUT="$2"; shift 2 ;;
            --access-log) ACCESS_LOG=on; shift ;;
            --balancer-workers) need_value "$@"; BALANCER_WORKERS="$2"; shift 2 ;;
            --balancer-sources) need_value "$@"; BALANCER_SOURCES="$2"; shift 2 ;;
            --unknown-sockets-per-second) need_value "$@"; UNKNOWN_SOCKETS_PER_SECOND="$2"; shift 2 ;;
            -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
            *) die "unknown flag $1 (see --help)" ;;
        esac
    done
    local n
    for n in NODES PUBLIC_PORT API_PORT NODE_BASE_PORT REDIS_PORT TIMEOUT BALANCER_SOURCES UNKNOWN_SOCKETS_PER_SECOND; do
        [[ "${!n}" =~ ^[0-9]+$ ]] || die "${n,,} must be a whole number, not '${!n}'"
    done
    (( NODES >= 1 && NODES <= 64 )) || die "--nodes must be between 1 and 64"
    (( BALANCER_SOURCES >= 1 && BALANCER_SOURCES <= 254 )) || die "--balancer-sources must be between 1 and 254"
    [[ "$ENGINE" == redis || "$ENGINE" == memory ]] || die "--engine must be redis or memory"
    STATE_DIR="$(mkdir -p "$STATE_DIR" && cd "$STATE_DIR" && pwd)"
}

# ---- processes: a PID file holds "PID STARTTIME" so a recycled PID is never mistaken for ours ----

start_time_of() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || true; }

record_pid() { echo "$2 $(start_time_of "$2")" > "$STATE_DIR/$1.pid"; }

# Prints the PID recorded under NAME if that very process still runs.
live_pid() {
    local file="$STATE_DIR/$1.pid" pid started
    [[ -f "$file" ]] || return 1
    read -r pid started < "$file" || return 1
    [[ -n "$pid" && -n "$started" && "$(start_time_of "$pid")" == "$started" ]] || return 1
    echo "$pid"
}

# Sends SIGNAL to NAME's recorded process and waits up to SECONDS for it to exit, then SIGKILLs it.
stop_process() {
    local name="$1" signal="$2" seconds="$3" pid deadline
    if ! pid="$(live_pid "$name")"; then rm -f "$STATE_DIR/$name.pid"; return 0; fi
    kill "-$signal" "$pid" 2>/dev/null || true
    deadline=$((SECONDS + seconds))
    while live_pid "$name" >/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    if live_pid "$name" >/dev/null; then
        say "$name (PID $pid) still runs after ${seconds}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    rm -f "$STATE_DIR/$name.pid"
    say "stopped $name (PID $pid)"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until COMMAND succeeds, at most TIMEOUT seconds, failing early if NAME's process died.
wait_until() {
    local name="$1"; shift
    local deadline=$((SECONDS + TIMEOUT))
    until "$@" >/dev/null 2>&1; do
        live_pid "$name" >/dev/null || { tail -n 20 "$STATE_DIR/logs/$name.log" >&2 2>/dev/null; die "$name exited; log: $STATE_DIR/logs/$name.log"; }
        (( SECONDS < deadline )) || { tail -n 20 "$STATE_DIR/logs/$name.log" >&2 2>/dev/null; die "$name not ready after ${TIMEOUT}s; log: $STATE_DIR/logs/$name.log"; }
        sleep 0.25
    done
}

# Readiness: the node serves and its store answers (through nginx: some node is ready).
health_ok() { curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$1/health/ready"; }

node_public_port() { echo $((NODE_BASE_PORT + 2 * ($1 - 1))); }
node_api_port() { echo $((NODE_BASE_PORT + 2 * ($1 - 1) + 1)); }

# ---- the parts ---------------------------------------------------------------------------------

start_redis() {
    if [[ "$ENGINE" == memory ]]; then
        say "WARNING: memory engine, no Redis: sessions do not survive round robin (tooling checks only)"
        return
    fi
    if [[ -n "$REDIS_URL" ]]; then say "using Redis at $REDIS_URL"; return; fi
    command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server) or pass --redis-url"
    port_free "$REDIS_PORT" || die "Redis port $REDIS_PORT is taken; choose --redis-port"
    mkdir -p "$STATE_DIR/redis"
    # Bound to loopback, no persistence (session state is short-lived), never evict.
    nohup redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE_DIR/redis" \
        --save "" --appendonly no --maxmemory-policy noeviction --hash-max-listpack-value 512 --daemonize no \
        < /dev/null > "$STATE_DIR/logs/redis.log" 2>&1 &
    record_pid redis $!
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
    wait_until redis redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
    say "redis    PID $(live_pid redis)  $REDIS_URL"
}

start_node() {
    local i="$1" public api
    public="$(node_public_port "$i")"; api="$(node_api_port "$i")"
    if ! port_free "$public" || ! port_free "$api"; then
        die "node $i ports $public/$api are taken; choose --node-base-port"
    fi
    # The secret travels in the environment, not on argv where ps shows it to every user.
    local -a secret_env=()
    [[ -n "$APPLICATIONS" ]] && secret_env+=("WS_APPLICATIONS=$APPLICATIONS")
    local -a engine_flag=()
    [[ "$ENGINE" == memory ]] || engine_flag=(--redis-url="$REDIS_URL")
    # nginx connects from 127.0.0.1 or its --balancer-sources (127.0.1.x): believing its
    # X-Forwarded-For counts each client under its own address, not all under nginx's (which
    # max-connections-per-address would cap at 2,000 a node).
    # A node out of memory exits (and is seen dead) instead of wedging with its ports bound.
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    env "${secret_env[@]}" nohup java -XX:+ExitOnOutOfMemoryError $JAVA_OPTS -jar "$JAR" \
        --node-id="local-$i" --bind-host=127.0.0.1 --api-bind-host=127.0.0.1 \
        --public-port="$public" --api-port="$api" --trusted-proxies="$TRUSTED_PROXIES" \
        --max-unknown-sockets-per-second="$UNKNOWN_SOCKETS_PER_SECOND" \
        "${engine_flag[@]}" "${NODE_ARGS[@]}" \
        < /dev/null > "$STATE_DIR/logs/node-$i.log" 2>&1 &
    record_pid "node-$i" $!
}

wait_node() {
    local i="$1"
    wait_until "node-$i" health_ok "$(node_public_port "$i")"
    wait_until "node-$i" health_ok "$(node_api_port "$i")"
    say "node-$i   PID $(live_pid "node-$i")  public http://127.0.0.1:$(node_public_port "$i")  api http://127.0.0.1:$(node_api_port "$i")"
}

write_nginx_config() {
    local dir="$STATE_DIR/nginx" public_servers="" api_servers="" i user_directive="" access_log="off"
    mkdir -p "$dir/tmp"
    chmod 755 "$STATE_DIR" "$dir"
    for ((i = 1; i <= NODES; i++)); do
        public_servers+="        server 127.0.0.1:$(node_public_port "$i") max_fails=1 fail_timeout=5s;"$'\n'
        api_servers+="        server 127.0.0.1:$(node_api_port "$i") max_fails=1 fail_timeout=5s;"$'\n'
    done
    # A root master would run workers as nobody; say so explicitly. Non-root: workers run as us.
    local nofile connections
    nofile="$(ulimit -n)"; [[ "$nofile" =~ ^[0-9]+$ ]] || nofile=65536
    # A worker's connections (client and node sides alike) are each one descriptor of the worker's
    # own open-files limit; keep a few hundred for the listeners, logs and upstream keepalives.
    connections=$(( nofile - 256 < 65536 ? nofile - 256 : 65536 ))
    (( EUID == 0 )) && user_directive="user nobody $(id -gn nobody 2>/dev/null || echo nogroup);"
    [[ "$ACCESS_LOG" == on ]] && access_log="$dir/access.log"
    [[ "$BALANCER_WORKERS" =~ ^[1-9][0-9]*$ ]] || die "--balancer-workers takes a positive number"
    local listen_options=""
    (( BALANCER_WORKERS > 2 )) && listen_options=" reuseport"
    # Several source addresses: split_clients hashes each client connection onto one, and
    # proxy_bind takes it without a port (nginx sets IP_BIND_ADDRESS_NO_PORT: the port is chosen
    # at connect, per destination, so each address has the whole range towards every node).
    local source_split="" proxy_bind=""
    if (( BALANCER_SOURCES > 1 )); then
        source_split="    split_clients \"\${remote_addr}:\${remote_port}\" \$upstream_source {"$'\n'
        for ((i = 1; i < BALANCER_SOURCES; i++)); do
            source_split+="        $(awk -v n="$BALANCER_SOURCES" 'BEGIN { printf "%.2f", int(10000 / n) / 100 }')% 127.0.1.$i;"$'\n'
        done
        source_split+="        * 127.0.1.$BALANCER_SOURCES;"$'\n'"    }"
        proxy_bind="            proxy_bind \$upstream_source;"
    fi
    cp "$SCRIPT_DIR/nginx/proxy-common.conf" "$dir/proxy-common.conf"
    PUBLIC_SERVERS="${public_servers%$'\n'}" API_SERVERS="${api_servers%$'\n'}" \
    USER_DIRECTIVE="$user_directive" ACCESS_LOG_PATH="$access_log" STATE="$STATE_DIR" \
    CONNECTIONS="$connections" WORKERS="$BALANCER_WORKERS" LISTEN_OPTIONS="$listen_options" LISTEN="$LISTEN_HOST" PPORT="$PUBLIC_PORT" APORT="$API_PORT" \
    SOURCE_SPLIT="$source_split" PROXY_BIND="$proxy_bind" \
    awk '{
        gsub(/@USER_DIRECTIVE@/, ENVIRON["USER_DIRECTIVE"]); gsub(/@STATE_DIR@/, ENVIRON["STATE"]);
        gsub(/@ACCESS_LOG@/, ENVIRON["ACCESS_LOG_PATH"]); gsub(/@LISTEN_HOST@/, ENVIRON["LISTEN"]);
        gsub(/@PUBLIC_PORT@/, ENVIRON["PPORT"]); gsub(/@API_PORT@/, ENVIRON["APORT"]);
        gsub(/@WORKER_CONNECTIONS@/, ENVIRON["CONNECTIONS"]); gsub(/@WORKER_PROCESSES@/, ENVIRON["WORKERS"]);
        gsub(/@LISTEN_OPTIONS@/, ENVIRON["LISTEN_OPTIONS"]);
        if ($0 ~ /@PUBLIC_SERVERS@/) { print ENVIRON["PUBLIC_SERVERS"]; next }
        if ($0 ~ /@API_SERVERS@/) { print ENVIRON["API_SERVERS"]; next }
        if ($0 ~ /@UPSTREAM_SOURCE_SPLIT@/) { if (ENVIRON["SOURCE_SPLIT"] != "") print ENVIRON["SOURCE_SPLIT"]; next }
        if ($0 ~ /@PROXY_BIND@/) { if (ENVIRON["PROXY_BIND"] != "") print ENVIRON["PROXY_BIND"]; next }
        print }' "$SCRIPT_DIR/nginx/local-cluster.conf.template" > "$dir/nginx.conf"
}

start_nginx() {
    command -v nginx >/dev/null || die "nginx not found (apt-get install nginx-light, or nginx)"
    port_free "$PUBLIC_PORT" || die "public port $PUBLIC_PORT is taken; choose --port"
    port_free "$API_PORT" || die "API port $API_PORT is taken; choose --api-port"
    write_nginx_config
    local dir="$STATE_DIR/nginx"
    # -e: the error log before the config is read; without it nginx tries /var/log/nginx.
    nginx -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" 2>&1 || die "nginx rejected $dir/nginx.conf"
    nohup nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" \
        < /dev/null > "$STATE_DIR/logs/nginx.log" 2>&1 &
    record_pid nginx $!
    wait_until nginx health_ok "$PUBLIC_PORT"
    wait_until nginx health_ok "$API_PORT"
    say "nginx    PID $(live_pid nginx)  round robin on $LISTEN_HOST:$PUBLIC_PORT (public) and 127.0.0.1:$API_PORT (API)"
}

save_settings() {
    # What start-node needs later, and what load tests source.
    # It holds the applications' secrets (start-node needs them): readable by us only.
    (umask 077; {
        printf 'NODES=%q\nPUBLIC_PORT=%q\nAPI_PORT=%q\nNODE_BASE_PORT=%q\n' "$NODES" "$PUBLIC_PORT" "$API_PORT" "$NODE_BASE_PORT"
        printf 'ENGINE=%q\nUNKNOWN_SOCKETS_PER_SECOND=%q\n' "$ENGINE" "$UNKNOWN_SOCKETS_PER_SECOND"
        printf 'REDIS_URL=%q\nJAR=%q\nJAVA_OPTS=%q\nTIMEOUT=%q\n' "$REDIS_URL" "$JAR" "$JAVA_OPTS" "$TIMEOUT"
        printf 'APPLICATIONS=%q\n' "$APPLICATIONS"
        printf 'NODE_ARGS=('; (( ${#NODE_ARGS[@]} == 0 )) || printf '%q ' "${NODE_ARGS[@]}"; printf ')\n'
    } > "$STATE_DIR/settings.sh")
    local host="$LISTEN_HOST" i
    [[ "$host" == 0.0.0.0 ]] && host=127.0.0.1
    {
        echo "PUBLIC_URL=http://$host:$PUBLIC_PORT"
        echo "API_URL=http://127.0.0.1:$API_PORT"
        echo "REDIS_URL=$REDIS_URL"
        echo "NODES=$NODES"
        for ((i = 1; i <= NODES; i++)); do
            echo "NODE_${i}_URL=http://127.0.0.1:$(node_public_port "$i")"
            echo "NODE_${i}_API_URL=http://127.0.0.1:$(node_api_port "$i")"
        done
    } > "$STATE_DIR/cluster.env"
}

# Every port is checked before anything starts, so a clash costs nothing to undo.
check_ports() {
    local i
    [[ -n "$REDIS_URL" || "$ENGINE" == memory ]] || port_free "$REDIS_PORT" || die "Redis port $REDIS_PORT is taken; choose --redis-port"
    for ((i = 1; i <= NODES; i++)); do
        if ! port_free "$(node_public_port "$i")" || ! port_free "$(node_api_port "$i")"; then
            die "node $i ports $(node_public_port "$i")/$(node_api_port "$i") are taken; choose --node-base-port"
        fi
    done
    port_free "$PUBLIC_PORT" || die "public port $PUBLIC_PORT is taken; choose --port"
    port_free "$API_PORT" || die "API port $API_PORT is taken; choose --api-port"
}

find_jar() {
    if [[ -z "$JAR" ]]; then
        JAR="$(ls "$REPO_DIR"/ws-node/target/ws-node-*-all.jar 2>/dev/null | head -n 1 || true)"
        [[ -n "$JAR" ]] || die "no ws-node/target/ws-node-*-all.jar: build it (mvn -B -DskipTests package) or pass --jar"
    fi
    [[ -f "$JAR" ]] || die "jar $JAR not found"
    JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"
    command -v java >/dev/null || die "java not found (Java 17 or later)"
    command -v curl >/dev/null || die "curl not found (apt-get install curl)"
}

# ---- commands ----------------------------------------------------------------------------------

cmd_start() {
    local name
    for name in redis nginx $(seq -f 'node-%g' 1 64); do
        ! live_pid "$name" >/dev/null || die "$name already runs from $STATE_DIR (PID $(live_pid "$name")); stop it first"
    done
    find_jar
    mkdir -p "$STATE_DIR/logs"
    # Many sessions need many descriptors: raise the soft limit to the hard one for our children.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    check_ports
    # Anything that fails from here on takes down what was started.
    trap 'say "start failed: stopping what was started"; cmd_stop >&2' EXIT
    start_redis
    local i
    for ((i = 1; i <= NODES; i++)); do start_node "$i"; done
    for ((i = 1; i <= NODES; i++)); do wait_node "$i"; done
    start_nginx
    save_settings
    trap - ERR EXIT
    say "ready: $NODES nodes behind round robin"
    say "  SockJS  $(grep ^PUBLIC_URL "$STATE_DIR/cluster.env" | cut -d= -f2-)/<socket_id>/..."
    say "  API     http://127.0.0.1:$API_PORT  (metrics per node: NODE_I_API_URL/metrics in $STATE_DIR/cluster.env)"
    say "  stop    $0 stop --state-dir $STATE_DIR"
}

cmd_stop() {
    local i
    local -a stoppers=()
    # Balancer first (no new requests), then nodes (all at once, each drains), then Redis they
    # still needed. Wait only for the stoppers: the processes themselves may be our children too.
    stop_process nginx QUIT 10
    for i in $(ls "$STATE_DIR" 2>/dev/null | sed -n 's/^node-\([0-9]*\)\.pid$/\1/p' | sort -n); do
        stop_process "node-$i" TERM 35 &
        stoppers+=($!)
    done
    (( ${#stoppers[@]} == 0 )) || wait "${stoppers[@]}"
    stop_process redis TERM 10
    return 0
}

cmd_status() {
    local name pid all_up=0 i
    [[ -f "$STATE_DIR/settings.sh" ]] || { say "no cluster started from $STATE_DIR"; return 1; }
    # shellcheck disable=SC1091
    source "$STATE_DIR/settings.sh"
    for name in redis nginx; do
        if pid="$(live_pid "$name")"; then say "$name up (PID $pid)"
        elif [[ "$name" == redis && "${ENGINE:-redis}" == memory ]]; then say "redis none (memory engine)"
        elif [[ "$name" == redis && ! -f "$STATE_DIR/redis.pid" ]]; then say "redis not ours: $REDIS_URL"
        else say "$name DOWN"; all_up=1; fi
    done
    for ((i = 1; i <= NODES; i++)); do
        if ! pid="$(live_pid "node-$i")"; then say "node-$i DOWN"; all_up=1; continue; fi
        say "node-$i up (PID $pid): $(curl -sS --max-time 2 "http://127.0.0.1:$(node_api_port "$i")/health/ready" 2>&1 || true)"
    done
    return $all_up
}

load_settings() {
    [[ -f "$STATE_DIR/settings.sh" ]] || die "no cluster started from $STATE_DIR"
    # shellcheck disable=SC1091
    source "$STATE_DIR/settings.sh"
}

node_index() {
    if ! [[ "${1:-}" =~ ^[0-9]+$ ]] || (( $1 < 1 || $1 > NODES )); then
        die "give a node number between 1 and $NODES"
    fi
}

main() {
    local command="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$command" in
        start) parse_flags "$@"; cmd_start ;;
        stop) parse_flags "$@"; cmd_stop ;;
        status) parse_flags "$@"; cmd_status ;;
        stop-node) local i="${1:-}"; shift || true; parse_flags "$@"; load_settings; node_index "$i"
            stop_process "node-$i" TERM 35 ;;
        start-node) local i="${1:-}"; shift || true; parse_flags "$@"; load_settings; node_index "$i"
            ! live_pid "node-$i" >/dev/null || die "node-$i already runs"
            mkdir -p "$STATE_DIR/logs"; ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
            start_node "$i"; wait_node "$i" ;;
        check-config) parse_flags "$@"; command -v nginx >/dev/null || die "nginx not found"
            write_nginx_config
            nginx -t -p "$STATE_DIR/nginx" -e "$STATE_DIR/nginx/error.log" -c "$STATE_DIR/nginx/nginx.conf" ;;
        -h|--help|help) parse_flags --help ;;
        *) die "usage: $0 start|stop|status|stop-node I|start-node I|check-config [flags] (see --help)" ;;
    esac
}

main "$@"
