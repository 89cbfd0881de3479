#!/usr/bin/env python3
"""Checks a whet workspace after processes were killed in it: every file a user or whet wrote parses.

JSON-lines files (sessions, ratings, eval results, fine-tuning jobs) may hold torn records: a record whose
write was cut by the kill, either as the last line or, when a later append began on a new line, in the middle.
Such lines are counted (they are the only damage allowed) and must look like the start of a record. whet.toml
must parse as TOML. Prints one line of counts as JSON; exits 1 with the reason on the first real damage.
"""
import json
import pathlib
import sys
import tomllib


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    counts = {"jsonl_files": 0, "records": 0, "torn_records": 0, "temp_files": 0}
    for path in sorted(root.rglob("*.jsonl")):
        if ".whet" in path.parts:
            continue
        counts["jsonl_files"] += 1
        data = path.read_bytes()
        lines = data.split(b"\n")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                json.loads(line)
                counts["records"] += 1
            except ValueError:
                # A torn record is the prefix of a JSON object: it starts like one and never closes.
                if not line.startswith(b"{"):
                    print(f"{path}:{number}: damaged line that is not a torn record: {line[:80]!r}")
                    return 1
                counts["torn_records"] += 1
    try:
        tomllib.loads((root / "whet.toml").read_text(encoding="utf-8"))
    except Exception as error:  # noqa: BLE001 - any failure to parse is the finding
        print(f"{root}/whet.toml: does not parse: {error}")
        return 1
    counts["temp_files"] = sum(1 for p in root.rglob(".*.tmp-*") if ".whet" not in p.parts)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
