"""Run localstripe on 127.0.0.1 on a free port, print the port, keep its state in memory.

Started by the ``localstripe`` fixture. localstripe's own ``localstripe`` command listens on
every interface and pickles its state to ``/tmp/localstripe.pickle`` (shared by every run on
the machine); neither suits parallel test runs.
"""

import socket

from aiohttp import web
from localstripe import resources, server

resources.Store.dump_to_disk = lambda self: None  # in memory only: no shared /tmp file

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind(("127.0.0.1", 0))  # the OS picks a free port: no clash with another run
print(sock.getsockname()[1], flush=True)
web.run_app(server.app, sock=sock, print=None, access_log=None)
