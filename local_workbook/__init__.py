"""The local store: the "Stora ärenden" workbook as an .xlsx file on disk, through openpyxl.

It is the Ledger that `make run` uses with no Azure, and the tools that make or
convert the team's workbook. It stands beside ``graph/``, the Ledger over the
same workbook in SharePoint; both keep the columns that ``cases.columns`` defines.

- ``ledger``: ``LocalWorkbookLedger``, the Ledger protocol over one file;
- ``table``: the table StoraArenden inside an openpyxl workbook, read and written cell by cell;
- ``template``: a new, empty workbook (``python -m local_workbook.template``);
- ``convert``: the team's existing file brought to the template's columns
  (``python -m local_workbook.convert``).
"""
