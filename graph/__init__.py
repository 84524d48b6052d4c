"""Microsoft Graph: the team's "Stora ärenden" workbook in SharePoint, as a Ledger.

Modules, each with one concern:

- ``config``: the settings the store needs (``GraphConfig``);
- ``credentials``: the bot's identity through azure-identity;
- ``client``: the msgraph-sdk client and one way to send through it;
- ``location``: which file (drive id + item id), found once;
- ``session``: the persistent workbook session;
- ``deadline``: time limits and the retry loop (tenacity);
- ``errors``: Graph's error answers and what the agent is told;
- ``workbook``: the workbook-API requests, SDK gaps worked around;
- ``excel``: addresses, header layout and cell values, no requests;
- ``writes``: writing one row's cells and checking Graph's answer;
- ``ledger``: ``GraphLedger``, the Ledger protocol over all of the above;
- ``check``: ``python -m bot check``, set-up problems and how to fix them.
- ``directory``: an agent's Elin signature from a user attribute in the directory.

Importing this package is cheap: msgraph-sdk loads only with ``graph.ledger``
or ``graph.directory``.
"""
