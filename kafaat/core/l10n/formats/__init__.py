"""Kafaat's date and number formats per language (settings.FORMAT_MODULE_PATH), over Django's own.

Only what differs from Django's locale files is here; docs/decisions/0020-number-and-date-formats.md says why.
`kafaat.core.l10n.formatting` reads the separators from these modules, so pages, charts, XLSX and PDF agree.
"""
