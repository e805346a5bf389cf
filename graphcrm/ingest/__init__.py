"""Getting data in: every source is read, checked as a whole, planned, then written.

Each source is one module of the same shape: it reads its files into a `Plan` (nodes and
relationships, with the file, row and column each came from, and the problems found while
reading); `apply_plan` checks the plan against the database and writes it only when there is no
problem, holding the write lock from check to last batch, undoing a write that fails part-way.

- `files`: graphcrm's own six files (CSV folder or XLSX workbook) and `import_path`, which
  also takes a JSON-lines export (`jsonlines`);
- `linkedin`: LinkedIn's Connections.csv;
- `contacts`: an address book, vCard or Google Contacts' CSV (read by `address_book`, whose
  vCard lines `vcard` reads);
- `salesforce`: a Salesforce export (accounts, contacts and their managers, opportunities with
  their contact roles, our users as reps);
- `interactions`: who wrote to and met whom, from mail (`mbox`) and calendars (`ics`), headers
  only;
- the readers and cell rules they share: `tabular` (CSV/XLSX files, encodings), `workbook`
  (XLSX sheets, streamed and bounded), `fields` (cell parsers), `formula_cells` (cells a
  spreadsheet would run), `plan` (the plan, its checks, its write and its undo).
"""

from graphcrm.ingest.files import ImportResult, InvalidInput, apply_plan, import_path

__all__ = ["ImportResult", "InvalidInput", "apply_plan", "import_path"]
