#!/usr/bin/env python3
"""Splits a system-wide `perf record -a` of a benchmark run by process and by symbol.

    bench/perf-summary.py RUN_DIR [--top 30]

RUN_DIR holds perf.data and processes.txt (`ps -eo pid,args` taken during the run), as
bench/run.sh --profile leaves them. Prints the share of on-CPU samples of the Coffer server, the
load generator, PostgreSQL and everything else, then the top symbols (self time) of the server and
of PostgreSQL. JIT-compiled .NET frames have names only if the server ran with
DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 (run.sh --profile sets both).
"""
import subprocess
import sys
from collections import Counter, defaultdict


def classify(pid: int, comm: str, processes: dict[int, str]) -> str:
    args = processes.get(pid, "")
    if "Coffer.Server.dll" in args:
        return "coffer server"
    if "Coffer.Bench.dll" in args:
        return "load generator"
    if comm == "postgres" or args.startswith("postgres"):
        # Backends name their database in the process title; other tenants of the server may share it.
        return "postgres (coffer_bench)" if "coffer_bench" in args else "postgres (other databases, background)"
    if comm == "pgbench":
        return "pgbench"
    if comm.startswith("swapper"):
        return "idle"
    return "other"


def main() -> None:
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    run_dir = args[0]
    top = int(args[args.index("--top") + 1]) if "--top" in args else 30
    processes = {}
    with open(f"{run_dir}/processes.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.strip().split(None, 1)
            if parts and parts[0].isdigit():
                processes[int(parts[0])] = parts[1] if len(parts) > 1 else ""
    script = subprocess.run(
        ["perf", "script", "-i", f"{run_dir}/perf.data", "-F", "pid,comm,ip,sym,dso", "-G"],
        capture_output=True, text=True, check=True).stdout
    by_group, symbols, total = Counter(), defaultdict(Counter), 0
    for line in script.splitlines():
        # "  comm  pid  ip sym (dso)": comm may hold spaces, so split from the pid
        parts = line.split()
        pid_index = next((i for i, p in enumerate(parts) if p.isdigit()), None)
        if pid_index is None:
            continue
        comm = " ".join(parts[:pid_index])
        pid = int(parts[pid_index])
        rest = " ".join(parts[pid_index + 2:])  # after the pid comes the address
        group = classify(pid, comm, processes)
        total += 1
        by_group[group] += 1
        symbols[group][rest] += 1
    print(f"{total} on-CPU samples (all cores)\n")
    for group, count in by_group.most_common():
        print(f"  {100 * count / total:5.1f}%  {group}")
    for group in ("coffer server", "postgres (coffer_bench)", "load generator"):
        if by_group[group] == 0:
            continue
        print(f"\n{group}: top symbols (share of the {group}'s samples)")
        for sym, count in symbols[group].most_common(top):
            print(f"  {100 * count / by_group[group]:5.1f}%  {sym[:160]}")


if __name__ == "__main__":
    main()
