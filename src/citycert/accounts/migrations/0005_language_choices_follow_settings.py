# Language choices follow settings.LANGUAGES (a callable): a new language changes no migration.

from django.db import migrations, models

import citycert.languages


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_language_and_notifications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                choices=citycert.languages.choices,
                max_length=8,
                verbose_name="language for emails",
            ),
        ),
    ]
