from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField
from wtforms.validators import Email, InputRequired, Length

from app.i18n import _l


class ResendLinkForm(FlaskForm):
    email = EmailField(
        _l("Your e-mail address"),
        # Phones often add a space after an autocompleted address; it is not part of the address.
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            InputRequired(_l("Please enter your e-mail address.")),
            Length(max=320, message=_l("That e-mail address is too long.")),
            Email(message=_l("That does not look like an e-mail address."), check_deliverability=False),
        ],
    )


class LanguageForm(FlaskForm):
    next = HiddenField()
