"""{% cache key %}: a part of a page rendered once per key in a process (app/fragments.py)."""

from flask import render_template_string

from app.fragments import FragmentCache


def test_a_part_is_rendered_once_per_key_and_again_for_another_key(app):
    renders = []
    app.jinja_env.globals["count_render"] = lambda: renders.append(1) or len(renders)
    page = "{% cache ('part', key) %}rendered {{ count_render() }} for {{ key }}{% endcache %}"

    with app.test_request_context():
        assert render_template_string(page, key="a") == "rendered 1 for a"
        assert render_template_string(page, key="a") == "rendered 1 for a"
        assert render_template_string(page, key="b") == "rendered 2 for b"


def test_a_key_of_none_renders_every_time(app):
    renders = []
    app.jinja_env.globals["count_render"] = lambda: renders.append(1) or len(renders)
    page = "{% cache none %}rendered {{ count_render() }}{% endcache %}"

    with app.test_request_context():
        assert [render_template_string(page) for _ in range(3)] == ["rendered 1", "rendered 2", "rendered 3"]


def test_what_is_kept_is_still_escaped(app):
    page = "{% cache ('name', name) %}<b>{{ name }}</b>{% endcache %}"

    with app.test_request_context():
        for _ in range(2):
            assert render_template_string(page, name="<script>") == "<b>&lt;script&gt;</b>"


def test_only_the_parts_used_last_are_kept():
    cache = FragmentCache(max_entries=2)
    for key in ("a", "b", "a", "c"):  # "a" used again after "b": "b" is the one to go
        cache.get_or_render(key, lambda key=key: f"part {key}")

    assert len(cache) == 2
    assert cache.get_or_render("a", lambda: "rendered again") == "part a"
    assert cache.get_or_render("b", lambda: "rendered again") == "rendered again"
