"""A text field stored encrypted; reads give plaintext, the database only ever sees ciphertext."""

from django.db import models

from crm.crypto import decrypt, encrypt

PREFIX = "enc1:"


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with FIELD_ENCRYPTION_KEY"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        if not value.startswith(PREFIX):
            raise ValueError("EncryptedTextField holds a value that was not encrypted")
        return decrypt(value[len(PREFIX) :])

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return PREFIX + encrypt(value)
