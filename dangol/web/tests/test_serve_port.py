import socket

import pytest
from django.core.management.base import CommandError

from dangol.web.management.commands.serve import _refuse_a_taken_port


def test_serve_refuses_a_port_another_server_listens_on():
    """`dangol serve` gives each gunicorn worker its own SO_REUSEPORT socket (issue 18), which would let a second
    server start on a taken port and share its connections: it stops instead."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as a running `dangol serve` worker
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(CommandError, match="already in use"):
            _refuse_a_taken_port(f"127.0.0.1:{port}")
    _refuse_a_taken_port(f"127.0.0.1:{port}")  # free again: nothing to refuse
    _refuse_a_taken_port("unix:/tmp/dangol.sock")  # not a TCP port: left to gunicorn
