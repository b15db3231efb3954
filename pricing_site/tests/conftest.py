"""Fixtures of the project-level tests."""

import pytest
from redis.connection import Connection


@pytest.fixture
def redis_round_trips(monkeypatch) -> list[bytes]:
    """The commands sent to the real Redis from now on, one entry per round trip."""
    sent: list[bytes] = []
    send = Connection.send_packed_command

    def send_and_record(connection, command, *args, **kwargs):
        sent.append(command)
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(Connection, "send_packed_command", send_and_record)
    return sent
