"""The Teams surface of Stora ärenden: endpoint, handler, action routing, identity."""
