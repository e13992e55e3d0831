"""Reading pages as a person would, and posting the candidates forms as a browser would. Kept here
rather than borrowed from another feature's tests, so that these tests depend on nothing but the app."""

import html
import io
import re

from tests.helpers import page_text, set_english, snapshot  # noqa: F401 (re-exported)

CANDIDATES = "/recruiter/candidates"




def hidden_value(response, name: str) -> str:
    """The value of a hidden input on the page."""
    body = response.get_data(as_text=True)
    for tag in re.findall(r"<input[^>]*>", body):
        if f'name="{name}"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return html.unescape(value.group(1)) if value else ""
    raise AssertionError(f"no field {name!r} on the page")



def upload(client, content: bytes | str, filename: str = "export.csv"):
    """Post a file to the import page, as the browser's file field would."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(f"{CANDIDATES}/import", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def import_id(response) -> str:
    match = re.search(r'action="/recruiter/candidates/import/([A-Za-z0-9_-]{22})"', response.get_data(as_text=True))
    assert match, "no confirmation form on the page"
    return match.group(1)


def confirm(client, response, mode: str):
    return client.post(f"{CANDIDATES}/import/{import_id(response)}", data={"mode": mode})
