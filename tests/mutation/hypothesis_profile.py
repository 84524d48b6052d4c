"""Hypothesis as `make mutation` runs it: a pytest plugin, loaded only there.

mutmut runs each test many times in one process (and in forks of it), which
Hypothesis's ``differing_executors`` check takes for a mistake, and its
trampolines slow every call, which ``too_slow`` and the deadline would count
against the test. Derandomized and without the example database, every mutant
meets the same examples, so two runs give the same kill rate.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutation",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow],
)
settings.load_profile("mutation")
