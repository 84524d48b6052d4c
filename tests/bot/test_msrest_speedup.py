"""msrest's retry policy, sped up, still retries exactly the codes msrest names."""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy

import bot  # noqa: F401  (applies the change, as every bot process does)


def test_the_retry_codes_are_msrests_own() -> None:
    safe = [i for i in range(500) if i != 408] + [501, 505]  # msrest 0.7.1's list
    assert ClientRetryPolicy().policy.status_forcelist == [i for i in range(999) if i not in safe]
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
