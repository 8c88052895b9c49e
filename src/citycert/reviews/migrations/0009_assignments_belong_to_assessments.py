import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Once every assignment has its assessment (0008), the city goes and the assessment is
    required: a migration of its own, so that the data moved has been committed first."""

    dependencies = [
        ("reviews", "0008_assignments_to_assessments"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="assignment",
            name="city",
        ),
        migrations.AlterField(
            model_name="assignment",
            name="assessment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="assignments",
                to="assessments.assessment",
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.UniqueConstraint(
                fields=("assessment", "reviewer"), name="one_assignment_per_assessment"
            ),
        ),
    ]
