#!/usr/bin/env python3
"""The layer rules of docs/architecture.md, checked over the sources (a CTest test).

Resolves every `#include "..."` of server/, shared/, console/, tests/ and bench/ and fails
(exit 1) when
  - an include of a project file does not name its root ("server/...", "shared/...",
    "console/..."): a bare "store/store.h" does not say which tree it is in;
  - shared/ includes anything of server/ or console/, or console/ anything of server/;
  - the folders of one tree (server/<folder>, shared/<folder>, console/<folder>) include
    each other in a cycle.
The CMake targets (one per module, include folders per target) already refuse an include
against the order; this check also names the files that close a cycle, and covers the
include style, which the compiler cannot see.

    python3 tests/layering/check_layers.py <repo root> [--graph]
--graph prints the module graph (module -> modules it includes).
"""
import collections
import os
import re
import sys

ROOTS = ("server", "shared", "console")
SCAN = ("server", "shared", "console", "tests", "bench")
EXTS = (".h", ".hpp", ".cpp", ".cc")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"|__has_include\("([^"]+)"\)')


def walk(root, tops):
    for top in tops:
        for d, dirs, fs in os.walk(os.path.join(root, top)):
            dirs[:] = [x for x in dirs if x not in ("node_modules", "build")]
            for f in fs:
                if f.endswith(EXTS):
                    yield os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")


def module(path):
    parts = path.split("/")
    if parts[0] in ROOTS:
        return "/".join(parts[:2]) if len(parts) > 2 else parts[0] + "/" + os.path.splitext(parts[1])[0]
    return None


def cycles(edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
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
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), "..", ".."))
    project = set(walk(root, ROOTS))
    errors = []
    edges = collections.defaultdict(set)
    why = collections.defaultdict(list)
    for path in sorted(walk(root, SCAN)):
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = INCLUDE.search(line)
                if not m:
                    continue
                inc = m.group(1) or m.group(2)
                if inc in project:
                    target = inc
                else:
                    near = os.path.normpath(os.path.join(os.path.dirname(path), inc)).replace(os.sep, "/")
                    guesses = [p for p in [near] + [r + "/" + inc for r in ROOTS] if p in project]
                    if guesses:
                        errors.append(f"{path}:{n}: \"{inc}\" must name its root, e.g. \"{guesses[0]}\"")
                    continue
                src, dst = module(path), module(target)
                top = path.split("/")[0]
                if top == "shared" and target.split("/")[0] != "shared":
                    errors.append(f"{path}:{n}: shared/ must not include {target}")
                if top == "console" and target.startswith("server/"):
                    errors.append(f"{path}:{n}: console/ must not include {target}")
                if src and dst and src != dst:
                    edges[src].add(dst)
                    why[(src, dst)].append(f"{path}:{n} -> {target}")
    # Every tree is layered: no cycle among the folders of server/, of shared/ or of console/.
    for tree in ROOTS:
        tree_edges = {k: {d for d in v if d.startswith(tree + "/")}
                      for k, v in edges.items() if k.startswith(tree + "/")}
        for comp in cycles(tree_edges):
            errors.append(f"cycle among {tree} modules: " + ", ".join(comp))
            for a in comp:
                for b in comp:
                    for w in why.get((a, b), [])[:3]:
                        errors.append(f"    {a} -> {b}: {w}")
    if "--graph" in sys.argv:
        for k in sorted(edges):
            print(k, "->", " ".join(sorted(edges[k])))
    for e in errors:
        print(e)
    if errors:
        print(f"check_layers: {len(errors)} problem(s); the rules are in docs/architecture.md")
        return 1
    print(f"check_layers: {len(project)} files, {sum(len(v) for v in edges.values())} module edges, "
          "no cycle among the folders of server, shared or console, includes name their roots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
