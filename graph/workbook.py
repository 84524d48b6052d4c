"""The workbook-API requests the Graph Ledger makes, as kiota ``RequestInformation``.

Each comes from msgraph-sdk's typed request builders (URL template, method,
path parameters), so it travels through the SDK's request adapter with its
middleware. Two requests need a body the typed models cannot carry, and get
it as raw JSON on the builder's own ``RequestInformation``:

- ``rows/add`` with ``values``: ``AddPostRequestBody`` and ``WorkbookTableRow``
  have no ``values`` (msgraph-sdk-python #956, #926);
- ``PATCH range(address=...)``: the ``range(address=...)`` builder offers
  no PATCH at all, and ``WorkbookRange`` has no ``values`` (#844).

Reads ask for ``$select=address,values`` (and ``numberFormat`` where a write
follows), which the function builders' URL templates do not offer: the
template gets a ``{?%24select}`` tail.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.drives.item.items.item.workbook.tables.item.columns.add.add_post_request_body import (
    AddPostRequestBody as AddColumnBody,
)
from msgraph.generated.drives.item.items.item.workbook.worksheets.add.add_post_request_body import (
    AddPostRequestBody as AddSheetBody,
)
from msgraph.generated.models.workbook_worksheet import WorkbookWorksheet

from cases.columns import TABLE_NAME

from .client import GraphTransport
from .deadline import Deadline
from .location import FileLocation

if TYPE_CHECKING:
    from msgraph.generated.drives.item.items.item.workbook.worksheets.item.range_with_address.range_with_address_request_builder import (
        RangeWithAddressRequestBuilder,
    )

VALUES = "address,values"
VALUES_AND_FORMATS = "address,values,numberFormat"
# learn.microsoft.com/graph/api/resources/workbookworksheet: visibility is one of
# Visible, Hidden, VeryHidden; "very hidden" is not even listed in Excel's Unhide dialog.
VERY_HIDDEN = "VeryHidden"


@dataclass
class Op:
    """One Ledger call: its deadline, its session, and whether a write is in doubt."""

    name: str
    deadline: Deadline
    session: str | None = None
    requests: WorkbookRequests = field(init=False)  # set by each attempt
    in_doubt: str = ""  # Ärende-ID of a write sent without a definite answer


class WorkbookRequests:
    """Request builders for one workbook file (its drive item) and its table."""

    def __init__(self, transport: GraphTransport, location: FileLocation, table: str = TABLE_NAME):
        client = transport.client
        self._workbook = (
            client.drives.by_drive_id(location.drive_id)
            .items.by_drive_item_id(location.item_id)
            .workbook
        )
        self._table = self._workbook.tables.by_workbook_table_id(table)

    # -- reads -----------------------------------------------------------------

    def table(self) -> RequestInformation:
        return self._table.to_get_request_information()

    def table_range(self, fields: str = VALUES) -> RequestInformation:
        """The whole table, header row first: one read for ``list`` and a cold start."""
        return _select(self._table.range.to_get_request_information(), fields)

    def header_row(self) -> RequestInformation:
        return _select(self._table.header_row_range.to_get_request_information(), VALUES)

    def last_row(self) -> RequestInformation:
        """The table's last data row, with number formats: a new row inherits them."""
        info = self._table.data_body_range.last_row.to_get_request_information()
        return _select(info, VALUES_AND_FORMATS)

    def sheet_visibility(self, name: str) -> RequestInformation:
        """A sheet's ``visibility`` (learn.microsoft.com/graph/api/worksheet-get)."""
        info = self._workbook.worksheets.by_workbook_worksheet_id(name).to_get_request_information()
        return _select(info, "visibility")

    def cells(
        self, sheet: str, address: str, select: str = VALUES_AND_FORMATS
    ) -> RequestInformation:
        return _select(self._range(sheet, address).to_get_request_information(), select)

    # -- writes ----------------------------------------------------------------

    def write_cells(
        self, sheet: str, address: str, values: Sequence[Sequence[Any]]
    ) -> RequestInformation:
        """PATCH a range's ``values``; ``None`` leaves a cell as it is (Graph's rule)."""
        # Gap: msgraph-sdk 1.65's range(address=...) builder has no PATCH at all,
        # and WorkbookRange no ``values``: the builder gives the URL template and
        # path parameters, the request is a PATCH with a JSON body.
        builder = self._range(sheet, address)
        info = RequestInformation(Method.PATCH, builder.url_template, builder.path_parameters)
        info.headers.try_add("Accept", "application/json")
        return _with_json(info, {"values": [list(row) for row in values]})

    def add_rows(self, rows: Sequence[Sequence[Any]]) -> RequestInformation:
        """Append rows to the table (Excel grows it, with its formats and formulas).

        One request for several rows, as the rows/add page asks ("batch the rows
        together in a single call"); Graph answers with the top new row only.
        """
        # Gap: rows/add's AddPostRequestBody has no ``values`` (msgraph-sdk-python #956).
        builder = self._table.rows.add
        info = RequestInformation(Method.POST, builder.url_template, builder.path_parameters)
        info.headers.try_add("Accept", "application/json")
        return _with_json(info, {"index": None, "values": [list(row) for row in rows]})

    def delete_row(self, index: int) -> RequestInformation:
        """Take the table row at 0-based ``index`` out; the rows below move up."""
        # learn.microsoft.com/graph/api/tablerow-delete names DELETE .../rows/{index},
        # which Graph answers ApiNotFound (microsoftgraph/microsoft-graph-docs#12985,
        # #14158; microsoft-graph-docs-contrib#460): rows/itemAt(index=n) is what works.
        # Gap: msgraph-sdk's itemAt builder offers GET only; its URL, sent as a DELETE.
        builder = self._table.rows.item_at_with_index(index)
        info = RequestInformation(Method.DELETE, builder.url_template, builder.path_parameters)
        info.headers.try_add("Accept", "application/json")
        return info

    def add_sheet(self, name: str) -> RequestInformation:
        return self._workbook.worksheets.add.to_post_request_information(AddSheetBody(name=name))

    def hide_sheet(self, name: str) -> RequestInformation:
        """Make a sheet "very hidden": Excel's Unhide dialog does not even list it."""
        body = WorkbookWorksheet(visibility=VERY_HIDDEN)
        return self._workbook.worksheets.by_workbook_worksheet_id(
            name
        ).to_patch_request_information(body)

    def add_column(self, header: str) -> RequestInformation:
        return self._table.columns.add.to_post_request_information(AddColumnBody(name=header))

    def _range(self, sheet: str, address: str) -> RangeWithAddressRequestBuilder:
        return self._workbook.worksheets.by_workbook_worksheet_id(sheet).range_with_address(address)


def _select(info: RequestInformation, fields: str) -> RequestInformation:
    if info.url_template and "{?" not in info.url_template:
        info.url_template += "{?%24select}"
    info.query_parameters["%24select"] = fields
    return info


def _with_json(info: RequestInformation, body: dict[str, Any]) -> RequestInformation:
    info.set_stream_content(
        json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json"
    )
    return info
