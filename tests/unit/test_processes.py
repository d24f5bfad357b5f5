"""How server processes share the CPUs: round-robin groups, a successor on its predecessor's
group, a new process on the group fewest serving processes use."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from bpograph.processes import cpu_groups
from bpograph.serving.server import Supervisor


def test_the_groups_deal_every_allowed_cpu_once(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4})
    assert cpu_groups(2) == [frozenset({0, 2, 4}), frozenset({1, 3})]
    assert cpu_groups(1) == [frozenset({0, 1, 2, 3, 4})]
    assert cpu_groups(8) == [frozenset({cpu}) for cpu in range(5)]  # no empty group


@pytest.mark.parametrize("serving, predecessor, expected", [
    ([], None, 0),
    ([0], None, 1),
    ([0, 1], None, 0),
    ([1, 1], None, 0),
    ([0, 1], 1, 1),  # a successor takes its predecessor's CPUs, whatever the others use
])
def test_a_new_process_takes_the_least_used_group(serving, predecessor, expected):
    supervisor = SimpleNamespace(groups=[frozenset({0}), frozenset({1})],
                                 _processes=[SimpleNamespace(group=g, retiring=False) for g in serving])
    before = None if predecessor is None else SimpleNamespace(group=predecessor)
    assert Supervisor._group_for(supervisor, before) == expected


def test_retiring_processes_do_not_count():
    supervisor = SimpleNamespace(groups=[frozenset({0}), frozenset({1})],
                                 _processes=[SimpleNamespace(group=0, retiring=True), SimpleNamespace(group=1, retiring=False)])
    assert Supervisor._group_for(supervisor, None) == 0


def test_without_groups_a_process_is_not_pinned():
    assert Supervisor._group_for(SimpleNamespace(groups=[], _processes=[]), None) is None
