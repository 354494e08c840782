#!/usr/bin/env python3
"""Checks the operators' files in deploy/ against the node's metrics.

  check_metrics.py dashboard DASHBOARD.json
      The Grafana dashboard is well formed: JSON, unique panel ids, every query on the
      ${datasource} variable, which exists, and panels that do not overlap.
  check_metrics.py names METRICS.txt RULES.yml DASHBOARD.json
      Every series name the alert rules and the dashboard use appears in METRICS.txt, a scrape of
      a running node's /metrics. Prometheus's own series (up) are left out; so are names after
      "$" (Grafana variables) and inside quotes (label values).

Exits 1 with the offending names or panels listed.
"""
import json
import re
import sys

import yaml

OUR_PREFIXES = ("ws_", "jvm_", "process_", "system_")
PROMETHEUS_OWN = {"up"}
TOKEN = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def dashboard_queries(dashboard):
    queries = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            queries.append((panel["title"], target["expr"]))
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        if isinstance(query, dict):
            queries.append(("variable " + variable["name"], query["query"]))
    return queries


def rule_queries(rules):
    return [(rule.get("alert") or rule.get("record"), rule["expr"])
            for group in rules["groups"] for rule in group["rules"]]


def series_names(expr):
    """The metric names an expression reads: our families and Prometheus's own."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)      # label values
    expr = re.sub(r"\$\{?\w+\}?", "", expr)               # Grafana variables, $__rate_interval
    return {t for t in TOKEN.findall(expr) if t.startswith(OUR_PREFIXES) or t in PROMETHEUS_OWN}


def exposed_names(scrape):
    names = set()
    for line in scrape.splitlines():
        if line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def check_names(metrics_file, rules_file, dashboard_file):
    exposed = exposed_names(open(metrics_file, encoding="utf-8").read())
    with open(rules_file, encoding="utf-8") as f:
        queries = rule_queries(yaml.safe_load(f))
    with open(dashboard_file, encoding="utf-8") as f:
        queries += dashboard_queries(json.load(f))
    used = {}
    for where, expr in queries:
        for name in series_names(expr):
            used.setdefault(name, []).append(where)
    missing = {name: where for name, where in used.items() if name not in exposed and name not in PROMETHEUS_OWN}
    checked = sorted(set(used) - PROMETHEUS_OWN)
    if not checked:
        print("no series names found in the rules and the dashboard")
        return 1
    for name, where in sorted(missing.items()):
        print(f"{name}: not in the node's /metrics (used by {', '.join(sorted(set(where)))})")
    if missing:
        return 1
    print(f"{len(checked)} series names of {len(queries)} queries all in /metrics: {' '.join(checked)}")
    return 0


def check_dashboard(dashboard_file):
    with open(dashboard_file, encoding="utf-8") as f:
        dashboard = json.load(f)
    problems = []
    variables = {v["name"]: v for v in dashboard.get("templating", {}).get("list", [])}
    if variables.get("datasource", {}).get("type") != "datasource" or variables["datasource"].get("query") != "prometheus":
        problems.append("no Prometheus datasource variable named datasource")
    ids = [p["id"] for p in dashboard["panels"]]
    if len(ids) != len(set(ids)):
        problems.append(f"panel ids repeat: {ids}")
    cells = {}
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        if grid["x"] + grid["w"] > 24:
            problems.append(f"{panel['title']}: wider than the 24 columns")
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                if (x, y) in cells:
                    problems.append(f"{panel['title']} overlaps {cells[(x, y)]}")
                    break
                cells[(x, y)] = panel["title"]
            else:
                continue
            break
        if panel["type"] == "row":
            continue
        for target in [panel] + panel.get("targets", []):
            if target.get("datasource", {}).get("uid") != "${datasource}":
                problems.append(f"{panel['title']}: query not on the ${{datasource}} variable")
                break
        if not panel.get("targets"):
            problems.append(f"{panel['title']}: no query")
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{len(ids)} panels, no overlap, every query on ${{datasource}}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "dashboard":
        sys.exit(check_dashboard(sys.argv[2]))
    if len(sys.argv) == 5 and sys.argv[1] == "names":
        sys.exit(check_names(*sys.argv[2:]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
