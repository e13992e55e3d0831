from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField
from wtforms.validators import Email, InputRequired, Length


class ResendLinkForm(FlaskForm):
    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            InputRequired(_l("Please enter your e-mail address.")),
            Length(max=320, message=_l("That e-mail address is too long.")),
            Email(message=_l("That does not look like an e-mail address."), check_deliverability=False),
        ],
    )


class LanguageForm(FlaskForm):
    next = HiddenField()
