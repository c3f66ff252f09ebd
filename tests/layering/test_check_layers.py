#!/usr/bin/env python3
"""check_layers.py itself: it must refuse a cycle in each tree and the other broken rules,
and accept a tree without them. Each case is a small tree written to a temporary folder.

    python3 tests/layering/test_check_layers.py
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check_layers.py")

GOOD = {
    "shared/model/a.h": "",
    "shared/codec/b.h": '#include "shared/model/a.h"\n',
    "server/util/c.h": '#include "shared/codec/b.h"\n',
    "server/shard/d.h": '#include "server/util/c.h"\n',
    "console/i18n/e.h": '#include "shared/model/a.h"\n',
    "console/views/f.h": '#include "console/i18n/e.h"\n',
}

CASES = {
    "a cycle among server folders": {"server/util/c.h": '#include "server/shard/d.h"\n'},
    "a cycle among shared folders": {"shared/model/a.h": '#include "shared/codec/b.h"\n'},
    "a cycle among console folders": {"console/i18n/e.h": '#include "console/views/f.h"\n'},
    "shared including server": {"shared/model/a.h": '#include "server/util/c.h"\n'},
    "console including server": {"console/i18n/e.h": '#include "server/util/c.h"\n'},
    "an include without its root": {"server/shard/d.h": '#include "util/c.h"\n'},
}


def run(files):
    with tempfile.TemporaryDirectory() as root:
        for path, text in files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as fh:
                fh.write(text)
        result = subprocess.run([sys.executable, CHECK, root], capture_output=True, text=True)
        return result.returncode, result.stdout


def main():
    failures = []
    code, out = run(GOOD)
    if code != 0:
        failures.append(f"a layered tree was refused:\n{out}")
    for name, change in CASES.items():
        code, out = run({**GOOD, **change})
        if code == 0:
            failures.append(f"{name} was accepted:\n{out}")
        else:
            print(f"refused, as it should be: {name}: {out.splitlines()[0]}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
