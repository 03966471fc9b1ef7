"""A table of numbers shown three ways: as an HTML table, as a chart drawn from the same
rows (static/js/dashboard-charts.js) and as an xlsx download. One object feeds all three,
so a chart can never show other numbers than its table and its file."""

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from rt_registry.spreadsheets import escape_formula

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    key: str  # in the xlsx URL and file name
    title: str
    headers: list
    rows: list  # lists of str, int or Decimal, one per row
    note: str = ""
    # How to draw it: chart type, the column of labels, the columns drawn (by index).
    chart: dict = field(default_factory=dict)
    # The column holding an indicator code, linked to its rubric on /indikator/.
    indicator_column: int | None = None

    def chart_spec(self):
        """What dashboard-charts.js draws: labels, one dataset per drawn column, numbers
        as floats (Chart.js takes no Decimal strings)."""
        if not self.chart:
            return None
        label_col = self.chart.get("label_column", 0)
        return {
            "type": self.chart.get("type", "bar"),
            "horizontal": self.chart.get("horizontal", False),
            "stacked": self.chart.get("stacked", False),
            "percent": self.chart.get("percent", False),
            "target": self.chart.get("target"),
            "colors": self.chart.get("colors"),
            "labels": [str(row[label_col]) for row in self.rows],
            "datasets": [
                {"label": self.headers[i], "data": [as_number(row[i]) for row in self.rows]}
                for i in self.chart["columns"]
            ],
        }


def as_number(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def xlsx_bytes(table, *, heading):
    """The table as an xlsx workbook: a heading line, bold headers, then the rows. Text
    is formula-escaped (rt_registry.spreadsheets.escape_formula)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title[:31])
    sheet.append([escape_formula(heading)])
    bold = Font(bold=True)
    header_cells = []
    for text in table.headers:
        cell = WriteOnlyCell(sheet, value=escape_formula(str(text)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in table.rows:
        sheet.append([escape_formula(v) if isinstance(v, str) else v for v in row])
    if table.note:
        sheet.append([])
        sheet.append([escape_formula(table.note)])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
