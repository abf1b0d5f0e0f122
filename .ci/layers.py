#!/usr/bin/env python3
"""The three layer checks of the architecture (docs/ARCHITECTURE.md):

1. Only `src/db` talks to the database: `Entity::`, `Column::` and `Statement::` appear nowhere
   else under `src/`, nor do the other marks of a query or a write (`ActiveModel`, `Set(`,
   `into_active_model`, the query traits, `sea_query`).
2. Handlers call services only: no `db::<module>::<function>(` call under `src/web`, no `use` of a
   db function or module there (types, `entities` and the session store may be named), and no use of
   the connection itself (`deps.db`, `s.db`, `state.db`, the `.read` pool) outside the server's own
   plumbing: the arguments of `db::ping` (readiness), `db::pool_stats` (the pool's figures) and
   `DbSessionStore::new` (the session store).
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
# … or importing a db function (or a whole db module) to call it by a shorter name: under src/web a
# `use …db::` line may name types (CamelCase), `entities` and the session store, nothing else.
HANDLER_IMPORT = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+(?:crate|propwatch)::db\b(?!::(?:entities|session_store)\b)(?P<rest>[^;]*)")
# 2. a handler holding the connection: a `.db` or `.read` field (not a method call), allowed only
# inside the arguments of the plumbing calls.
CONNECTION = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\.(?:db|read)\b(?!\s*\()")
PLUMBING = re.compile(r"\b(?:db::ping|db::pool_stats|DbSessionStore::new)\s*\(")

# Where a comment or a literal starts: `//`, `/*`, a string (`"…"`, `b"…"`, raw `r#"…"#`) or a
# character literal (a lifetime such as `'a` is neither and is kept).
TOKEN = re.compile(r'//|/\*|(?<![A-Za-z0-9_])b?r(#*)"|"|\'(?:\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\\'\n])\'')


def strip_comments(text):
    """The text with every comment blanked (newlines kept, so line numbers and offsets hold);
    string and character literals are kept whole, so a `//` inside `"http://…"` is not a comment."""
    out, i, n = [], 0, len(text)
    while i < n:
        m = TOKEN.search(text, i)
        if not m:
            out.append(text[i:])
            break
        out.append(text[i : m.start()])
        tok, j = m.group(0), m.end()
        if tok == "//":
            j = text.find("\n", j)
            j = n if j < 0 else j
            out.append(" " * (j - m.start()))
        elif tok == "/*":
            depth = 1
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[m.start() : j]))
        elif tok.endswith('"') and m.group(1) is not None:  # raw string: ends at `"` and its hashes
            end = text.find('"' + m.group(1), j)
            j = n if end < 0 else end + 1 + len(m.group(1))
            out.append(text[m.start() : j])
        elif tok == '"':
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(text[m.start() : j])
        else:  # a character literal
            out.append(tok)
        i = j
    return "".join(out)


def plumbing_spans(code):
    """(start, end) offsets of the arguments of each plumbing call, parentheses balanced."""
    spans = []
    for m in PLUMBING.finditer(code):
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"(": 1, ")": -1}.get(code[j], 0)
            j += 1
        spans.append((m.end(), j))
    return spans


def code_lines(path):
    """(line number, the line without comments, the line as written, its offset in the code)."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    code, offset = strip_comments(text), 0
    for n, (line, raw) in enumerate(zip(code.split("\n"), text.split("\n")), 1):
        yield n, line, raw, offset
        offset += len(line) + 1


def imported_lowercase(rest):
    """Whether a `use …db<rest>` names a function or module (lower case) rather than types: the
    names in braces, else the last segment (or its alias). A bare `use crate::db;` is allowed: its
    calls are `db::<module>::<function>(`, which the call check catches."""
    rest = rest.strip()
    if not rest:
        return False
    if "{" in rest:
        inner = rest[rest.index("{") + 1 : rest.rindex("}") if "}" in rest else len(rest)]
        names = [part.split(" as ")[-1].strip().split("::")[-1] for part in inner.split(",")]
    else:
        names = [rest.split(" as ")[-1].strip().split("::")[-1]]
    return any(x and not x[0].isupper() for x in names)


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
        spans = None
        for n, code, line, offset in code_lines(path):
            if QUERY.search(code):
                failed = True
                queries += 1
                print(f"query outside src/db: {rel}:{n}: {line.strip()}")
            if rel.startswith("src/web/") and HANDLER_QUERY.search(code):
                failed = True
                print(f"handler calling the database (call a service): {rel}:{n}: {line.strip()}")
            imported = HANDLER_IMPORT.match(code) if rel.startswith("src/web/") else None
            if imported and imported_lowercase(imported.group("rest")):
                failed = True
                print(f"handler importing from the database layer (call a service): {rel}:{n}: {line.strip()}")
            if rel.startswith("src/web/") and CONNECTION.search(code):
                if spans is None:
                    with open(path, encoding="utf-8") as fh:
                        spans = plumbing_spans(strip_comments(fh.read()))
                for m in CONNECTION.finditer(code):
                    at = offset + m.start()
                    if not any(a <= at < b for a, b in spans):
                        failed = True
                        print(f"handler using the database connection (call a service): {rel}:{n}: {line.strip()}")
                        break

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
        code = strip_comments(text)
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
print(
    f"layers: no query outside src/db, no handler calling the database or holding its connection; "
    f"{len(modules)} service modules without a cycle"
)
