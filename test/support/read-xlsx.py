"""Reads a workbook with openpyxl (a real reader, not ExcelJS) and prints, per sheet, each cell's
Python type and value as JSON, so tests can check dates are dates and amounts numbers."""
import datetime
import json
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1], data_only=True, read_only=False)
out = {}
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows(values_only=False):
        cells = []
        for c in row:
            v = c.value
            if isinstance(v, datetime.datetime):
                cells.append(["date", v.isoformat()])
            elif isinstance(v, bool):
                cells.append(["bool", v])
            elif isinstance(v, (int, float)):
                cells.append(["number", v])
            elif v is None:
                cells.append(["empty", None])
            else:
                cells.append(["text", str(v)])
        rows.append(cells)
    formulas = openpyxl.load_workbook(sys.argv[1]).__getitem__(ws.title)
    out[ws.title] = {
        "rows": rows,
        "frozen": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "lastFormula": formulas.cell(formulas.max_row, 4).value,
    }
json.dump(out, sys.stdout)
