"""CSV export of the dashboard's tables, safe to open in a spreadsheet."""

import csv
import io

# A cell starting with one of these is read by spreadsheets as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """The value as text; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: list[str], rows: list[list], *, semicolon: bool = False) -> str:
    """A CSV document with a header row; semicolons for Dutch Excel, with decimal commas to match."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        cells = []
        for value in row:
            cell = safe_cell(value)
            if semicolon and isinstance(value, float):
                cell = cell.replace(".", ",")
            cells.append(cell)
        writer.writerow(cells)
    return buffer.getvalue()
