from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired, Length

from app.i18n import _l


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(_l("Please enter your e-mail address.")),
                                                         Length(max=320)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Please enter your password.")),
                                                         Length(max=1000)])
    next = HiddenField()
