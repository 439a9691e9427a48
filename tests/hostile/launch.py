"""Start one hostile case and report what it alone cost (run by harness.py as a fresh process).

Why a launcher: a process forked from pytest inherits its memory high-water mark, and Linux
keeps that mark across exec, so a 24 MB case forked from a 500 MB test runner reports
510 MB. Forked from this small process instead, the case's ru_maxrss is its own.

    python launch.py REPORT CPU_S AS_BYTES CLOSE_FDS -- COMMAND...
"""

import json
import os
import resource
import signal
import sys


def main() -> None:
    report, cpu, address_space, close = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    command = sys.argv[sys.argv.index("--") + 1:]
    pid = os.fork()
    if pid == 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for fd in filter(None, close.split(",")):
            os.close(int(fd))
        os.execv(command[0], command)
    signal.signal(signal.SIGINT, lambda *_: os.kill(pid, signal.SIGINT))  # Ctrl-C goes to the case
    for fd in (0, 1, 2):  # the case holds the pipes; the launcher must not keep them open
        os.close(fd)
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    with open(report, "w") as f:
        json.dump({"code": os.waitstatus_to_exitcode(status), "cpu_s": usage.ru_utime + usage.ru_stime,
                   "rss_mb": usage.ru_maxrss / 1024}, f)


main()
