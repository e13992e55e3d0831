"""docs/openapi.json describes the API as it is: every /api route documented with its methods, and every
documented route exists."""

import json
import re
from pathlib import Path

SPEC = Path(__file__).parents[2] / "docs" / "openapi.json"


def routes_of_the_app(app) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def test_every_api_route_is_documented_and_every_documented_route_exists(app):
    spec = json.loads(SPEC.read_text())
    documented = {path: set(operations) - {"parameters"} for path, operations in spec["paths"].items()}
    assert documented == routes_of_the_app(app)


def test_every_path_parameter_is_described(app):
    spec = json.loads(SPEC.read_text())
    for path, operations in spec["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for operation in operations.values():
            described = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert described == names, path


def test_the_documented_error_codes_are_the_ones_the_api_gives(app):
    spec = json.loads(SPEC.read_text())
    create = spec["paths"]["/api/v1/rejections"]["post"]["responses"]
    assert {"200", "201", "400", "401", "403", "409", "413", "422", "429"} <= set(create)
    fields = spec["components"]["schemas"]["Rejection"]["properties"]
    from app.candidates.csv_import import FIELDS

    assert set(fields) == {"external_id", *FIELDS}
