#!/usr/bin/env python3
"""Latency figures taken in a real pseudo-terminal, printed as table rows.

    bench_pty.py first-frame BINARY          start of `warroom --demo` to its first frame, 20 runs
    bench_pty.py key-to-frame BINARY         key press to the frame that shows it, 40 presses, with every AWS
                                             endpoint hanging (a local server that answers STS and nothing else)

Each figure is the time from the write (or the spawn) to the arrival of the bytes that carry the expected text,
read on the terminal's master side.
"""
import fcntl, http.server, os, pty, select, socketserver, statistics, struct, subprocess, sys, tempfile, termios
import threading, time

STS = (b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
       b'<Arn>arn:aws:iam::000000000000:user/bench</Arn><UserId>AIDABENCH</UserId><Account>000000000000</Account>'
       b'</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>'
       b'</GetCallerIdentityResponse>')


class HangingAws(http.server.BaseHTTPRequestHandler):
    """Answers sts:GetCallerIdentity (so warroom starts) and holds every other request open, unanswered."""
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if b"GetCallerIdentity" in body:
            self.send_response(200)
            self.send_header("content-type", "text/xml")
            self.send_header("content-length", str(len(STS)))
            self.end_headers()
            self.wfile.write(STS)
        else:
            time.sleep(3600)

    do_GET = do_PUT = do_POST

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def spawn(argv, env, cols=200, rows=50):
    master, slave = pty.openpty()
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def setup():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, preexec_fn=setup, env=env, close_fds=True)
    os.close(slave)
    return proc, master


def wait_for(master, needle, timeout=10.0):
    """Reads until `needle` has arrived; returns the time it did."""
    seen = b""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{needle!r} not seen; last bytes {seen[-300:]!r}")
        if select.select([master], [], [], left)[0]:
            seen += os.read(master, 1 << 16)
            if needle in seen:
                return time.monotonic()
            seen = seen[-4096:]


def drain(master, quiet=0.3):
    while select.select([master], [], [], quiet)[0]:
        os.read(master, 1 << 16)


def stop(proc, master):
    proc.kill()
    proc.wait()
    os.close(master)


def summary(ms):
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms (n={len(ms)})"


def first_frame(binary):
    env = dict(os.environ, TERM="xterm-256color", WARROOM_OPERATOR="bench")
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(20):
            start = time.monotonic()
            proc, master = spawn([binary, "--demo", "--journal", f"{tmp}/j.jsonl"], env)
            times.append((wait_for(master, b"WARROOM") - start) * 1000)
            stop(proc, master)
    return summary(times)


def key_to_frame(binary):
    server = Server(("127.0.0.1", 0), HangingAws)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    env = dict(os.environ, TERM="xterm-256color", WARROOM_OPERATOR="bench", AWS_ENDPOINT_URL=url,
               AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="eu-west-1",
               AWS_EC2_METADATA_DISABLED="true")
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        with open(f"{tmp}/warroom.toml", "w") as f:
            f.write('[watch]\nqueues = ["orders"]\nclusters = ["core-db"]\nfunctions = ["orders-consumer"]\n')
        proc, master = spawn([binary, "--config", f"{tmp}/warroom.toml", "--journal", f"{tmp}/j.jsonl"], env)
        wait_for(master, b"LIVE", timeout=30)
        time.sleep(2)  # the feeds are now all waiting on the hung endpoint
        drain(master)
        for _ in range(20):
            for key, needle in ((b"?", b"what it does"), (b"\x1b", b"Deploys")):
                start = time.monotonic()
                os.write(master, key)
                times.append((wait_for(master, needle) - start) * 1000)
                drain(master, 0.15)
        stop(proc, master)
    server.shutdown()
    return summary(times)


if __name__ == "__main__":
    what, binary = sys.argv[1], sys.argv[2]
    print({"first-frame": first_frame, "key-to-frame": key_to_frame}[what](binary))
