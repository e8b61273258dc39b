import pytest
from django.core import mail
from django.db import transaction

from django_shopkit.orders.emails import send_order_confirmation
from tests.factories import make_product, make_user
from tests.orders.helpers import place_order

pytestmark = pytest.mark.django_db


def test_confirmation_is_sent_once_after_commit(user, django_capture_on_commit_callbacks):
    product = make_product(name="Teapot", price="30.00")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place_order(user, (product, 2))
        assert mail.outbox == []  # nothing before the commit
    assert callbacks
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.from_email == "shop@example.com"
    assert order.number in message.subject
    assert "\n" not in message.subject
    assert "2 x Teapot" in message.body
    assert "60.00" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Teapot" in html


def test_no_mail_when_the_transaction_rolls_back(user, django_capture_on_commit_callbacks):
    product = make_product()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                place_order(user, (product, 1))
                raise RuntimeError("payment page crashed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []


def test_setting_turns_mail_off(user, settings, django_capture_on_commit_callbacks):
    settings.SHOPKIT_SEND_ORDER_EMAILS = False
    with django_capture_on_commit_callbacks(execute=True):
        place_order(user, (make_product(), 1))
    assert mail.outbox == []


def test_sender_and_subject_prefix_settings(user, settings, django_capture_on_commit_callbacks):
    settings.SHOPKIT_ORDER_EMAIL_FROM = "orders@shop.test"
    settings.SHOPKIT_ORDER_EMAIL_SUBJECT_PREFIX = "[Shop] "
    with django_capture_on_commit_callbacks(execute=True):
        place_order(user, (make_product(), 1))
    (message,) = mail.outbox
    assert message.from_email == "orders@shop.test"
    assert message.subject.startswith("[Shop] ")


def test_user_without_address_gets_no_mail(django_capture_on_commit_callbacks):
    user = make_user()
    user.email = ""
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(user, (make_product(), 1))
    assert mail.outbox == []
    assert send_order_confirmation(order) == 0


def test_failing_mail_server_does_not_break_the_committed_order(
    user, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def boom(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", boom)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(user, (make_product(), 1))
    assert order.pk is not None
    assert "mail server down" in caplog.text
