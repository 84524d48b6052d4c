"""Take a needless 7 ms of CPU out of every activity.

botbuilder 4.17.1 builds new msrest clients for each activity (CloudAdapter:
a connector client and a user-token client), and each builds msrest's
``ClientRetryPolicy``, whose ``__init__`` tests 999 codes for membership in
the ~500-item list ``safe_codes``: about 7 ms of event-loop time per client,
14 ms per activity, during which no other click moves. With a hundred clicks
at once that is 1.4 s. The list is only ever used for that membership test,
so a frozenset gives the same retry codes in microseconds. msrest is
deprecated and takes no fix (Azure/msrest-for-python#266, closed unmerged;
Azure/azure-sdk-for-python#8698 made the same change in azure-core).
"""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy

ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
