#!/usr/bin/env python3
"""The three layer checks of the architecture (docs/ARCHITECTURE.md):

1. Only `src/db` talks to the database: `Entity::`, `Column::` and `Statement::` appear nowhere
   else under `src/`, nor do the other marks of a query or a write (`ActiveModel`, `Set(`,
   `into_active_model`, the query traits, `sea_query`).
2. Handlers call services only: no `db::<module>::<function>(` call under `src/web` (the session
   store, the readiness ping and the pool's figures are the server's own plumbing, not queries).
3. The modules of `src/service` import each other without a cycle (read from
   `crate::service::<m>` and `super::<m>` paths, `use super::{…}` groups included).

`--graph` prints the service modules layer by layer, leaves first (docs/ARCHITECTURE.md draws it).

Prints every violation and exits 1 if there is one. Run from the repository root.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
failed = False

# 1. queries outside src/db.
QUERY = re.compile(
    r"\b(Entity|Column|Statement|ActiveModel|ActiveValue|Relation)::"
    r"|\bActiveModel\s*\{"
    r"|(?<![A-Za-z_])Set\("
    r"|\.into_active_model\("
    r"|\b(EntityTrait|QueryFilter|QuerySelect|QueryOrder|ActiveModelTrait|ColumnTrait|PaginatorTrait"
    r"|IntoActiveModel|ModelTrait|sea_query)\b"
)
# 2. a handler calling the database: `db::<module>::<function>(` (types such as
# `db::audit::AuditFilter` and `db::entities::…` are named, not called).
HANDLER_QUERY = re.compile(r"\bdb::(?!entities::|session_store::)[a-z_]+::[a-z_][a-z0-9_]*\s*\(")


def code_lines(path):
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            yield n, line.split("//", 1)[0], line


queries = 0
for dirpath, _, files in os.walk(SRC):
    rel_dir = os.path.relpath(dirpath, ROOT)
    if rel_dir == "src/db" or rel_dir.startswith("src/db/"):
        continue
    for f in sorted(files):
        if not f.endswith(".rs"):
            continue
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, ROOT)
        for n, code, line in code_lines(path):
            if QUERY.search(code):
                failed = True
                queries += 1
                print(f"query outside src/db: {rel}:{n}: {line.strip()}")
            if rel.startswith("src/web/") and HANDLER_QUERY.search(code):
                failed = True
                print(f"handler calling the database (call a service): {rel}:{n}: {line.strip()}")

# 2. cycles among src/service modules
SERVICE = os.path.join(SRC, "service")
modules = {}
for dirpath, _, files in os.walk(SERVICE):
    for f in files:
        if f.endswith(".rs"):
            rel = os.path.relpath(os.path.join(dirpath, f), SERVICE)
            top = rel.split(os.sep)[0]
            name = top[:-3] if top.endswith(".rs") else top
            if name == "mod":
                continue
            modules.setdefault(name, []).append(os.path.join(dirpath, f))

PATH = re.compile(r"\b(?:crate::service|super)::([a-z_][a-z0-9_]*)")
GROUP = re.compile(r"\b(?:crate::service|super)::\{([^}]*)\}", re.S)
edges = {m: set() for m in modules}
where = {}
for m, paths in modules.items():
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        # doc comments and comments name modules without depending on them
        code = "\n".join(l.split("//", 1)[0] for l in text.splitlines())
        found = set(PATH.findall(code))
        for g in GROUP.findall(code):
            for part in g.split(","):
                head = part.strip().split("::", 1)[0].strip()
                if head:
                    found.add(head)
        for d in found:
            if d in modules and d != m:
                edges[m].add(d)
                where.setdefault((m, d), os.path.relpath(path, ROOT))

# Tarjan's strongly connected components
index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]


def strong(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            strong(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        sccs.append(sorted(comp))


sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        strong(v)
for comp in sccs:
    if len(comp) > 1:
        failed = True
        inner = [f"{a} -> {b} ({where[(a, b)]})" for a in comp for b in sorted(edges[a]) if b in comp]
        print("cycle among service modules: " + ", ".join(comp))
        for line in inner:
            print("    " + line)

if "--graph" in sys.argv:
    # layer 0: modules importing no other service module; layer n: importing only layers < n
    layer, left = {}, set(edges)
    while left:
        ready = sorted(m for m in left if all(d in layer for d in edges[m]))
        if not ready:  # a cycle (reported above)
            break
        n = max([0] + [layer[d] + 1 for m in ready for d in edges[m]])
        for m in ready:
            layer[m] = max([0] + [layer[d] + 1 for d in edges[m]])
        left -= set(ready)
    for n in sorted(set(layer.values())):
        names = [m for m in sorted(layer) if layer[m] == n]
        print(f"layer {n}: " + ", ".join(f"{m} -> {{{', '.join(sorted(edges[m]))}}}" if edges[m] else m for m in names))

if failed:
    sys.exit(1)
print(f"layers: no query outside src/db, no handler calling the database; {len(modules)} service modules without a cycle")
