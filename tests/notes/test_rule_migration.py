"""Migration 0005_checker: the rules admins added before the checker read words keep working. Plain
phrases become word patterns (they now find the other forms too); every other pattern stays a regular
expression, matched as before. Runs on a SQLite file of its own, from the revision before it."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.checker import check
from app.extensions import db


def test_old_rules_are_migrated_sensibly(tmp_path):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}",
        "RATELIMIT_ENABLED": False, "MAIL_SERVER": None, "MAIL_FOLDER": str(tmp_path / "mail"),
    })
    with app.app_context():
        upgrade(revision="0006_mail_ids")
        insert = sa.text("INSERT INTO feedback_rule (language, category, pattern, suggestion, created_at) "
                         "VALUES (:language, 'personality', :pattern, 'Noem het gedrag.', CURRENT_TIMESTAMP)")
        db.session.execute(insert, {"language": "nl", "pattern": "te weinig vakkennis"})
        db.session.execute(insert, {"language": "nl", "pattern": "(te|erg) star"})
        db.session.commit()

        upgrade()
        rows = db.session.execute(sa.text("SELECT pattern, syntax FROM feedback_rule ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("te weinig vakkennis", "words"), ("(te|erg) star", "regex")]
        # The plain phrase now also finds its words' other forms and hedges in between; the regex as before.
        found = check("Je had echt te weinig vakkennis, en je bleef erg star.", "nl")
        assert {(f.phrase, f.suggestion) for f in found} >= {("te weinig vakkennis", "Noem het gedrag."),
                                                            ("erg star", "Noem het gedrag.")}
        db.session.remove()
        downgrade(revision="0006_mail_ids")
        columns = [c["name"] for c in sa.inspect(db.engine).get_columns("feedback_rule")]
        assert "syntax" not in columns
        db.session.remove()
        db.engine.dispose()
