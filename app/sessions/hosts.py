"""Who hosts the feedback hours."""

import sqlalchemy as sa

from app.extensions import db
from app.models import FeedbackSession, Role, User

HOST_ROLES = (Role.RECRUITER, Role.ADMIN)


def host_choices(feedback_session: FeedbackSession | None = None) -> list[User]:
    """Who may host: active recruiters and admins, plus whoever hosts ``feedback_session`` already."""
    users = list(db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.role.in_(HOST_ROLES)).order_by(User.name)
    ))
    for host in (feedback_session.hosts if feedback_session else []):
        if host not in users:
            users.append(host)
    return users


def hosts_by_id(host_ids: tuple[int, ...]) -> list[User]:
    """The members of staff with these ids, by name."""
    if not host_ids:
        return []
    return list(db.session.scalars(sa.select(User).where(User.id.in_(host_ids)).order_by(User.name)))
