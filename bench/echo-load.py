#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""echo-load.py: the echo exercise as load on loopback, for the live capture benchmark,
until `layerscope server` and `layerscope client --load` are in the binary.

  echo-load.py server PORT                 echo every connection on 127.0.0.1:PORT until killed
  echo-load.py client PORT N [THREADS]     N connections (default 4 threads): connect, send
                                           the message, read the echo 16 bytes at a time, close
"""
import selectors
import socket
import sys
import threading

MESSAGE = b"Hello, layerscope! The TCP/IP layer model, made visible.\n"


def server(port):
    sel = selectors.DefaultSelector()
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(1024)
    lsock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is lsock:
                c, _ = lsock.accept()
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(2048)
            except ConnectionError:
                data = b""
            if data:
                s.sendall(data)
            else:
                sel.unregister(s)
                s.close()


def one(port):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(MESSAGE)
    got = 0
    while got < len(MESSAGE):
        part = c.recv(16)
        if not part:
            break
        got += len(part)
    c.close()


def client(port, n, threads):
    counts = [n // threads + (1 if i < n % threads else 0) for i in range(threads)]

    def run(k):
        for _ in range(k):
            one(port)

    ts = [threading.Thread(target=run, args=(k,)) for k in counts]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "server":
        server(int(sys.argv[2]))
    elif len(sys.argv) >= 4 and sys.argv[1] == "client":
        client(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 4)
    else:
        sys.exit(__doc__)
