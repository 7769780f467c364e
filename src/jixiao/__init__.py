"""jixiao (绩效): fill, check and sign off the annual budget-performance self-evaluation forms.

The package is laid out as a pipeline; each layer imports only the ones before it:

    model     the `jixiao/1` document, schemes, numbers and derived values
    forms     where every field sits on the three forms (layout, labels, defined names)
    workbook  safe reading, filling and extracting workbooks
    cli       the thin command-line face
"""

__version__ = "0.1.0"
