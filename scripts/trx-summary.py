#!/usr/bin/env python3
"""Sums the .trx files of a test run into one line: "N passed, N failed".

Usage: trx-summary.py RESULTS_DIR [PROJECT=EXIT_CODE ...]

Each project's results are read from RESULTS_DIR/PROJECT.trx. A project that
wrote no trx, or exited non-zero without any failed test (a crash, a hang
killed by the timeout), counts as 1 failed. Prints a table, the names of
failed tests, and last the summary line ("N passed, N failed", plus
", N skipped" when some were skipped). Exits 1 when anything failed or no
test ran at all.
"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
MAX_FAILED_NAMES_SHOWN = 50


def read_trx(path):
    """Returns (passed, failed, skipped, failed_test_names) of one trx file."""
    root = ET.parse(path).getroot()
    counters = root.find("t:ResultSummary/t:Counters", NS)
    if counters is None:
        raise ValueError("no ResultSummary/Counters element")

    def count(*names):
        return sum(int(counters.get(name, "0")) for name in names)

    failed_names = [
        result.get("testName", "?")
        for result in root.iterfind("t:Results/t:UnitTestResult", NS)
        if result.get("outcome") in ("Failed", "Error", "Timeout", "Aborted")
    ]
    # VSTest leaves notExecuted at 0 for skipped xunit tests; they show only
    # as total - executed.
    skipped = max(count("notExecuted", "notRunnable", "inconclusive"),
                  count("total") - count("executed"))
    return (
        count("passed"),
        count("failed", "error", "timeout", "aborted"),
        skipped,
        failed_names,
    )


def main(argv):
    if len(argv) < 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results_dir = Path(argv[0])
    total_passed = total_failed = total_skipped = 0
    failed_names = []

    for arg in argv[1:]:
        project, _, exit_code_text = arg.rpartition("=")
        exit_code = int(exit_code_text)
        trx = results_dir / f"{project}.trx"
        note = ""
        try:
            passed, failed, skipped, names = read_trx(trx)
            failed_names += [f"{project}: {name}" for name in names]
        except FileNotFoundError:
            passed, failed, skipped, note = 0, 0, 0, "no trx written"
        except (ET.ParseError, ValueError) as error:
            passed, failed, skipped, note = 0, 0, 0, f"unreadable trx: {error}"
        if failed == 0 and (exit_code != 0 or note):
            failed = 1
            note = note or f"exit code {exit_code} without a failed test (crash or timeout?)"
            failed_names.append(f"{project}: {note}")

        print(f"  {project:<40} {passed:>6} passed {failed:>5} failed {skipped:>5} skipped"
              f"   exit {exit_code}{'   ' + note if note else ''}")
        total_passed += passed
        total_failed += failed
        total_skipped += skipped

    if failed_names:
        print("\nFailed:")
        for name in failed_names[:MAX_FAILED_NAMES_SHOWN]:
            print(f"  {name}")
        if len(failed_names) > MAX_FAILED_NAMES_SHOWN:
            print(f"  ... and {len(failed_names) - MAX_FAILED_NAMES_SHOWN} more (see the trx files)")
    if total_passed + total_failed == 0:
        print("\nNo test ran.")

    summary = f"{total_passed} passed, {total_failed} failed"
    if total_skipped > 0:
        summary += f", {total_skipped} skipped"
    print(summary, flush=True)
    return 1 if total_failed > 0 or total_passed + total_failed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
