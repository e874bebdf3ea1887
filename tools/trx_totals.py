"""tools/test's last line: the counters of every project's TRX file in a results folder, summed.

    python3 tools/trx_totals.py RESULTS_DIR   ->   "N passed, N failed"
"""
import glob
import sys
import xml.etree.ElementTree as ET

passed = failed = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}Counters")
    passed += int(c.get("passed")); failed += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout")) + int(c.get("aborted"))
print(f"{passed} passed, {failed} failed")
