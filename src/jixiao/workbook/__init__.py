"""Workbooks: safe reading (`reader`, `safety`), filling (`fill`) and extracting (`extract`)."""
