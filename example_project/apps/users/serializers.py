"""Serializers of the users API."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from django_shopkit.validators import NoControlCharactersMixin

from .models import User


class RegistrationSerializer(NoControlCharactersMixin, serializers.ModelSerializer):
    """Create an account: e-mail, password typed twice, optional personal details."""

    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    password_confirm = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "birth_date",
            "password",
            "password_confirm",
        ]
        read_only_fields = ["id"]

    def validate_email(self, value):
        """Reject an address already registered, whatever its case."""
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(_("A user with this e-mail address already exists."))
        return User.objects.normalize_email(value)

    def validate(self, attrs):
        """Check that both passwords match and pass the project's password validators."""
        password = attrs["password"]
        if password != attrs.pop("password_confirm"):
            raise serializers.ValidationError(
                {"password_confirm": _("The passwords do not match.")}
            )
        # The validators compare the password with the user's own details (e-mail, names).
        candidate = User(**{k: v for k, v in attrs.items() if k != "password"})
        try:
            password_validation.validate_password(password, user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs

    def create(self, validated_data):
        """Create the user with a hashed password (the profile follows by signal)."""
        password = validated_data.pop("password")
        return User.objects.create_user(password=password, **validated_data)
