from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from app.auth.passwords import MIN_LENGTH
from app.i18n import _l


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(_l("Please enter your e-mail address.")),
                                                         Length(max=320)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Please enter your password.")),
                                                         Length(max=1000)])
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"),
                            validators=[InputRequired(_l("Please enter your current password."))])
    new = PasswordField(_l("New password"), validators=[
        InputRequired(_l("Please choose a new password.")),
        Length(min=MIN_LENGTH, max=1000, message=_l("Use at least %(min)s characters.", min=MIN_LENGTH))])
    repeat = PasswordField(_l("New password again"), validators=[
        InputRequired(_l("Please repeat the new password.")),
        EqualTo("new", message=_l("The two new passwords are not the same."))])
