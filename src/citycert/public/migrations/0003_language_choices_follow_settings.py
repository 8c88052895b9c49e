# Language choices follow settings.LANGUAGES (a callable): a new language changes no migration.

from django.db import migrations, models

import citycert.languages


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0002_renewal_until"),
    ]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="story_language",
            field=models.CharField(
                choices=citycert.languages.choices,
                default="en",
                max_length=8,
                verbose_name="language of the story",
            ),
        ),
    ]
