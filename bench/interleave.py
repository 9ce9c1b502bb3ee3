#!/usr/bin/env python3
"""Times commands in interleaved rounds (each round runs every command once, in turn) and
prints each one's median wall and CPU (user + system) milliseconds and their ratio to the
last command. On a shared machine whose speed drifts over a run, this keeps the ratios
honest where back-to-back blocks of runs (hyperfine's way) can put one command in a fast
minute and its peer in a slow one. Output goes to /dev/null. Usage:

    bench/interleave.py ROUNDS 'CMD ARGS...' ... 'BASELINE ARGS...'
"""
import os
import shlex
import statistics
import sys
import time

rounds = int(sys.argv[1])
commands = [shlex.split(c) for c in sys.argv[2:]]
if rounds < 1 or not commands:
    sys.exit("usage: interleave.py ROUNDS CMD... BASELINE")
wall = [[] for _ in commands]
cpu = [[] for _ in commands]
devnull = os.open(os.devnull, os.O_WRONLY)
for round_ in range(rounds + 2):  # two warm-up rounds, not counted
    for i, argv in enumerate(commands):
        start = time.perf_counter()
        # posix_spawn, not fork: forking this Python process costs milliseconds of page-table
        # copying that would be counted into every command's wall time.
        pid = os.posix_spawnp(argv[0], argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"interleave.py: '{shlex.join(argv)}' failed")
        if round_ >= 2:
            wall[i].append(elapsed * 1000)
            cpu[i].append((usage.ru_utime + usage.ru_stime) * 1000)
base_wall, base_cpu = statistics.median(wall[-1]), statistics.median(cpu[-1])
print(f"{'command (medians of ' + str(rounds) + ' interleaved rounds)':<44}{'wall ms':>9}{'cpu ms':>9}"
      f"{'wall/base':>11}{'cpu/base':>10}")
for i, argv in enumerate(commands):
    w, c = statistics.median(wall[i]), statistics.median(cpu[i])
    print(f"{shlex.join(argv)[:43]:<44}{w:>9.1f}{c:>9.1f}{w / base_wall:>11.2f}{c / base_cpu:>10.2f}")
