"""One evaluation per (dossier, grid, co-funding signatory) instead of per instructor (issue 13).

Existing evaluations are given to the signatory of their instructor's organisation; one made
by the secretariat goes to the first co-funder of the dossier's plan that has none yet with
that grid. An evaluation no co-funder can own (a dossier whose plan names no CPER funder, or
every co-funder already instructed) has no meaning under the rule and is removed with its marks.
"""

import django.db.models.deletion
from django.db import migrations, models


def attribuer(apps, schema_editor):
    Evaluation = apps.get_model("gouvernance", "Evaluation")
    Signataire = apps.get_model("axes", "Signataire")
    Ligne = apps.get_model("projets", "LignePlanFinancement")
    par_organisation = {s.organisation_id: s.pk for s in Signataire.objects.all()}
    for evaluation in Evaluation.objects.select_related("instructeur").order_by("pk"):
        pris = set(
            Evaluation.objects.filter(
                projet_id=evaluation.projet_id, grille_id=evaluation.grille_id
            )
            .exclude(signataire__isnull=True)
            .values_list("signataire_id", flat=True)
        )
        candidat = par_organisation.get(evaluation.instructeur.organisation_id)
        if candidat is None or candidat in pris:
            cofinanceurs = (
                Ligne.objects.filter(projet_id=evaluation.projet_id, nature="cper")
                .exclude(signataire_id__in=pris)
                .order_by("signataire__ordre")
                .values_list("signataire_id", flat=True)
            )
            candidat = next(iter(cofinanceurs), None)
        if candidat is None:
            evaluation.notes.all().delete()
            evaluation.delete()
            continue
        evaluation.signataire_id = candidat
        evaluation.save(update_fields=["signataire"])


class Migration(migrations.Migration):
    dependencies = [
        ("axes", "0001_initial"),
        ("gouvernance", "0002_pouvoir_programmer_avis"),
        ("projets", "0003_journal_inalterable"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="evaluation", name="evaluation_une_par_instructeur"),
        migrations.AddField(
            model_name="evaluation",
            name="signataire",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evaluations",
                to="axes.signataire",
                verbose_name="cofinanceur",
                help_text="Le signataire cofinanceur dont c'est l'instruction.",
            ),
        ),
        migrations.RunPython(attribuer, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="evaluation",
            name="signataire",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evaluations",
                to="axes.signataire",
                verbose_name="cofinanceur",
                help_text="Le signataire cofinanceur dont c'est l'instruction.",
            ),
        ),
        migrations.AlterField(
            model_name="evaluation",
            name="avis",
            field=models.CharField(
                blank=True,
                choices=[
                    ("favorable", "Favorable"),
                    ("reserve", "Réservé"),
                    ("defavorable", "Défavorable"),
                ],
                max_length=20,
                verbose_name="avis",
            ),
        ),
        migrations.AlterField(
            model_name="evaluation",
            name="commentaire",
            field=models.TextField(blank=True, verbose_name="commentaire"),
        ),
        migrations.AddConstraint(
            model_name="evaluation",
            constraint=models.UniqueConstraint(
                fields=("projet", "grille", "signataire"), name="evaluation_une_par_cofinanceur"
            ),
        ),
    ]
