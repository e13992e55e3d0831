"""``{% cache key %}…{% endcache %}``: a part of a page rendered once per key and kept in this process.

For the parts of busy pages that many visitors see alike, such as the free times on the booking page
(every candidate who opens their link at the same moment sees the same list) or a form that has not been
filled in yet. The key must name everything the part shows: the part is rendered again only when the key
changes. So a key holds the page's language and the data itself (the free times as read in this request),
never a stand-in for it such as a version number, and what is personal (a name, a link, a CSRF token)
stays outside the cached part. A key of ``none`` renders the part every time, for a form showing what
was typed or its errors:

    {% cache ("slot-picker", current_language, days) %}{{ slot_picker(days) }}{% endcache %}
    {% cache ("booking-form", current_language) if form is none else none %}…{% endcache %}

Keys must be hashable. Each process keeps the ``MAX_ENTRIES`` keys used last; nothing is shared between
processes, nothing is written anywhere, and a restart empties it.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

MAX_ENTRIES = 256


class FragmentCache:
    """The most recently used rendered parts, at most ``max_entries``, safe across threads."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], Markup]) -> Markup:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        rendered = render()  # outside the lock: two threads may render the same part once each
        with self._lock:
            self._entries[key] = rendered
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return rendered

    def __len__(self) -> int:
        return len(self._entries)


class CacheExtension(Extension):
    tags = {"cache"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(fragment_cache=FragmentCache())

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", [key]), [], [], body).set_lineno(lineno)

    def _render(self, key: Hashable | None, caller: Callable[[], Markup]) -> Markup:
        if key is None:
            return caller()
        return self.environment.fragment_cache.get_or_render(key, caller)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension(CacheExtension)
