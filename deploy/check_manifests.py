#!/usr/bin/env python3
"""Checks what Docker and a Kubernetes API server would check first, where neither runs.

Parses deploy/docker-compose.yml and every deploy/k8s/*.yaml (python3-yaml), then checks the
properties the cluster depends on: round robin without stickiness, probes on the right ports,
a grace period longer than the drain, API port never public, references that resolve.
Usage: check_manifests.py DEPLOY_DIR. Prints one line per check; exits 1 if any failed.
"""
import ipaddress
import pathlib
import re
import sys

import yaml

failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def seconds(text):
    match = re.fullmatch(r"(\d+)(ms|s|m|h)", str(text))
    if not match:
        return None
    return int(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def persists(args):
    """Whether redis-server's arguments turn AOF on (the README: Redis must keep its data)."""
    return any(a == "--appendonly" and i + 1 < len(args) and args[i + 1] == "yes" for i, a in enumerate(args))


def check_compose(deploy):
    compose = yaml.safe_load((deploy / "docker-compose.yml").read_text())
    services = compose.get("services", {})
    nodes = {name: s for name, s in services.items() if re.fullmatch(r"node\d+", name)}
    check(len(nodes) == 3, "compose: three nodes")
    check("redis" in services and str(services["redis"].get("image", "")).startswith("redis:7"),
          "compose: redis service on redis:7")
    redis_command = [str(a) for a in services.get("redis", {}).get("command", [])]
    check(persists(redis_command) and any(str(v).endswith(":/data") for v in services.get("redis", {}).get("volumes", [])),
          "compose: redis keeps its data across a restart (AOF on a volume, README)")
    ids = [n.get("environment", {}).get("WS_NODE_ID") for n in nodes.values()]
    check(None not in ids and len(set(ids)) == len(ids), "compose: distinct WS_NODE_ID per node")
    check(all(str(n.get("environment", {}).get("WS_REDIS_URL", "")).startswith("redis://redis:")
              for n in nodes.values()), "compose: every node has WS_REDIS_URL to the redis service")
    drain = min(seconds(n.get("environment", {}).get("WS_DRAIN_TIMEOUT", "20s")) for n in nodes.values())
    check(all(seconds(n.get("stop_grace_period", "10s")) > drain for n in nodes.values()),
          "compose: stop_grace_period above drain-timeout")
    check(all("ports" not in n for n in nodes.values()), "compose: nodes publish no port (balancer only)")
    for balancer in ("nginx", "haproxy"):
        ports = [str(p) for p in services.get(balancer, {}).get("ports", [])]
        api = [p for p in ports if p.endswith(":8081")]
        check(len(ports) == 2 and len(api) == 1 and api[0].startswith("127.0.0.1:"),
              f"compose: {balancer} publishes public port and API port on loopback only")
    # Behind an untrusted balancer every client counts under its address: 2,000 connections a node.
    balancer_ips = {str(services.get(b, {}).get("networks", {}).get("default", {}).get("ipv4_address"))
                    for b in ("nginx", "haproxy")}
    subnets = [c.get("subnet") for c in compose.get("networks", {}).get("default", {}).get("ipam", {}).get("config", [])]
    check(all(set(str(n.get("environment", {}).get("WS_TRUSTED_PROXIES", "")).split(",")) == balancer_ips
              for n in nodes.values()) and "None" not in balancer_ips,
          "compose: every node trusts exactly the balancers' fixed addresses (WS_TRUSTED_PROXIES)")
    # Trusting the balancers, each client address can have its own unknown-socket budget; off, one
    # client guessing socket ids makes Redis answer every guess (README, "Unknown sockets").
    check(all(unknown_budget_on(n.get("environment", {})) for n in nodes.values()),
          "compose: every node has the unknown-socket budget on (WS_MAX_UNKNOWN_SOCKETS_PER_SECOND"
          " 1-1000, WS_UNKNOWN_SOCKET_BURST at least it)")
    check(len(subnets) == 1 and all(ip.startswith(subnets[0].rsplit(".", 1)[0] + ".") for ip in balancer_ips),
          "compose: the balancers' addresses are in the network's pinned subnet")
    ranges = [c.get("ip_range") for c in compose.get("networks", {}).get("default", {}).get("ipam", {}).get("config", [])]
    dynamic = ipaddress.ip_network(ranges[0]) if ranges and ranges[0] else None
    check(dynamic is not None and not any(ipaddress.ip_address(ip) in dynamic for ip in balancer_ips if ip != "None"),
          "compose: other containers' addresses (ip_range) never take the balancers' fixed ones")
    for mount in services["nginx"].get("volumes", []) + services["haproxy"].get("volumes", []):
        check((deploy / mount.split(":")[0]).is_file(), f"compose: mounted file {mount.split(':')[0]} exists")


def unknown_budget_on(env):
    """Whether WS_* settings turn the unknown-socket budget on at a sane rate, burst (default 100) at least it."""
    try:
        rate = int(str(env.get("WS_MAX_UNKNOWN_SOCKETS_PER_SECOND", "0")))
        burst = int(str(env.get("WS_UNKNOWN_SOCKET_BURST", "100")))
    except ValueError:
        return False
    return 1 <= rate <= 1000 and rate <= burst <= 100_000


def load_k8s(deploy):
    objects = []
    for path in sorted((deploy / "k8s").glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                check(all(doc.get(k) for k in ("apiVersion", "kind")) and doc.get("metadata", {}).get("name"),
                      f"k8s: {path.name} {doc.get('kind')} has apiVersion, kind, metadata.name")
                objects.append(doc)
    kustomization = yaml.safe_load((deploy / "k8s" / "kustomization.yaml").read_text())
    listed = set(kustomization.get("resources", []))
    present = {p.name for p in (deploy / "k8s").glob("*.yaml")} - {"kustomization.yaml"}
    check(listed == present, "k8s: kustomization lists every manifest")
    return objects


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_k8s(deploy):
    objects = load_k8s(deploy)
    by_kind = {}
    for o in objects:
        by_kind.setdefault(o["kind"], {})[o["metadata"]["name"]] = o
    deployment = by_kind["Deployment"]["wildcloud-ws"]
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"]["labels"]
    container = pod["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    check(spec["replicas"] == 3, "k8s: Deployment runs 3 replicas")
    redis = by_kind.get("StatefulSet", {}).get("wildcloud-ws-redis")
    if redis is not None:
        redis_pod = redis["spec"]["template"]["spec"]
        mounts = [m["mountPath"] for m in redis_pod["containers"][0].get("volumeMounts", [])]
        check(persists([str(a) for a in redis_pod["containers"][0].get("args", [])]) and "/data" in mounts,
              "k8s: the trial Redis keeps its data across a container restart (AOF on a volume, README)")
    check(matches(spec["selector"]["matchLabels"], labels), "k8s: Deployment selector matches pod labels")
    check(ports == {"public": 8080, "api": 8081}, "k8s: container ports public 8080 and api 8081")
    ready, live = container.get("readinessProbe", {}), container.get("livenessProbe", {})
    startup = container.get("startupProbe", {})
    check(ready.get("httpGet", {}).get("path") == "/health/ready" and ports.get(ready["httpGet"]["port"]) == 8080,
          "k8s: readiness probe GET /health/ready on 8080")
    check(live.get("httpGet", {}).get("path") == "/health/live" and ports.get(live["httpGet"]["port"]) == 8081,
          "k8s: liveness probe GET /health/live on 8081 (never fails on a store outage)")
    check(startup.get("httpGet", {}).get("path") == "/health/live",
          "k8s: startup probe GET /health/live (it gates liveness)")
    check(live.get("failureThreshold", 3) * live.get("periodSeconds", 10) >= 20,
          "k8s: liveness tolerates at least 20s of failures")
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    check(pre_stop[:1] == ["sleep"], "k8s: preStop hook waits before SIGTERM")
    config = by_kind["ConfigMap"]["wildcloud-ws-config"]["data"]
    budget = (int(pre_stop[1]) if len(pre_stop) > 1 else 0) + seconds(config.get("WS_DRAIN_TIMEOUT", "20s"))
    check(pod.get("terminationGracePeriodSeconds", 30) > budget,
          f"k8s: terminationGracePeriodSeconds above preStop + drain-timeout ({budget}s)")
    check(pod.get("enableServiceLinks") is False, "k8s: enableServiceLinks false (no stray WS_* variables)")
    check("requests" in container.get("resources", {}) and "limits" in container.get("resources", {}),
          "k8s: container resources set")
    refs = [(e.get("configMapRef") or e.get("secretRef")) for e in container.get("envFrom", [])]
    kinds = ["ConfigMap" if "configMapRef" in e else "Secret" for e in container.get("envFrom", [])]
    check(set(kinds) == {"ConfigMap", "Secret"} and all(r["name"] in by_kind.get(k, {}) for r, k in zip(refs, kinds)),
          "k8s: env from the ConfigMap and the applications Secret, both defined")
    check("WS_APPLICATIONS" in by_kind["Secret"]["wildcloud-ws-applications"].get("stringData", {})
          and "WS_APPLICATIONS" not in config, "k8s: applications come from the Secret only")
    check(all(k.startswith("WS_") for k in config), "k8s: ConfigMap keys are WS_* settings")
    check(bool(config.get("WS_TRUSTED_PROXIES")), "k8s: ConfigMap sets WS_TRUSTED_PROXIES (the ingress's X-Forwarded-For)")
    check(unknown_budget_on(config), "k8s: ConfigMap turns the unknown-socket budget on"
          " (WS_MAX_UNKNOWN_SOCKETS_PER_SECOND 1-1000, WS_UNKNOWN_SOCKET_BURST at least it)")
    services = by_kind.get("Service", {})
    node_services = {n: s for n, s in services.items() if matches(s["spec"].get("selector"), labels)}
    check(len(node_services) == 2, "k8s: two Services select the nodes (public and API)")
    for name, service in node_services.items():
        target = {p["targetPort"] for p in service["spec"]["ports"]}
        check(len(target) == 1 and target <= set(ports), f"k8s: Service {name} targets one named container port")
        check(service["spec"].get("sessionAffinity", "None") == "None", f"k8s: Service {name} has no session affinity")
    check({next(iter({p["targetPort"] for p in s["spec"]["ports"]})) for s in node_services.values()} == {"public", "api"},
          "k8s: public and API ports behind separate Services")
    check(not any(n.lower().startswith("ws") for n in services), "k8s: no Service name starts with ws")
    pdb = by_kind["PodDisruptionBudget"]["wildcloud-ws"]
    check(matches(pdb["spec"]["selector"]["matchLabels"], labels), "k8s: PodDisruptionBudget selects the nodes")
    redis_url = config.get("WS_REDIS_URL", "")
    check(any(redis_url.startswith(f"redis://{n}:") for n in services), "k8s: WS_REDIS_URL names a defined Service")


def check_balancers(deploy):
    for name in ("nginx/nginx.conf", "nginx/local-cluster.conf.template"):
        text = (deploy / name).read_text()
        code = "\n".join(line.split("#")[0] for line in text.splitlines())
        check(not re.search(r"\b(ip_hash|hash|sticky)\b", code), f"{name}: no stickiness")
        check("proxy_next_upstream error timeout non_idempotent;" in code, f"{name}: public retries on a dead node")
    common = (deploy / "nginx/proxy-common.conf").read_text()
    for directive in ("proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                      "proxy_buffering off;", "proxy_read_timeout 90s;"):
        check(directive in common, f"nginx/proxy-common.conf: {directive}")
    haproxy = (deploy / "haproxy/haproxy.cfg").read_text()
    code = "\n".join(line.split("#")[0] for line in haproxy.splitlines())
    check(code.count("balance roundrobin") == 2 and not re.search(r"^\s*(cookie|stick)", code, re.M),
          "haproxy.cfg: round robin, no cookie, no stick table")
    check(re.search(r"timeout tunnel", code) is not None, "haproxy.cfg: websocket tunnel timeout")
    check(code.count("option forwardfor") == 2, "haproxy.cfg: both backends send X-Forwarded-For")
    check("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in common,
          "nginx/proxy-common.conf: sends X-Forwarded-For")
    script = (deploy / "local-cluster.sh").read_text()
    check(re.search(r'--trusted-proxies="\$TRUSTED_PROXIES"', script) is not None,
          "local-cluster.sh: nodes trust nginx's source addresses (--trusted-proxies)")
    default = re.search(r"^UNKNOWN_SOCKETS_PER_SECOND=(\d+)$", script, re.M)
    check(re.search(r'--max-unknown-sockets-per-second="\$UNKNOWN_SOCKETS_PER_SECOND"', script) is not None
          and default is not None and 1 <= int(default.group(1)) <= 1000,
          "local-cluster.sh: nodes have the unknown-socket budget on by default (--max-unknown-sockets-per-second)")
    # A stream HAProxy retried on another node has its server side half-closed: server-fin then
    # applies, and must outlive a heartbeat (25 s) plus a store stall (redis-stall-bound, 40 s).
    server_fin = re.search(r"timeout server-fin (\S+)", code)
    check(server_fin is None or (seconds(server_fin.group(1)) or 0) >= 65,
          "haproxy.cfg: server-fin unset or at least 65s (a redispatched stream lives through a stall)")
    check(code.count("http-check send meth GET uri /health/ready") == 2 and "uri /health\n" not in code,
          "haproxy.cfg: both backends check readiness (/health/ready)")
    check(code.count("option allbackups") == 2 and len(re.findall(r"^\s*server \S+ \S+ backup no-check$", code, re.M)) == 6,
          "haproxy.cfg: every node again as an unchecked backup, for when all are unready")


def check_dockerfile(deploy):
    text = (deploy / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", text, re.M)
    check(stages[:1] == ["maven:3-eclipse-temurin-17"] and stages[-1:] == ["eclipse-temurin:17-jre"],
          "Dockerfile: Maven build stage, JRE runtime stage")
    check(re.search(r"^USER (?!0\b|root\b)\S+", text, re.M) is not None, "Dockerfile: runs as a non-root user")
    check(re.search(r"^EXPOSE 8080 8081$", text, re.M) is not None, "Dockerfile: EXPOSE 8080 8081")
    check(re.search(r"^HEALTHCHECK .*\n?.*CMD \[", text, re.M) is not None, "Dockerfile: HEALTHCHECK")
    check(re.search(r"^STOPSIGNAL SIGTERM$", text, re.M) is not None, "Dockerfile: STOPSIGNAL SIGTERM")
    check(re.search(r'^ENTRYPOINT \["java",', text, re.M) is not None, "Dockerfile: exec-form java entrypoint")
    check(re.search(r'^ENTRYPOINT \["java", "-XX:\+ExitOnOutOfMemoryError",', text, re.M) is not None,
          "Dockerfile: the entrypoint exits on OutOfMemoryError (not only JAVA_TOOL_OPTIONS, which operators replace)")


EXIT_ON_OOM = "-XX:+ExitOnOutOfMemoryError"


def check_exit_on_oom(deploy):
    """Every shipped way to start a node exits on OOM, so a node out of memory is replaced, not wedged."""
    compose = yaml.safe_load((deploy / "docker-compose.yml").read_text())
    nodes = [s for name, s in compose.get("services", {}).items() if re.fullmatch(r"node\d+", name)]
    check(all(EXIT_ON_OOM in str(n.get("entrypoint", EXIT_ON_OOM)) for n in nodes),
          "compose: nodes keep the image's entrypoint (which exits on OOM)")
    containers = [o["spec"]["template"]["spec"]["containers"][0] for o in load_k8s(deploy) if o["kind"] == "Deployment"]
    check(all(EXIT_ON_OOM in " ".join(c.get("command", [EXIT_ON_OOM])) for c in containers),
          "k8s: the node container keeps the image's entrypoint (which exits on OOM)")
    script = (deploy / "local-cluster.sh").read_text()
    starts = [line for line in script.splitlines() if re.search(r"\bjava\b.* -jar ", line)]
    check(bool(starts) and all(EXIT_ON_OOM in line for line in starts),
          "local-cluster.sh: nodes start with " + EXIT_ON_OOM)
    readme = (deploy.parent / "README.md").read_text()
    # Examples that start a node; --help and --version print and exit, so they start none.
    runs = [line for line in readme.splitlines() if re.match(r"\s*java .*ws-node.*\.jar", line)
            and not re.search(r"\s--(help|version)\b", line)]
    check(bool(runs) and all(EXIT_ON_OOM in line for line in runs),
          "README: every java -jar example that starts a node has " + EXIT_ON_OOM)


def main():
    deploy = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent)
    for step in (check_compose, check_k8s, check_balancers, check_dockerfile, check_exit_on_oom):
        try:
            step(deploy)
        except (KeyError, IndexError, TypeError, StopIteration, yaml.YAMLError) as e:
            check(False, f"{step.__name__}: {type(e).__name__}: {e}")
    print(f"manifests: {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
