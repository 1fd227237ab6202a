#!/usr/bin/env python3
"""Runs warroom in a real pseudo-terminal, ends the session one way, and prints what happened as JSON.

    pty_session.py HOW BINARY ARGS...

HOW is sighup, sigterm or close. `close` closes the terminal's master side with SIGHUP blocked in the child, so
the only news of the lost session is a read error / end of file on the terminal. Reported: seconds from the
event to exit, CPU seconds the process used in that time, the exit status, and whether the alternate screen was
left (terminal restored) for the signal cases.
"""
import fcntl, json, os, pty, select, signal, struct, subprocess, sys, termios, time

how, binary, args = sys.argv[1], sys.argv[2], sys.argv[3:]
hz = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / hz
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


master, slave = pty.openpty()
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))


def child_setup():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    if how == "close":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})


env = dict(os.environ, TERM="xterm-256color", WARROOM_OPERATOR="pty")
stderr_to = open(os.environ["PTY_STDERR"], "wb") if os.environ.get("PTY_STDERR") else slave
proc = subprocess.Popen([binary, *args], stdin=slave, stdout=slave, stderr=stderr_to, preexec_fn=child_setup, env=env,
                        close_fds=True)
os.close(slave)

output = b""
deadline = time.monotonic() + 20
while b"WARROOM" not in output:
    if time.monotonic() > deadline:
        print(json.dumps({"error": "no first frame", "output": output[-400:].decode("utf8", "replace")}))
        proc.kill()
        sys.exit(1)
    ready, _, _ = select.select([master], [], [], 0.2)
    if ready:
        output += os.read(master, 65536)
time.sleep(1.0)  # past start-up: the event lands on a dashboard at rest

before = cpu_seconds(proc.pid)
start = time.monotonic()
if how == "sighup":
    os.kill(proc.pid, signal.SIGHUP)
elif how == "sigterm":
    os.kill(proc.pid, signal.SIGTERM)
elif how == "close":
    os.close(master)
else:
    sys.exit(f"unknown HOW {how}")

tail = b""
last_cpu = before
while proc.poll() is None and time.monotonic() - start < 3.0:
    if how != "close":
        ready, _, _ = select.select([master], [], [], 0.005)
        if ready:
            try:
                tail += os.read(master, 65536)
            except OSError:
                pass
    else:
        time.sleep(0.005)
    cpu = cpu_seconds(proc.pid)
    if cpu is not None:
        last_cpu = cpu
elapsed = time.monotonic() - start
still_running = proc.poll() is None
spin = None
if still_running:
    # Left running: is it spinning? Measure one more second, then stop it.
    a = cpu_seconds(proc.pid)
    time.sleep(1.0)
    b = cpu_seconds(proc.pid)
    spin = None if a is None or b is None else b - a
    proc.kill()
    proc.wait()
if how != "close":
    try:
        while select.select([master], [], [], 0.05)[0]:
            chunk = os.read(master, 65536)
            if not chunk:
                break
            tail += chunk
    except OSError:
        pass
print(json.dumps({
    "how": how,
    "exited": not still_running,
    "seconds_to_exit": round(elapsed, 3),
    "cpu_seconds_until_exit": round(last_cpu - before, 3),
    "cpu_seconds_in_the_next_second_if_running": spin,
    "returncode": proc.returncode,
    "left_alternate_screen": b"\x1b[?1049l" in tail,
}))
