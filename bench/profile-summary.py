#!/usr/bin/env python3
"""Summarises a dotnet-trace CPU-sampling profile in speedscope format (bench/run.sh --profile).

    bench/profile-summary.py bench/results/latest-postgres-transfers/server-cpu.speedscope.json [--top 40]

Prints where the server's threads spent their sampled time: the top frames by self time and by
inclusive time, over all threads, leaving out time in frames that only mean "waiting" (idle thread
pool threads, epoll, blocked locks). The samples are of wall-clock thread time (~100 Hz), so
"native" time in a syscall includes time the thread was runnable but not scheduled: on a
saturated machine it shows where threads queue for a core, not only where CPU burns.
"""
import json
import sys
from collections import Counter

PSEUDO_FRAMES = ("CPU_TIME", "UNMANAGED_CODE_TIME")
IDLE_MARKERS = (
    "WaitHandle.Wait", "LowLevelLifoSemaphore", "Monitor.Wait", "Thread.Sleep", "SocketAsyncEngine.EventLoop",
    "WaitForSignal", "LowLevelMonitor", "PortableThreadPool+GateThread", "Interop+Sys.WaitForSocketEvents",
    "ManualResetEventSlim.Wait", "SemaphoreSlim.Wait", "Thread.StartCallback",
)


def main() -> None:
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    top = int(args[args.index("--top") + 1]) if "--top" in args else 40
    with open(args[0], encoding="utf-8") as f:
        data = json.load(f)
    frames = [fr["name"] for fr in data["shared"]["frames"]]
    self_time, inclusive, kind, total = Counter(), Counter(), Counter(), 0.0
    for profile in data["profiles"]:
        stack, last = [], None
        for event in profile["events"]:
            at = event["at"]
            if last is not None and stack and at > last:
                names = [frames[i] for i in stack]
                if not any(marker in name for name in names[-6:] for marker in IDLE_MARKERS):
                    span = at - last
                    total += span
                    # dotnet-sampled-thread-time ends each stack with a pseudo-frame: CPU_TIME (managed code
                    # running) or UNMANAGED_CODE_TIME (in native code: a syscall such as send(), or waiting).
                    # "?!?" is an unresolved native frame: the time is charged to the nearest managed caller.
                    leaf = names[-1]
                    real = [n for n in names if n not in PSEUDO_FRAMES and n != "?!?"]
                    if leaf in PSEUDO_FRAMES and real:
                        kind[leaf] += span
                        leaf = f"{real[-1]}  [{'native' if leaf == 'UNMANAGED_CODE_TIME' else 'managed'}]"
                    self_time[leaf] += span
                    for name in set(names):
                        inclusive[name] += span
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    if total == 0:
        print("no busy samples")
        return
    print(f"busy sampled time: {total:.0f} ms over {len(data['profiles'])} threads; "
          + ", ".join(f"{name} {100 * span / total:.1f}%" for name, span in kind.items()) + "\n")
    print("top frames by self time:")
    for name, span in self_time.most_common(top):
        print(f"  {100 * span / total:5.1f}%  {name[:150]}")
    print("\ntop frames by inclusive time:")
    for name, span in inclusive.most_common(top):
        print(f"  {100 * span / total:5.1f}%  {name[:150]}")


if __name__ == "__main__":
    main()
