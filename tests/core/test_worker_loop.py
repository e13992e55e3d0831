"""The workers' shared loop (app/core/worker.py): a round that fails is rolled back and logged, and the
next round comes all the same."""

import pytest

from app.core import worker


class _Stopped(Exception):
    """Stands in for Ctrl+C, after the rounds the test wants."""


def test_a_failed_round_does_not_stop_the_worker(app, monkeypatch, caplog):
    rounds, pauses = [], []

    def do_round():
        rounds.append(len(rounds) + 1)
        if len(rounds) == 1:
            raise RuntimeError("the mail server hung up")

    def sleep(seconds):
        pauses.append(seconds)
        if len(pauses) == 2:
            raise _Stopped

    monkeypatch.setattr(worker.time, "sleep", sleep)
    with app.app_context(), pytest.raises(_Stopped):
        worker.run_rounds(do_round, 2.5, "test worker")
    assert rounds == [1, 2] and pauses == [2.5, 2.5]
    assert "test worker round failed" in caplog.text
