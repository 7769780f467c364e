Attribute VB_Name = "JixiaoButtons"
' jixiao: the buttons on the first sheet call these macros. Each runs Python through xlwings
' (RunPython). xlwings finds Python in this PC's own settings, written once by
' `jixiao addin-config --user`; the xlwings.conf sheet overrides them only when asked.
' This module is ASCII only: the captions, in Chinese, live in the workbook.
' Made by jixiao from its list of buttons (workbook/macros.py BUTTONS): edit that, not this.
Option Explicit

Sub JixiaoValidate()
    RunPython "import jixiao.excel.buttons as b; b.validate()"
End Sub

Sub JixiaoRecompute()
    RunPython "import jixiao.excel.buttons as b; b.recompute()"
End Sub

Sub JixiaoClearMarks()
    RunPython "import jixiao.excel.buttons as b; b.clear_marks()"
End Sub

Sub JixiaoAddProjectSheet()
    RunPython "import jixiao.excel.buttons as b; b.add_project_sheet()"
End Sub

Sub JixiaoSignoff()
    RunPython "import jixiao.excel.buttons as b; b.signoff()"
End Sub

Sub JixiaoSelfCheck()
    RunPython "import jixiao.excel.buttons as b; b.self_check(embedded_xlwings='" & XLWINGS_VERSION & "')"
End Sub

' Called by add_project_sheet (directly on a desktop, or as a runMacro action of the remote
' client): copies the template project sheet with its formats, formulas and sheet-scoped names,
' names the copy, and clears its input cells (a comma-separated list of A1 ranges).
Sub JixiaoCopyProjectSheet(wb As Workbook, template As String, newName As String, clearList As String)
    Dim dst As Worksheet, part As Variant, target As Range
    wb.Worksheets(template).Copy After:=wb.Worksheets(wb.Worksheets.Count)
    Set dst = wb.Worksheets(wb.Worksheets.Count)
    dst.Name = newName
    For Each part In Split(clearList, ",")
        Set target = dst.Range(part)
        If target.Cells.Count = 1 Then Set target = target.MergeArea
        target.ClearContents
    Next
    dst.Activate
End Sub

' Called by the buttons on a desktop: every range name of this workbook that refers to cells,
' with its sheet and address, in one call (walking Names from Python costs about five calls to
' Excel per name, and a project sheet has dozens). Rows past the last name stay Empty.
Function JixiaoNames() As Variant
    Dim out() As Variant, n As Name, target As Range, i As Long
    If ThisWorkbook.Names.Count = 0 Then
        JixiaoNames = Empty
        Exit Function
    End If
    ReDim out(1 To ThisWorkbook.Names.Count, 1 To 3)
    For Each n In ThisWorkbook.Names
        Set target = Nothing
        On Error Resume Next
        Set target = n.RefersToRange
        On Error GoTo 0
        If Not target Is Nothing Then
            i = i + 1
            out(i, 1) = n.Name
            out(i, 2) = target.Worksheet.Name
            out(i, 3) = target.Address
        End If
    Next
    JixiaoNames = out
End Function

' Called by the validate button on a desktop: links each cell of one column of the results sheet, from firstRow
' down, to its place in the workbook, in one call. targets holds one in-workbook reference per
' row ('sheet'!I5), separated by line feeds; an empty one leaves its row without a link.
Sub JixiaoLinks(sheetName As String, column As Long, firstRow As Long, targets As String, tip As String)
    Dim ws As Worksheet, parts As Variant, i As Long, cell As Range
    Set ws = ThisWorkbook.Worksheets(sheetName)
    parts = Split(targets, vbLf)
    For i = LBound(parts) To UBound(parts)
        If parts(i) <> "" Then
            Set cell = ws.Cells(firstRow + i - LBound(parts), column)
            ws.Hyperlinks.Add Anchor:=cell, Address:="", SubAddress:=parts(i), ScreenTip:=tip, _
                TextToDisplay:=CStr(cell.Value)
        End If
    Next
End Sub

' The forms are protected so that formulas are not typed over. Protecting again with
' UserInterfaceOnly lets jixiao write the formulas back (recompute) and colour cells.
Sub Auto_Open()
    Dim ws As Worksheet
    For Each ws In ThisWorkbook.Worksheets
        If ws.ProtectContents Then
            ws.Protect Password:="", UserInterfaceOnly:=True, AllowFormattingCells:=True, _
                AllowFormattingColumns:=True, AllowFormattingRows:=True, AllowInsertingRows:=True, _
                AllowDeletingRows:=True, AllowInsertingHyperlinks:=True
        End If
    Next
End Sub
