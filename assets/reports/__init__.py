"""The joint monthly and annual reports: HJ 663 / GB 3838 tables, charts, HTML, CSV/XLSX, the e-mail."""
