"""The Teams surface of Stora ärenden: endpoint, handler, action routing, identity."""

from . import msrest_speedup  # noqa: F401  (every activity builds msrest clients)
