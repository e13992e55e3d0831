"""The shared kernel: what every feature uses and none of them owns.

- ``errors``: ``DomainError``, the base of every feature's exceptions, whose ``message`` a person reads.
- ``text``: cleaning what people type (``clean_text``, ``clean_line``) and searching for it (``escape_like``).
- ``forms``: ``ActionForm``, ``LocalDateField``, ``IdField``.
- ``pagination``: page, offset and whether there is a next page.
- ``languages``: the portal's languages (``LANGUAGES`` in the settings) and their names.
- ``query``: reading the query string, ids in the path and JSON bodies without ever answering with a 500.

Modules here import nothing from a feature package.
"""
