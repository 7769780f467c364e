"""Forms jixiao did not write — filed Word documents and other offices' workbooks — read by the
labels printed on them: ``grid`` (a table with its merges), ``word`` (a .docx's body), ``sheets``
(any workbook's sheets) and ``forms`` (which table is which form, and each field from its label)."""
