"""The rules of the "Stora ärenden" routine, free of Bot Framework and Graph.

Everything a backoffice agent can do to a large case is decided here; the
adapters (the local workbook, Microsoft Graph, the Teams bot) only store and
show the outcome.
"""
