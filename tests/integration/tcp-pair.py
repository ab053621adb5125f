#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""tcp-pair.py: a TCP exchange on loopback for the live capture tests: an echo
server, a client, and a knocker that makes refused connections until a process ends.

  tcp-pair.py server PORT READYFILE   listen on 127.0.0.1:PORT, touch READYFILE, echo one
                                      message, close after the client closes
  tcp-pair.py client PORT MESSAGE     connect, print the local port, send MESSAGE, read the
                                      echo 16 bytes at a time, close
  tcp-pair.py knock PORT PID          connect to a closed PORT (SYN, RST) until PID exits
"""
import os
import socket
import sys
import time

TIMEOUT = 20


def server(port, ready):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(1)
    s.settimeout(TIMEOUT)
    open(ready, "w").close()
    c, _ = s.accept()  # the listener stays open, as an echo server's does
    c.settimeout(TIMEOUT)
    data = c.recv(2048)
    c.sendall(data)
    while c.recv(2048):  # until the client's FIN
        pass
    c.close()
    s.close()


def client(port, message):
    msg = message.encode()
    c = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    print(c.getsockname()[1], flush=True)
    time.sleep(0.2)  # the handshake and the data apart, as a person would type
    c.sendall(msg)
    got = b""
    while len(got) < len(msg):
        part = c.recv(16)
        if not part:
            break
        got += part
    time.sleep(0.2)
    c.close()
    if got != msg:
        sys.exit("client: echo %r != %r" % (got, msg))


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has finished: its status says so.  The process can also be reaped
    # between kill() and the read, which Linux reports as ENOENT or ESRCH.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def knock(port, pid):
    for _ in range(200):
        if not alive(pid):
            return
        try:
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT).close()
        except ConnectionRefusedError:
            pass
        time.sleep(0.05)
    sys.exit("knock: process %d did not end" % pid)


if __name__ == "__main__":
    role, port = sys.argv[1], int(sys.argv[2])
    if role == "server":
        server(port, sys.argv[3])
    elif role == "client":
        client(port, sys.argv[3])
    elif role == "knock":
        knock(port, int(sys.argv[3]))
    else:
        sys.exit(__doc__)
