"""The shared kernel: what every feature uses and none of them owns.

- ``errors``: ``DomainError``, the base of every feature's exceptions, whose ``message`` a person reads, and
  ``DomainError.refusal`` for one that needs nothing but its message.
- ``text``: cleaning what people type (``clean_text``, ``clean_line``) and searching for it (``escape_like``).
- ``forms``: ``ActionForm``, ``form_status``, ``LocalDateField``, ``IdField``.
- ``views``: a button's POST (``button_action``, ``button_pressed_or_back``).
- ``worker``: the loop and the ``--loop``/``--interval`` options of the mail and webhook workers.
- ``pagination``: page, offset and whether there is a next page.
- ``languages``: the portal's languages (``LANGUAGES`` in the settings) and their names.
- ``query``: reading the query string, ids in the path and JSON bodies without ever answering with a 500.

Modules here import nothing from a feature package.
"""
