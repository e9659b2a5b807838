#!/usr/bin/env python3
"""Prints the skips in a CTest JUnit report (ctest --output-junit FILE):
CTest cases that did not run or were skipped (SKIP_RETURN_CODE), and Qt Test
functions that called QSKIP ("SKIP   : Class::function() reason" lines).
Always prints one summary line: "skipped: N tests, M Qt test functions"."""
import sys
import xml.etree.ElementTree as ET

path = sys.argv[1] if len(sys.argv) > 1 else "build/ctest-junit.xml"
try:
    root = ET.parse(path).getroot()
except (OSError, ET.ParseError) as e:
    print(f"skipped: cannot read {path}: {e}")
    sys.exit(1)
tests, functions = [], []
for case in root.iter("testcase"):
    name = case.get("name", "?")
    status = case.get("status", "")
    skipped = case.find("skipped")
    if status in ("notrun", "disabled") or skipped is not None:
        why = skipped.get("message", "") if skipped is not None else status
        tests.append(f"{name} ({why})" if why else name)
    out = case.findtext("system-out") or ""
    for line in out.splitlines():
        if line.startswith("SKIP   :"):
            functions.append(f"{name}: {line[len('SKIP   :'):].strip()}")
for t in tests:
    print(f"  skipped test: {t}")
for f in functions:
    print(f"  skipped function: {f}")
print(f"skipped: {len(tests)} tests, {len(functions)} Qt test functions"
      + ("" if tests or functions else " (none)"))
